#include "cli/command.h"

#include <algorithm>

#include "base/log.h"

namespace wisp::cli {

std::optional<int> parse(CLI::App& app, std::vector<std::string> args) {
  int verbose = 0;
  bool quiet = false;
  app.add_flag("-v,--verbose", verbose, "More output (repeat for debug)");
  app.add_flag("-q,--quiet", quiet, "Only errors");
  std::reverse(args.begin(), args.end());  // CLI11 takes a reversed vector
  try {
    app.parse(args);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    log::error("{}: {}", app.get_name(), e.what());
    fmt::print(stderr, "Run '{} --help' for usage.\n", app.get_name());
    return k_exit_usage;
  }
  if (quiet) log::set_level(log::Level::error);
  else if (verbose >= 2) log::set_level(log::Level::debug);
  else if (verbose == 1) log::set_level(log::Level::info);
  return std::nullopt;
}

int report(const Error& error) {
  log::error("{}", error.message);
  return error.code == Errc::usage ? k_exit_usage : k_exit_failure;
}

}  // namespace wisp::cli
