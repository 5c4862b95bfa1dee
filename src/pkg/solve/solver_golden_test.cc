// apk-tools' own solver scenarios (test/solver/*.test, copied to testdata/apk-tools/solver),
// run against wisp's resolver. A scenario is `@ARGS`, `@REPO [@tag] file`, `@CACHE file`,
// `@INSTALLED file`, `@WORLD atoms` and `@EXPECT` followed by apk's output. `add` (with atoms
// and no flags) is in scope, on a fresh root or on the root @INSTALLED describes; every other
// scenario is listed in k_out_of_scope with its reason (and in docs/solver-scenarios.md), and
// the test fails if a scenario is neither run nor listed.
#include <algorithm>
#include <cstdlib>
#include <iostream>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "base/file.h"
#include "base/log.h"
#include "base/strings.h"
#include "pkg/apk/index.h"
#include "pkg/solve/installed.h"
#include "pkg/solve/solver.h"
#include "pkg/solve/verify.h"

namespace wisp::pkg::solve {
namespace {

namespace fs = std::filesystem;

const std::string k_testdata_dir = std::string(WISP_TESTDATA) + "/apk-tools/solver";

// WISP_SOLVER_SCENARIO_DIR runs another directory of scenarios in the same format instead, e.g.
// random ones whose @EXPECT was recorded from a real apk binary (differential testing).
std::string scenario_dir() {
  const char* dir = std::getenv("WISP_SOLVER_SCENARIO_DIR");
  return dir && *dir ? std::string(dir) : k_testdata_dir;
}
bool custom_dir() { return scenario_dir() != k_testdata_dir; }

struct Listed {
  std::string_view file;
  std::string_view reason;
};

// Scenarios wisp does not run, and why. Keep in step with docs/solver-scenarios.md.
constexpr Listed k_out_of_scope[] = {
    {"basic10.test", "--force-broken-world: apk drops world atoms that cannot be met; wisp reports them"},
    {"basic11.test", "--force-broken-world: apk drops world atoms that cannot be met; wisp reports them"},
    {"basic8.test", "add -t (virtual package created from the command line)"},
    {"pinning14.test", "add -t (virtual package created from the command line)"},
    {"basic12.test", "upgrade of an installed root (@INSTALLED): --no-network upgrade --latest"},
    {"basic13.test", "upgrade of an installed root (@INSTALLED): upgrade --latest"},
    {"basic14.test", "del on an installed root (@INSTALLED): del a"},
    {"basic15.test", "del on an installed root (@INSTALLED): del c"},
    {"basic17.test", "add --upgrade on an installed root: apk's upgrade flag (prefer the newest over what is installed) is not modelled"},
    {"basic18.test", "add --latest on an installed root: apk's latest flag (newest allowed version first) is not modelled"},
    {"basic20.test", "upgrade of an installed root (@INSTALLED): upgrade -v"},
    {"basic21.test", "upgrade of an installed root (@INSTALLED): upgrade --prune"},
    {"basic3.test", "upgrade of an installed root (@INSTALLED): upgrade"},
    {"basic4.test", "del on an installed root (@INSTALLED): del a"},
    {"basic5.test", "upgrade of an installed root (@INSTALLED): upgrade -a"},
    {"basic6.test", "upgrade of an installed root (@INSTALLED): upgrade"},
    {"basic7.test", "upgrade of an installed root (@INSTALLED): --no-network upgrade"},
    {"basic9.test", "add -t on an installed root (virtual package created from the command line)"},
    {"error6.test", "add -t on an installed root (virtual package created from the command line)"},
    {"error7.test", "add -t on an installed root (virtual package created from the command line)"},
    {"fix1.test", "fix on an installed root (@INSTALLED): fix --upgrade b"},
    {"fix2.test", "fix on an installed root (@INSTALLED): fix --upgrade a"},
    {"fix3.test", "fix on an installed root (@INSTALLED): fix --upgrade --depends a"},
    {"fix4.test", "fix on an installed root (@INSTALLED): fix b"},
    {"fix5.test", "fix on an installed root (@INSTALLED): fix a"},
    {"fix6.test", "fix on an installed root (@INSTALLED): fix --depends a"},
    {"installif11.test", "upgrade of an installed root (@INSTALLED): -v upgrade"},
    {"installif12.test", "upgrade of an installed root (@INSTALLED): -v upgrade"},
    {"installif13.test", "del on an installed root (@INSTALLED): del appiif1"},
    {"installif4.test", "del on an installed root (@INSTALLED): del app"},
    {"pinning6.test", "upgrade of an installed root (@INSTALLED): upgrade"},
    {"pinning8.test", "upgrade of an installed root (@INSTALLED): upgrade -a"},
    {"provides-prio3.test", "del on an installed root (@INSTALLED): del busybox-binsh"},
    {"provides-prio4.test", "upgrade of an installed root (@INSTALLED): upgrade"},
    {"provides-swap3.test", "upgrade of an installed root (@INSTALLED): upgrade"},
    {"provides-upgrade.test", "upgrade of an installed root (@INSTALLED): upgrade"},
    {"provides18.test", "del on an installed root (@INSTALLED): del wine-staging"},
    {"selfupgrade1.test", "upgrade of an installed root (@INSTALLED): upgrade --self-upgrade-only"},
    {"selfupgrade2.test", "upgrade of an installed root (@INSTALLED): upgrade --self-upgrade-only"},
    {"selfupgrade3.test", "upgrade of an installed root (@INSTALLED): upgrade --self-upgrade-only"},
    {"selfupgrade4.test", "upgrade of an installed root (@INSTALLED): upgrade --self-upgrade-only"},
    {"selfupgrade5.test", "upgrade of an installed root (@INSTALLED): upgrade --preupgrade-only"},
    {"selfupgrade6.test", "upgrade of an installed root (@INSTALLED): upgrade --preupgrade-only"},
    {"selfupgrade7.test", "upgrade of an installed root (@INSTALLED): upgrade --preupgrade-only"},
    {"selfupgrade8.test", "upgrade of an installed root (@INSTALLED): upgrade --preupgrade-only"},
    {"upgrade1.test", "upgrade of an installed root (@INSTALLED): upgrade"},
    {"upgrade2.test", "upgrade of an installed root (@INSTALLED): upgrade --ignore app"},
    {"upgrade3.test", "upgrade of an installed root (@INSTALLED): upgrade b"},
    {"upgrade4.test", "upgrade of an installed root (@INSTALLED): upgrade --prune"},
};

// In-scope scenarios where wisp knowingly differs from apk (they must keep failing, so that a
// change is noticed). Keep in step with docs/solver-scenarios.md.
constexpr Listed k_known_differences[] = {
    {"", ""},  // placeholder so the array is never empty
};

// Packages apk's error names that wisp's need not: apk reports every package its propagation
// had to give up on, wisp the candidates of the name that failed (with their reasons).
struct Unnamed {
  std::string_view file;
  std::string_view subject;
  std::string_view reason;
};
constexpr Unnamed k_unnamed_subjects[] = {
    {"error3.test", "d-2.0",
     "apk also complains that d-2.0 breaks b-1[d<2.0] (a-3 wants d>1.5); the root cause, which "
     "wisp reports, is that world[!b] rules out b-1, which both a-2 and a-3 need"},
};

// Flags that do not change what a fresh-root `add` resolves.
const std::set<std::string> k_harmless_flags = {"--no-network", "--root-tmpfs=yes",
                                                "--root-tmpfs=no"};

struct Scenario {
  std::string file;
  std::vector<std::string> args;
  std::vector<std::pair<std::string, std::string>> repos;  // tag, file
  std::vector<std::string> world;
  std::string installed;  // the installed database's file, "" for a fresh root
  std::vector<std::string> expect;
};

Scenario load(const fs::path& path) {
  Scenario s;
  s.file = path.filename().string();
  std::ifstream in(path);
  std::string line;
  bool expecting = false;
  while (std::getline(in, line)) {
    if (expecting && (line.empty() || line[0] != '@')) {
      s.expect.push_back(line);
      continue;
    }
    auto words = split_whitespace(line);
    if (words.empty()) continue;
    if (words[0] == "@ARGS") {
      for (size_t i = 1; i < words.size(); ++i) s.args.emplace_back(words[i]);
    } else if (words[0] == "@REPO" && words.size() == 3) {
      s.repos.emplace_back(std::string(words[1]), std::string(words[2]));
    } else if ((words[0] == "@REPO" || words[0] == "@CACHE") && words.size() == 2) {
      s.repos.emplace_back("", std::string(words[1]));
    } else if (words[0] == "@WORLD") {
      for (size_t i = 1; i < words.size(); ++i) s.world.emplace_back(words[i]);
    } else if (words[0] == "@INSTALLED" && words.size() == 2) {
      s.installed = words[1];
    } else if (words[0] == "@EXPECT") {
      expecting = true;
    }
  }
  return s;
}

// The atoms an in-scope scenario adds, or why it is not in scope.
std::string added_atoms(const Scenario& s, std::vector<std::string>* atoms) {
  bool seen_command = false;
  for (const std::string& arg : s.args) {
    if (!seen_command) {
      if (k_harmless_flags.count(arg)) continue;
      if (arg != "add") return "not add: " + arg;
      seen_command = true;
      continue;
    }
    if (arg.starts_with("-")) return "flag " + arg;
    atoms->push_back(arg);
  }
  return seen_command ? "" : "no command";
}

struct Install {
  std::string name;  // with @tag, as apk prints it
  std::string version;
  bool operator==(const Install&) const = default;
};

std::string show(const std::vector<Install>& list) {
  std::string out;
  for (const Install& i : list) out += "  " + i.name + " (" + i.version + ")\n";
  return out.empty() ? "  (nothing)\n" : out;
}

// apk's apk_fmt_human_size(..., 1).
std::string human_size(uint64_t bytes) {
  static const char* const units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  float scaled = static_cast<float>(bytes);  // apk computes in float
  size_t unit = 0;
  for (; unit + 1 < std::size(units) && scaled >= 10000; ++unit) {
    scaled /= 1024;
    bytes /= 1024;
  }
  if (unit < 2) return fmt::format("{} {}", bytes, units[unit]);
  return fmt::format("{:.1f} {}", scaled, units[unit]);
}

// What `apk --simulate add` prints for a root: the changes, then the root's size.
std::string apk_output(const Changeset& changeset) {
  uint64_t bytes = 0;
  for (const ChangesetEntry& entry : changeset.packages) bytes += entry.package->installed_size;
  return format_changes(changeset) + fmt::format("OK: {} in {} packages\n", human_size(bytes),
                                                 changeset.packages.size());
}

// "d-2.0" from "  d-2.0:", "conflicted-provider" from "  conflicted-provider (virtual):".
std::vector<std::string> error_subjects(const std::vector<std::string>& expect) {
  static const std::regex subject(R"(^  ([^ :]+)( \((virtual|no such package)\))?:$)");
  std::vector<std::string> out;
  for (const std::string& line : expect) {
    std::smatch m;
    if (std::regex_match(line, m, subject)) out.push_back(m[1]);
  }
  return out;
}

size_t g_solved_where_apk_fails = 0;

// Empty when the scenario behaves as apk's @EXPECT says; otherwise what differs.
std::string run(const Scenario& s, const std::vector<std::string>& added) {
  // apk may warn first ("WARNING: The indexes contain broken packages ...").
  std::string error_line;
  for (const std::string& line : s.expect)
    if (line.starts_with("ERROR:")) {
      error_line = line;
      break;
    }
  bool expect_error = !error_line.empty();

  std::vector<apk::Dependency> world;
  SolveOptions options;
  options.requested.emplace();  // apk add's arguments, not the names already in the world
  std::vector<std::string> atoms = s.world;
  for (const std::string& atom : added) atoms.push_back(atom);
  for (size_t i = 0; i < atoms.size(); ++i) {
    const std::string& text = atoms[i];
    auto dep = apk::parse_dependency(text);
    if (!dep) {
      // apk rejects the command line before solving ("'foo=' is not a valid world dependency").
      if (expect_error && error_line.find("is not a valid") != std::string::npos) return "";
      return "world atom " + text + " does not parse: " + dep.error().message;
    }
    // `apk add` replaces a world atom of the same name.
    std::erase_if(world, [&](const apk::Dependency& d) { return d.name == dep->name; });
    world.push_back(*dep);
    if (i >= s.world.size()) options.requested->push_back(dep->name);
  }
  if (expect_error && error_line.find("is not a valid") != std::string::npos)
    return "apk rejects the world atoms; wisp parsed them";

  std::vector<Repository> repos;
  for (const auto& [tag, file] : s.repos) {
    auto text = read_file(scenario_dir() + "/" + file, 1 << 26);
    if (!text) return "reading " + file + ": " + text.error().message;
    auto packages = apk::parse_index_text(*text);
    if (!packages) return "parsing " + file + ": " + packages.error().message;
    repos.push_back(Repository{.name = file, .tag = tag, .packages = std::move(*packages)});
  }
  std::vector<InstalledPackage> installed;
  if (!s.installed.empty()) {
    auto text = read_file(scenario_dir() + "/" + s.installed, 1 << 26);
    if (!text) return "reading " + s.installed + ": " + text.error().message;
    auto parsed = parse_installed_db(*text);
    if (!parsed) return "parsing " + s.installed + ": " + parsed.error().message;
    installed = std::move(*parsed);
  }
  auto pool = PackagePool::build(std::move(repos), "x86_64", std::move(installed));
  if (!pool) return "pool: " + pool.error().message;
  const char* verbose = std::getenv("WISP_SOLVER_GOLDEN_VERBOSE");
  if (verbose && std::string_view(verbose) == "2") log::set_level(log::Level::debug);
  auto result = solve(*pool, world, options);
  log::set_level(log::Level::warn);
  if (std::getenv("WISP_SOLVER_GOLDEN_VERBOSE"))
    std::cout << "== " << s.file << "\n"
              << (!result                 ? result.error().message + "\n"
                  : s.installed.empty()   ? format_changeset(*result)
                                          : apk_output(*result));

  if (result) {
    if (auto valid = verify_changeset(*pool, world, *result); !valid)
      return "wisp's answer is invalid: " + valid.error().message + "\n" + format_changeset(*result);
  }
  if (expect_error) {
    if (result && custom_dir()) {
      // Random scenarios: where apk gives up, wisp's backtracking may find a valid answer.
      ++g_solved_where_apk_fails;
      return "";
    }
    if (result) return "apk fails (" + error_line + ") but wisp installs:\n" + format_changeset(*result);
    if (result.error().code != Errc::unsatisfiable)
      return "wrong error code " + std::string(errc_name(result.error().code)) + ": " +
             result.error().message;
    const std::string& message = result.error().message;
    std::string missing;
    for (const std::string& subject : error_subjects(s.expect)) {
      if (message.find(subject) != std::string::npos) continue;
      bool excused = false;
      for (const Unnamed& u : k_unnamed_subjects) excused |= u.file == s.file && u.subject == subject;
      if (!excused) missing += " " + subject;
    }
    if (!missing.empty())
      return "wisp's error does not name" + missing + ":\n" + message + "\napk said:\n" +
             join(s.expect, "\n");
    return "";
  }

  if (!s.installed.empty()) {
    // A given root: apk's whole output, changes (upgrades, purges, ...) and summary, must match.
    if (!result) return "apk succeeds but wisp fails: " + result.error().message;
    std::string expected;
    for (const std::string& line : s.expect) expected += line + "\n";
    while (expected.ends_with("\n\n")) expected.pop_back();
    std::string actual = apk_output(*result);
    if (actual != expected) return "apk prints:\n" + expected + "wisp prints:\n" + actual;
    return "";
  }

  // apk pads the counter when there are ten or more changes: "( 1/10) Installing".
  static const std::regex installing(R"(^\( *\d+/\d+\) Installing (\S+) \((.*)\)$)");
  std::vector<Install> expected;
  for (const std::string& line : s.expect) {
    std::smatch m;
    if (std::regex_match(line, m, installing)) expected.push_back({m[1], m[2]});
  }
  if (!result) return "apk succeeds but wisp fails: " + result.error().message;
  std::vector<Install> actual;
  for (const ChangesetEntry& entry : result->packages) {
    std::string name = entry.package->name;
    std::string tag = pool->repositories()[entry.repository].tag;
    if (!tag.empty()) name += tag.starts_with("@") ? tag : "@" + tag;
    actual.push_back({name, entry.package->version});
  }
  if (actual != expected) return "apk installs:\n" + show(expected) + "wisp installs:\n" + show(actual);
  return "";
}

std::vector<fs::path> scenario_files() {
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(scenario_dir()))
    if (entry.path().extension() == ".test") files.push_back(entry.path());
  std::sort(files.begin(), files.end());
  return files;
}

const Listed* find(std::span<const Listed> list, const std::string& file) {
  for (const Listed& l : list)
    if (l.file == file) return &l;
  return nullptr;
}

TEST(SolverGolden, EveryScenarioIsRunOrListed) {
  if (custom_dir()) GTEST_SKIP() << "WISP_SOLVER_SCENARIO_DIR is set";
  auto files = scenario_files();
  ASSERT_EQ(files.size(), 119u) << "the apk-tools scenario set changed";
  std::set<std::string> names;
  for (const fs::path& path : files) {
    Scenario s = load(path);
    names.insert(s.file);
    std::vector<std::string> atoms;
    std::string not_runnable = added_atoms(s, &atoms);
    const Listed* listed = find(k_out_of_scope, s.file);
    if (not_runnable.empty()) {
      EXPECT_EQ(listed, nullptr) << s.file << " is runnable; remove it from k_out_of_scope";
    } else {
      EXPECT_NE(listed, nullptr) << s.file << " is not run (" << not_runnable
                                 << ") and not listed in k_out_of_scope";
    }
  }
  for (const Listed& l : k_out_of_scope)
    EXPECT_TRUE(names.count(std::string(l.file))) << l.file << " is listed but does not exist";
}

TEST(SolverGolden, DocumentListsTheSameScenarios) {
  if (custom_dir()) GTEST_SKIP() << "WISP_SOLVER_SCENARIO_DIR is set";
  auto doc = read_file(std::string(WISP_SOURCE_DIR) + "/docs/solver-scenarios.md", 1 << 20);
  ASSERT_TRUE(doc) << doc.error().message;
  for (const Listed& l : k_out_of_scope)
    EXPECT_NE(doc->find("`" + std::string(l.file) + "`"), std::string::npos)
        << l.file << " is out of scope but not in docs/solver-scenarios.md";
  for (const Listed& l : k_known_differences) {
    if (l.file.empty()) continue;
    EXPECT_NE(doc->find("`" + std::string(l.file) + "`"), std::string::npos)
        << l.file << " is a known difference but not in docs/solver-scenarios.md";
  }
  // The given-root scenarios that run are each described there too.
  for (const fs::path& path : scenario_files()) {
    Scenario s = load(path);
    std::vector<std::string> atoms;
    if (s.installed.empty() || !added_atoms(s, &atoms).empty()) continue;
    EXPECT_NE(doc->find("`" + s.file + "`"), std::string::npos)
        << s.file << " runs on a given root but is not in docs/solver-scenarios.md";
  }
}

TEST(SolverGolden, InScopeScenariosBehaveLikeApk) {
  size_t run_count = 0, passed = 0;
  for (const fs::path& path : scenario_files()) {
    Scenario s = load(path);
    std::vector<std::string> atoms;
    if (!added_atoms(s, &atoms).empty()) continue;
    ++run_count;
    std::string problem = run(s, atoms);
    const Listed* known = custom_dir() ? nullptr : find(k_known_differences, s.file);
    if (known) {
      EXPECT_FALSE(problem.empty()) << s.file << " now behaves like apk; remove it from "
                                    << "k_known_differences (" << known->reason << ")";
      continue;
    }
    if (problem.empty()) ++passed;
    EXPECT_TRUE(problem.empty()) << s.file << ": " << problem;
  }
  std::cout << "[ solver  ] " << passed << " of " << run_count << " in-scope apk-tools scenarios pass\n";
  if (custom_dir())
    std::cout << "[ solver  ] " << g_solved_where_apk_fails << " of them: a valid answer where apk gives up\n";
  if (!custom_dir()) {
    EXPECT_EQ(run_count, 119u - std::size(k_out_of_scope));
  }
}

}  // namespace
}  // namespace wisp::pkg::solve
