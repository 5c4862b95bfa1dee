#include "cli/main.h"

#include <exception>

#include "base/log.h"
#include "base/strings.h"
#include "cli/command.h"

namespace wisp::cli {

namespace {

constexpr std::string_view k_version = "0.1.0";

void print_usage() {
  fmt::print(
      "wisp {}: minimal, reproducible, signed container images from packages\n\n"
      "Usage: wisp <command> [options]\n\nCommands:\n",
      k_version);
  for (const auto& cmd : commands()) fmt::print("  {:<19} {}\n", cmd.name, cmd.summary);
  fmt::print("\nRun 'wisp <command> --help' for a command's options.\n");
}

/// The command whose words prefix args (longest match), or nullptr.
const Command* find_command(const std::vector<std::string>& args, size_t& words) {
  const Command* best = nullptr;
  for (const auto& cmd : commands()) {
    auto parts = split(cmd.name, ' ');
    if (parts.size() > args.size()) continue;
    bool match = true;
    for (size_t i = 0; i < parts.size() && match; ++i) match = args[i] == parts[i];
    if (match && (!best || parts.size() > words)) {
      best = &cmd;
      words = parts.size();
    }
  }
  return best;
}

std::string suggest(const std::vector<std::string>& args) {
  std::string best;
  size_t best_distance = 3;  // more than two edits is not a typo
  for (const auto& cmd : commands()) {
    auto parts = split(cmd.name, ' ');
    std::string typed;
    for (size_t i = 0; i < parts.size() && i < args.size(); ++i) typed += (i ? " " : "") + args[i];
    size_t d = edit_distance(typed, cmd.name);
    if (d < best_distance) {
      best_distance = d;
      best = std::string(cmd.name);
    }
  }
  return best;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty() || args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
    print_usage();
    return args.empty() ? k_exit_usage : k_exit_ok;
  }
  if (args[0] == "--version" || args[0] == "version") {
    fmt::print("wisp {}\n", k_version);
    return k_exit_ok;
  }
  size_t words = 0;
  const Command* cmd = find_command(args, words);
  if (!cmd) {
    std::string typed = args[0];
    log::error("unknown command '{}'", args.size() > 1 && args[1][0] != '-' ? args[0] + " " + args[1] : typed);
    if (auto hint = suggest(args); !hint.empty()) fmt::print(stderr, "Did you mean 'wisp {}'?\n", hint);
    fmt::print(stderr, "Run 'wisp --help' for the list of commands.\n");
    return k_exit_usage;
  }
  std::vector<std::string> rest(args.begin() + static_cast<long>(words), args.end());
  try {
    return cmd->run("wisp " + std::string(cmd->name), std::move(rest));
  } catch (const std::exception& e) {
    log::error("internal error: {}", e.what());
    return k_exit_failure;
  }
}

}  // namespace wisp::cli
