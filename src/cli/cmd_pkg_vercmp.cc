// wisp pkg vercmp: `apk version -t` / `dpkg --compare-versions` (compare two versions),
// `apk version -c` (validity), and a batch mode for differential tests against those tools.
#include <iostream>
#include <iterator>
#include <string>
#include <string_view>
#include <vector>

#include "base/log.h"
#include "base/strings.h"
#include "cli/command.h"
#include "cli/commands.h"
#include "pkg/apk/version.h"
#include "pkg/deb/version.h"

namespace wisp::cli {
namespace {

// Which ordering rules to apply: apk's (the default) or dpkg's (`--deb`).
enum class Scheme { apk, dpkg };

bool is_valid(Scheme scheme, std::string_view v) {
  switch (scheme) {
    case Scheme::apk:
      return pkg::apk::version_is_valid(v);
    case Scheme::dpkg:
      return pkg::deb::version_is_valid(v);
  }
  return false;
}

std::string_view order_symbol(Scheme scheme, std::string_view a, std::string_view b) {
  switch (scheme) {
    case Scheme::apk:
      return pkg::apk::version_order_symbol(pkg::apk::order_versions(a, b));
    case Scheme::dpkg: {
      int r = pkg::deb::compare_versions(a, b);
      return r < 0 ? "<" : r > 0 ? ">" : "=";
    }
  }
  return "?";
}

int usage_error(const std::string& prog, std::string_view message) {
  log::error("{}: {}", prog, message);
  fmt::print(stderr, "Run '{} --help' for usage.\n", prog);
  return k_exit_usage;
}

// One symbol per "A B" line of stdin; "?" (and an error on stderr) for a line that is not two
// valid versions, so the output stays aligned with the input.
int compare_batch(const std::string& prog, Scheme scheme) {
  std::string input{std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>()};
  std::string_view text = input;
  if (text.ends_with('\n')) text.remove_suffix(1);  // no empty line after the last newline
  std::string out;
  int bad = 0;
  size_t line_no = 0;
  for (std::string_view line : text.empty() ? std::vector<std::string_view>{} : split(text, '\n')) {
    ++line_no;
    auto words = split_whitespace(line);
    std::string_view symbol = "?";
    if (words.size() != 2) {
      log::error("{}: line {}: expected two versions, got {}", prog, line_no, words.size());
    } else if (!is_valid(scheme, words[0]) || !is_valid(scheme, words[1])) {
      log::error("{}: line {}: invalid version in \"{}\"", prog, line_no, line);
    } else {
      symbol = order_symbol(scheme, words[0], words[1]);
    }
    if (symbol == "?") ++bad;
    out += symbol;
    out += '\n';
  }
  fmt::print("{}", out);
  return bad == 0 ? k_exit_ok : k_exit_failure;
}

}  // namespace

int cmd_pkg_vercmp(const std::string& prog, std::vector<std::string> args) {
  CLI::App app{"Compare two package versions and print <, = or > (apk rules like `apk version -t`, "
               "or dpkg rules with --deb like `dpkg --compare-versions`).\n"
               "With --valid, check versions instead: print each invalid one and exit 1 if any "
               "(like apk version -c).\n"
               "With --batch, read \"A B\" lines from stdin and print one symbol per line (? for a "
               "line without two valid versions; the exit code is then 1).",
               prog};
  std::vector<std::string> versions;
  bool check = false;
  bool deb = false;
  bool batch = false;
  app.add_option("versions", versions, "A B to compare, or the versions to check with --valid");
  app.add_flag("-c,--valid,--check", check, "Check that every version is valid");
  app.add_flag("--deb", deb, "Use Debian (dpkg) version rules instead of apk's");
  app.add_flag("--batch", batch, "Compare the \"A B\" pairs of stdin's lines");
  if (auto rc = parse(app, std::move(args))) return *rc;
  Scheme scheme = deb ? Scheme::dpkg : Scheme::apk;

  if (batch) {
    if (check) return usage_error(prog, "--batch and --valid exclude each other");
    if (!versions.empty()) return usage_error(prog, "--batch reads versions from stdin, not arguments");
    return compare_batch(prog, scheme);
  }

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
