// The command table and what every command shares: flag parsing with CLI11 (which gives each
// command --help), -v/-q verbosity, and one way to report an Error.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <CLI/CLI.hpp>

#include "base/result.h"

namespace wisp::cli {

inline constexpr int k_exit_ok = 0;
inline constexpr int k_exit_failure = 1;
inline constexpr int k_exit_usage = 2;

/// A command gets its own arguments (after the command words); `prog` is e.g. "wisp pkg info".
using CommandFn = int (*)(const std::string& prog, std::vector<std::string> args);

struct Command {
  std::string_view name;  // one or two words: "keygen", "pkg info"
  std::string_view summary;
  CommandFn run;
};

/// Every command, in the order `wisp --help` lists them.
std::span<const Command> commands();

/// Parses `args` into `app` after adding the shared -v/-q flags. Returns an exit code when the
/// command must stop now (--help printed, or a usage error reported), nullopt to go on.
std::optional<int> parse(CLI::App& app, std::vector<std::string> args);

/// Prints "wisp: error: <message>" and returns the exit code for the error.
int report(const Error& error);

}  // namespace wisp::cli
