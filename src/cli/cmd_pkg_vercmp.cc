// wisp pkg vercmp: `apk version -t` (compare two versions) and `apk version -c` (validity).
#include <string_view>

#include "base/log.h"
#include "cli/command.h"
#include "cli/commands.h"
#include "pkg/apk/version.h"

namespace wisp::cli {
namespace {

// Which ordering rules to apply. apk is the only one today; dpkg's (`--deb`) joins here: add an
// enumerator, a flag that selects it, and a case in each function below.
enum class Scheme { apk };

bool is_valid(Scheme scheme, std::string_view v) {
  switch (scheme) {
    case Scheme::apk:
      return pkg::apk::version_is_valid(v);
  }
  return false;
}

std::string_view order_symbol(Scheme scheme, std::string_view a, std::string_view b) {
  switch (scheme) {
    case Scheme::apk:
      return pkg::apk::version_order_symbol(pkg::apk::order_versions(a, b));
  }
  return "?";
}

int usage_error(const std::string& prog, std::string_view message) {
  log::error("{}: {}", prog, message);
  fmt::print(stderr, "Run '{} --help' for usage.\n", prog);
  return k_exit_usage;
}

}  // namespace

int cmd_pkg_vercmp(const std::string& prog, std::vector<std::string> args) {
  CLI::App app{"Compare two package versions and print <, = or > (like apk version -t).\n"
               "With --valid, check versions instead: print each invalid one and exit 1 if any "
               "(like apk version -c).",
               prog};
  std::vector<std::string> versions;
  bool check = false;
  app.add_option("versions", versions, "A B to compare, or the versions to check with --valid");
  app.add_flag("-c,--valid,--check", check, "Check that every version is valid");
  if (auto rc = parse(app, std::move(args))) return *rc;
  Scheme scheme = Scheme::apk;

  if (check) {
    if (versions.empty()) return usage_error(prog, "--valid needs at least one version");
    int invalid = 0;
    for (const std::string& v : versions) {
      if (is_valid(scheme, v)) continue;
      fmt::print("{}\n", v);
      ++invalid;
    }
    return invalid == 0 ? k_exit_ok : k_exit_failure;
  }

  if (versions.size() != 2)
    return usage_error(prog, fmt::format("expected two versions, got {}", versions.size()));
  for (const std::string& v : versions) {
    if (!is_valid(scheme, v)) {
      log::error("{}: invalid version \"{}\"", prog, v);
      return k_exit_failure;
    }
  }
  fmt::print("{}\n", order_symbol(scheme, versions[0], versions[1]));
  return k_exit_ok;
}

}  // namespace wisp::cli
