#include "pkg/solve/solver.h"

#include <chrono>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "base/strings.h"
#include "pkg/apk/index.h"
#include "pkg/solve/verify.h"

namespace wisp::pkg::solve {
namespace {

struct Repo {
  std::string tag;
  std::string text;  // APKINDEX text; C: lines are added when missing
};

// "P:a\nV:1\n\nP:b..." with a distinct identity per block unless one is given, and a non-zero
// installed size (apk lets empty packages come from any repository).
std::string with_identities(const std::string& text) {
  static int counter = 0;
  std::string out;
  std::vector<std::string> blocks;
  std::string current;
  for (std::string_view line : split(text, '\n')) {
    if (trim(line).empty()) {
      if (!current.empty()) blocks.push_back(current);
      current.clear();
      continue;
    }
    current += std::string(trim(line)) + "\n";
  }
  if (!current.empty()) blocks.push_back(current);
  for (std::string& block : blocks) {
    if (block.find("I:") == std::string::npos) block += "I:1\n";
    if (block.find("C:") == std::string::npos) {
      // 20 bytes of base64 = 27 characters and one '=' (the last character has unused bits,
      // so the counter goes first).
      std::string id = fmt::format("{:09d}", ++counter) + std::string(18, 'A');
      block = "C:Q1" + id + "=\n" + block;
    }
    out += block + "\n";
  }
  return out;
}

PackagePool make_pool(const std::vector<Repo>& repos, std::string arch = "x86_64") {
  std::vector<Repository> list;
  int n = 0;
  for (const Repo& repo : repos) {
    auto packages = apk::parse_index_text(with_identities(repo.text));
    EXPECT_TRUE(packages) << packages.error().message;
    list.push_back(Repository{.name = fmt::format("repo{}", n++),
                              .tag = repo.tag,
                              .packages = packages ? std::move(*packages) : std::vector<apk::PackageInfo>{}});
  }
  auto pool = PackagePool::build(std::move(list), std::move(arch));
  EXPECT_TRUE(pool) << pool.error().message;
  return std::move(*pool);
}

PackagePool make_pool(const std::string& text) { return make_pool(std::vector<Repo>{{"", text}}); }

std::vector<apk::Dependency> world_of(std::string_view text) {
  auto deps = apk::parse_dependencies(text);
  EXPECT_TRUE(deps) << deps.error().message;
  return deps ? *deps : std::vector<apk::Dependency>{};
}

// "name=version" lines joined with spaces, in install order.
std::string installs(const PackagePool& pool, std::string_view world, SolveOptions options = {}) {
  auto w = world_of(world);
  auto result = solve(pool, w, options);
  if (!result) return "error: " + result.error().message;
  auto valid = verify_changeset(pool, w, *result);
  EXPECT_TRUE(valid) << world << ": " << valid.error().message;
  std::string out;
  for (const ChangesetEntry& e : result->packages)
    out += (out.empty() ? "" : " ") + e.package->name + "=" + e.package->version;
  return out;
}

std::string error_of(const PackagePool& pool, std::string_view world, SolveOptions options = {}) {
  auto result = solve(pool, world_of(world), options);
  EXPECT_FALSE(result) << world << " resolved: " << (result ? format_changeset(*result) : "");
  if (result) return "";
  EXPECT_EQ(result.error().code, Errc::unsatisfiable) << result.error().message;
  return result.error().message;
}

TEST(SolvePool, IndexesNamesProvidesAndRepositories) {
  auto pool = make_pool({{"", "P:a\nV:1\np:so:liba.so.1=1 cmd:a=1 virt\n\nP:a\nV:2\n"},
                         {"@testing", "P:a\nV:3\n\nP:b\nV:1\nD:a\n"}});
  EXPECT_EQ(pool.size(), 4u);
  EXPECT_EQ(pool.arch(), "x86_64");
  ASSERT_EQ(pool.repositories().size(), 2u);
  EXPECT_EQ(pool.providers("a").size(), 3u);
  EXPECT_EQ(pool.providers("so:liba.so.1").size(), 1u);
  EXPECT_EQ(pool.providers("virt").size(), 1u);
  EXPECT_TRUE(pool.providers("nothing").empty());
  EXPECT_EQ(pool.repository_of(pool.providers("b")[0]), 1u);
  EXPECT_EQ(pool.package(pool.providers("cmd:a")[0]).version, "1");
}

TEST(SolvePool, MergesOneIdentityListedTwice) {
  // apk compares decoded identities: these two spellings differ only in base64's unused bits.
  auto pool = make_pool({{"", "C:Q1hdUpqRv5mYgJEqW52UmVsvmyysF=\nP:bar\nV:1\n"},
                         {"@t", "C:Q1hdUpqRv5mYgJEqW52UmVsvmyysE=\nP:libiif\nV:1\ni:lib foo\n"}});
  EXPECT_EQ(pool.size(), 1u);
  EXPECT_TRUE(pool.providers("libiif").empty()) << "the first entry's metadata wins, as in apk";
  EXPECT_EQ(pool.repository_of(pool.providers("bar")[0]), 0u);
}

TEST(SolvePool, MarksPackagesThatCanNeverBeInstalled) {
  auto pool = make_pool(
      "P:foreign\nV:1\nA:aarch64\n\nP:any\nV:1\nA:noarch\n\nP:plain\nV:1\n\n"
      "P:future\nV:1\nX:something new\n\nP:tagged-dep\nV:1\nD:x@edge\n\n"
      "P:bad-dep\nV:1\nD:x=notaversion\n\nP:self\nV:1\np:self\n\n"
      "P:twice\nV:1\np:v=1 v=2\n\nP:bad-provide\nV:1\np:!nope ok=1\n\n"
      "P:bad-iif\nV:1\ni:plain foo=\n\nP:good-iif\nV:1\ni:plain\n");
  auto reason = [&](std::string_view name) { return pool.unavailable(pool.providers(name).at(0)); };
  EXPECT_EQ(reason("foreign"), Unavailable::arch);
  EXPECT_EQ(reason("any"), Unavailable::none);
  EXPECT_EQ(reason("plain"), Unavailable::none);
  EXPECT_EQ(reason("future"), Unavailable::uninstallable);
  EXPECT_EQ(reason("tagged-dep"), Unavailable::bad_depends);
  EXPECT_EQ(reason("bad-dep"), Unavailable::bad_depends);
  EXPECT_EQ(reason("self"), Unavailable::self_conflict);
  EXPECT_EQ(reason("twice"), Unavailable::self_conflict);
  EXPECT_EQ(reason("bad-provide"), Unavailable::none) << "a bad provide is ignored, as apk does";
  EXPECT_EQ(pool.providers("ok").size(), 1u);
  // A broken install_if rule is dropped: the package is never pulled in by it.
  EXPECT_EQ(installs(pool, "plain"), "plain=1 good-iif=1");
}

TEST(SolvePool, RejectsEmptyArchAndTooManyTags) {
  EXPECT_EQ(PackagePool::build({}, "").error().code, Errc::usage);
  std::vector<Repository> repos;
  for (int i = 0; i < 70; ++i) repos.push_back(Repository{.name = "r", .tag = fmt::format("@t{}", i)});
  auto pool = PackagePool::build(std::move(repos), "x86_64");
  ASSERT_FALSE(pool);
  EXPECT_EQ(pool.error().code, Errc::usage);
}

TEST(Solve, PicksTheHighestVersionThatMatches) {
  auto pool = make_pool(
      "P:a\nV:1.0\n\nP:a\nV:1.10\n\nP:a\nV:1.9_rc1\n\nP:a\nV:2.0_alpha1\n\nP:a\nV:1.2.3\n");
  EXPECT_EQ(installs(pool, "a"), "a=2.0_alpha1");
  EXPECT_EQ(installs(pool, "a<2"), "a=1.10");
  EXPECT_EQ(installs(pool, "a<1.10"), "a=1.9_rc1");
  std::string error = error_of(pool, "a>=3");
  EXPECT_NE(error.find("a-1.10 does not match world[a>=3]"), std::string::npos) << error;
  EXPECT_EQ(installs(pool, "a~1.2"), "a=1.2.3");
  EXPECT_EQ(installs(pool, "a=~1.2"), "a=1.2.3");
  EXPECT_EQ(installs(pool, "a>~1.9"), "a=2.0_alpha1");
  EXPECT_EQ(installs(pool, "a<~1.2"), "a=1.2.3");
  EXPECT_EQ(installs(pool, "a<=1.0"), "a=1.0");
  EXPECT_EQ(installs(pool, "a=1.9_rc1"), "a=1.9_rc1");
}

TEST(Solve, PinsAnIdentityWithChecksumOperator) {
  auto pool = make_pool(
      "C:Q1AAAAAAAAAAAAAAAAAAAAAAAAAAA=\nP:a\nV:1\n\nC:Q1BBBBBBBBBBBBBBBBBBBBBBBBBBB=\nP:a\nV:2\n");
  EXPECT_EQ(installs(pool, "a><Q1AAAAAAAAAAAAAAAAAAAAAAAAAAA="), "a=1");
  EXPECT_EQ(installs(pool, "a"), "a=2");
}

TEST(Solve, InstallsDependenciesFirst) {
  auto pool = make_pool(
      "P:app\nV:1\nD:so:libfoo.so.1 cmd:sh\n\nP:libfoo\nV:1\np:so:libfoo.so.1=1\n\n"
      "P:busybox\nV:1.36\np:cmd:sh=1.36\nD:so:libc\n\nP:libc\nV:2\np:so:libc=2\n");
  EXPECT_EQ(installs(pool, "app"), "libfoo=1 libc=2 busybox=1.36 app=1");
}

TEST(Solve, VersionedProvidesOwnTheName) {
  auto pool = make_pool(
      "P:openssl\nV:3\np:libssl=3\n\nP:libressl\nV:4\np:libssl=4\n\n"
      "P:x\nV:1\nD:libssl<4\n\nP:y\nV:1\nD:libressl\n");
  EXPECT_EQ(installs(pool, "libssl"), "libressl=4");
  EXPECT_EQ(installs(pool, "x"), "openssl=3 x=1");
  std::string error = error_of(pool, "x y");
  EXPECT_NE(error.find("libressl-4 provides libssl=4, which does not match x-1[libssl<4]"),
            std::string::npos)
      << error;
}

TEST(Solve, VirtualsNeedAPriorityOrAnExplicitChoice) {
  auto pool = make_pool(
      "P:mawk\nV:1\np:awk\n\nP:gawk\nV:5\np:awk\n\nP:busybox\nV:1\np:awk /bin/sh\nk:10\n\n"
      "P:dash\nV:0.5\np:/bin/sh\nk:60\n\nP:script\nV:1\nD:awk\n\nP:edit\nV:1\nD:ed\n\n"
      "P:ed-a\nV:1\np:ed\n\nP:ed-b\nV:1\np:ed\n");
  EXPECT_EQ(installs(pool, "awk"), "busybox=1");
  EXPECT_EQ(installs(pool, "/bin/sh"), "dash=0.5");
  EXPECT_EQ(installs(pool, "gawk awk"), "gawk=5");
  EXPECT_EQ(installs(pool, "script mawk"), "mawk=1 script=1");
  std::string error = error_of(pool, "edit");
  EXPECT_EQ(error.substr(0, error.find('\n')),
            "unable to select packages: ed (world \u2192 edit-1 \u2192 ed): ed is a virtual name "
            "without a provider priority; select one of its providers explicitly: ed-a, ed-b");
  EXPECT_EQ(installs(pool, "edit ed-b"), "ed-b=1 edit=1");
}

TEST(Solve, HonoursConflictsFromWorldAndDepends) {
  auto pool = make_pool(
      "P:a\nV:1\n\nP:a\nV:2\n\nP:b\nV:1\nD:!a>1\n\nP:c\nV:1\nD:b !d\n\nP:d\nV:1\n");
  EXPECT_EQ(installs(pool, "a !b"), "a=2");
  EXPECT_EQ(installs(pool, "b a"), "a=1 b=1");
  EXPECT_EQ(installs(pool, "c"), "b=1 c=1");
  std::string error = error_of(pool, "c d");
  EXPECT_NE(error.find("c-1"), std::string::npos) << error;
  error = error_of(pool, "a>1 b");
  EXPECT_NE(error.find("!a>1"), std::string::npos) << error;
  error = error_of(pool, "a !a");
  EXPECT_NE(error.find("world[!a]"), std::string::npos) << error;
}

TEST(Solve, InstallIfReachesAFixedPoint) {
  auto pool = make_pool(
      "P:base\nV:1\n\nP:docs\nV:1\n\nP:base-doc\nV:1\ni:base docs\n\nP:man-pages\nV:1\n"
      "i:base-doc\n\nP:unrelated\nV:1\ni:base nothing\n\nP:old\nV:1\ni:base=0\n\n"
      "P:nobash\nV:1\ni:base !bash\n\nP:bash\nV:1\n");
  EXPECT_EQ(installs(pool, "base"), "base=1 nobash=1");
  EXPECT_EQ(installs(pool, "base docs"), "base=1 nobash=1 docs=1 base-doc=1 man-pages=1");
  EXPECT_EQ(installs(pool, "bash base"), "base=1 bash=1");
}

TEST(Solve, InstallIfPrefersAProviderOfARequiredName) {
  // apk weighs p1-2 as a provider of the required v, which makes it the preferred p1 when base
  // triggers p1, over the higher p1-3 ("last dependency merging group"); apk installs p1-2.
  auto pool = make_pool(
      "P:base\nV:1\n\nP:p1\nV:3\ni:base\n\nP:p1\nV:2\np:v\nk:1\ni:base\n\n"
      "P:vv\nV:1\np:v\nk:5\n");
  EXPECT_EQ(installs(pool, "base v"), "base=1 vv=1 p1=2");
  EXPECT_EQ(installs(pool, "base"), "base=1 p1=3");
}

TEST(Solve, BacktracksWhenTheGreedyChoiceFails) {
  // apk picks p1-3 (highest), needs p0>=2, whose p0-10 wants p1<1.5: apk gives up; wisp tries
  // the next candidate.
  auto pool = make_pool(
      "P:p0\nV:1.5\n\nP:p0\nV:10\nD:p1<1.5\n\nP:p1\nV:2\n\nP:p1\nV:3\nD:p0>=2\n");
  EXPECT_EQ(installs(pool, "p1"), "p1=2");
  EXPECT_EQ(installs(pool, "p1 p0"), "p0=1.5 p1=2");
}

TEST(Solve, JumpsBackOverUnrelatedDecisions) {
  // z is decided first: z-2 pulls d, which pins c=2. Forty names with three versions each are
  // decided next; only then does a0 (which needs c=1) fail. The dead end depends on z alone, so
  // the search must go straight back to it: chronological backtracking would try 3^40
  // combinations first.
  std::string text = "P:z\nV:1\n\nP:z\nV:2\nD:d\n\nP:d\nV:1\nD:c=2\n\nP:c\nV:1\n\nP:c\nV:2\n\n"
                     "P:a0\nV:1\nD:c=1\n\nP:a0\nV:2\nD:c=1\n\n";
  std::string world = "a0 z ";
  for (int i = 0; i < 40; ++i) {
    for (int v = 1; v <= 3; ++v) text += fmt::format("P:n{}\nV:{}\n\n", i, v);
    world += fmt::format("n{} ", i);
  }
  auto pool = make_pool(text);
  SolveOptions options;
  options.max_steps = 20'000;
  std::string result = installs(pool, world, options);
  EXPECT_NE(result.find("z=1"), std::string::npos) << result;
  EXPECT_NE(result.find("c=1 a0=2"), std::string::npos) << result;
  EXPECT_NE(result.find("n39=3"), std::string::npos) << result;

  // Unsatisfiable whatever the forty choose: fails at once, not after max_steps.
  std::string error = error_of(pool, world + "d", options);
  EXPECT_EQ(error.find("gave up"), std::string::npos) << error;
  EXPECT_NE(error.find("c=1"), std::string::npos) << error;
}

TEST(Solve, GivesUpAfterMaxSteps) {
  std::string text, world;
  for (int i = 0; i < 30; ++i) {
    for (int v = 1; v <= 2; ++v) text += fmt::format("P:n{}\nV:{}\n\n", i, v);
    world += fmt::format("n{} ", i);
  }
  auto pool = make_pool(text);
  SolveOptions options;
  options.max_steps = 10;
  auto result = solve(pool, world_of(world), options);
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().code, Errc::unsatisfiable);
  EXPECT_NE(result.error().message.find("gave up after 10 steps"), std::string::npos);
}

TEST(Solve, ExplainsTheChainAndEachCandidate) {
  auto pool = make_pool(
      "P:top\nV:1\nD:a\n\nP:a\nV:2\nD:so:libfoo.so.1>1\n\n"
      "P:libfoo\nV:1\nA:aarch64\np:so:libfoo.so.1=2\n\n"
      "P:libfoo-compat\nV:1\np:so:libfoo.so.1=1\n\n"
      "P:libfoo-new\nV:2\np:so:libfoo.so.1=2\nD:!a\n");
  std::string error = error_of(pool, "top");
  auto lines = split(error, '\n');
  ASSERT_EQ(lines.size(), 5u) << error;
  EXPECT_EQ(lines[0],
            "unable to select packages: so:libfoo.so.1>1 (world \u2192 top-1 \u2192 a-2 \u2192 "
            "so:libfoo.so.1>1): none of its 3 candidates is acceptable");
  EXPECT_EQ(lines[1], "  candidates:");
  EXPECT_EQ(lines[2], "    libfoo-1 is built for aarch64, not x86_64 (wrong architecture)");
  EXPECT_EQ(lines[3],
            "    libfoo-compat-1 provides so:libfoo.so.1=1, which does not match "
            "a-2[so:libfoo.so.1>1]");
  EXPECT_EQ(lines[4], "    libfoo-new-2 has !a, which conflicts with selected a-2");

  error = error_of(pool, "nothere");
  EXPECT_EQ(error, "unable to select packages: no package provides nothere (required by world)");
  error = error_of(pool, "libfoo-neww");
  EXPECT_EQ(error,
            "unable to select packages: no package provides libfoo-neww (required by world)\n"
            "  libfoo-neww: did you mean libfoo-new?");
}

TEST(Solve, RepositoryTagsArePinned) {
  auto pool = make_pool({{"", "P:a\nV:2\nD:b\n\nP:b\nV:2\n\nP:c\nV:1\n"},
                         {"@testing", "P:a\nV:3\nD:b\n\nP:b\nV:3\n\nP:c\nV:3\nD:a>=3\n"}});
  auto repo_tags = [&](std::string_view world) {
    auto result = solve(pool, world_of(world));
    if (!result) return "error: " + result.error().message;
    std::string out;
    for (const ChangesetEntry& e : result->packages)
      out += (out.empty() ? "" : " ") + e.package->name + "=" + e.package->version +
             pool.repositories()[e.repository].tag;
    return out;
  };
  EXPECT_EQ(repo_tags("a"), "b=2 a=2");
  EXPECT_EQ(repo_tags("a@testing"), "b=2 a=3@testing");
  EXPECT_EQ(repo_tags("a@testing b@testing"), "b=3@testing a=3@testing");
  EXPECT_EQ(repo_tags("c@testing"), "b=2 a=3@testing c=3@testing");
  // A tag no repository has unlocks nothing, as in apk; errors still show it as written.
  EXPECT_EQ(repo_tags("a@nowhere"), "b=2 a=2");
  std::string error = error_of(pool, "c@nowhere>=3");
  EXPECT_NE(error.find("c@nowhere>=3 (world"), std::string::npos) << error;
  error = error_of(pool, "c>=3");
  EXPECT_NE(error.find("c-3 is only in @testing (masked: ask for c@testing to allow it)"),
            std::string::npos)
      << error;
  // An empty package (a meta package) may come from any repository, as in apk.
  auto meta = make_pool({{"", "P:x\nV:1\nD:m>1\n"}, {"@testing", "P:m\nV:2\nI:0\n"}});
  EXPECT_EQ(installs(meta, "x"), "m=2 x=1");
}

TEST(Solve, SurvivesCyclesAndDeepChains) {
  auto pool = make_pool("P:a\nV:1\nD:b\n\nP:b\nV:1\nD:c\n\nP:c\nV:1\nD:a\n\nP:self\nV:1\nD:self\n");
  EXPECT_EQ(installs(pool, "a"), "c=1 b=1 a=1");
  EXPECT_EQ(installs(pool, "self"), "self=1");

  // A chain deeper than any call stack would allow if walked recursively.
  std::string text;
  constexpr int k_depth = 20000;
  for (int i = 0; i < k_depth; ++i)
    text += fmt::format("P:n{}\nV:1\n{}\n", i, i + 1 < k_depth ? fmt::format("D:n{}\n", i + 1) : "");
  auto deep = make_pool(text);
  auto result = solve(deep, world_of("n0"));
  ASSERT_TRUE(result) << result.error().message;
  ASSERT_EQ(result->packages.size(), size_t{k_depth});
  EXPECT_EQ(result->packages.front().package->name, fmt::format("n{}", k_depth - 1));
  EXPECT_EQ(result->packages.back().package->name, "n0");
}

TEST(Solve, HostileIndexesFailCleanly) {
  // Every package conflicts with the next one and needs the previous one: unsatisfiable.
  std::string text;
  for (int i = 0; i < 50; ++i)
    for (int v = 1; v <= 3; ++v)
      text += fmt::format("P:n{}\nV:{}\nD:{}{}\n\n", i, v, i ? fmt::format("n{} ", i - 1) : "",
                          fmt::format("!n{}", i + 1));
  auto pool = make_pool(text);
  SolveOptions options;
  options.max_steps = 100'000;
  auto start = std::chrono::steady_clock::now();
  auto result = solve(pool, world_of("n49"), options);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().code, Errc::unsatisfiable);

  // Names that exist only in dependencies, empty worlds, conflicts on unknown names.
  auto empty = make_pool("P:a\nV:1\nD:ghost\n");
  EXPECT_EQ(installs(empty, ""), "");
  EXPECT_EQ(installs(empty, "!ghost2"), "");
  EXPECT_NE(error_of(empty, "a").find("no package provides ghost"), std::string::npos);
}

TEST(Changeset, FormatsLinesJsonAndDot) {
  auto pool = make_pool(
      "C:Q1EyN5AdpAOBJWKMR89pp/C66o+OE=\nP:app\nV:1.0-r0\nA:x86_64\nD:so:libx.so.1 libx\n\n"
      "C:Q1eVpkasfqZAukAXFYbgwt4xAMZWU=\nP:libx\nV:2-r1\nA:x86_64\np:so:libx.so.1=1\n");
  auto result = solve(pool, world_of("app"));
  ASSERT_TRUE(result) << result.error().message;
  EXPECT_EQ(format_changeset(*result), "libx=2-r1\napp=1.0-r0\n");

  auto json = nlohmann::json::parse(format_changeset_json(*result, pool.repositories()));
  ASSERT_EQ(json.size(), 2u);
  EXPECT_EQ(json[0]["name"], "libx");
  EXPECT_EQ(json[0]["version"], "2-r1");
  EXPECT_EQ(json[0]["arch"], "x86_64");
  EXPECT_EQ(json[0]["repository"], "repo0");
  EXPECT_EQ(json[0]["checksum"], "Q1eVpkasfqZAukAXFYbgwt4xAMZWU=");

  ASSERT_EQ(result->dependencies.size(), 2u);
  EXPECT_EQ(result->dependencies[0].from, 1u);
  EXPECT_EQ(result->dependencies[0].to, 0u);
  std::string dot = format_changeset_dot(*result);
  EXPECT_NE(dot.find("\"app-1.0-r0\" -> \"libx-2-r1\" [label=\"so:libx.so.1\"];"), std::string::npos) << dot;
  EXPECT_NE(dot.find("\"app-1.0-r0\" -> \"libx-2-r1\";"), std::string::npos) << dot;
  EXPECT_TRUE(dot.starts_with("digraph")) << dot;
}

TEST(Verify, RejectsBrokenChangesets) {
  auto pool = make_pool("P:a\nV:1\nD:b\n\nP:b\nV:1\n\nP:b\nV:2\n\nP:c\nV:1\nD:!b\n");
  auto full = solve(pool, world_of("a"));
  ASSERT_TRUE(full);
  EXPECT_TRUE(verify_changeset(pool, world_of("a"), *full));

  Changeset missing = *full;
  missing.packages.erase(missing.packages.begin());  // drop b
  EXPECT_FALSE(verify_changeset(pool, world_of("a"), missing));

  Changeset two_owners = *full;
  two_owners.packages.push_back(ChangesetEntry{.package = &pool.package(pool.providers("b")[0])});
  two_owners.packages.push_back(ChangesetEntry{.package = &pool.package(pool.providers("b")[1])});
  EXPECT_FALSE(verify_changeset(pool, world_of("a"), two_owners));

  Changeset conflict = *full;
  conflict.packages.push_back(ChangesetEntry{.package = &pool.package(pool.providers("c")[0])});
  EXPECT_FALSE(verify_changeset(pool, world_of("a c"), conflict));
}

TEST(SolveLocked, KeepsVersionsInStepAcrossArchitectures) {
  auto x86 = make_pool({{"", "P:foo\nV:1.2-r0\nD:libc\n\nP:foo\nV:1.1-r0\nD:libc\n\n"
                             "P:libc\nV:2\n\nP:x86-only\nV:1\n"}},
                       "x86_64");
  auto arm = make_pool({{"", "P:foo\nV:1.1-r0\nD:libc\n\nP:libc\nV:2\n\nP:libc\nV:3\n"}}, "aarch64");
  auto result = solve_locked({&x86, &arm}, world_of("foo"));
  ASSERT_TRUE(result) << result.error().message;
  ASSERT_EQ(result->size(), 2u);
  EXPECT_EQ(format_changeset(result->at("x86_64")), "libc=2\nfoo=1.1-r0\n");
  EXPECT_EQ(format_changeset(result->at("aarch64")), "libc=2\nfoo=1.1-r0\n");

  // A package on one architecture only is left alone.
  auto only = solve_locked({&x86, &arm}, world_of("foo x86-only"));
  ASSERT_FALSE(only) << "x86-only does not exist on aarch64";
  auto alone = make_pool({{"", "P:foo\nV:1.1-r0\n\nP:x86-only\nV:1\n"}}, "x86_64");
  auto arm_only = make_pool({{"", "P:foo\nV:1.1-r0\n\nP:arm-only\nV:7\n"}}, "aarch64");
  EXPECT_TRUE(solve_locked({&alone, &arm_only}, world_of("foo")));
}

TEST(SolveLocked, NamesThePackageWhenNoCommonVersionExists) {
  auto x86 = make_pool({{"", "P:foo\nV:1.2-r0\n"}}, "x86_64");
  auto arm = make_pool({{"", "P:foo\nV:1.1-r0\n"}}, "aarch64");
  auto result = solve_locked({&x86, &arm}, world_of("foo"));
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().code, Errc::unsatisfiable);
  EXPECT_EQ(result.error().message,
            "unable to lock packages to a consistent version: foo (x86_64: 1.2-r0, aarch64: 1.1-r0)");

  EXPECT_EQ(solve_locked({}, world_of("foo")).error().code, Errc::usage);
  EXPECT_EQ(solve_locked({&x86, &x86}, world_of("foo")).error().code, Errc::usage);
}

TEST(SolveLocked, ReportsAnArchitectureThatPinningBreaks) {
  // Common version 1 exists on both, but on aarch64 foo-1 needs a library that is missing.
  auto x86 = make_pool({{"", "P:foo\nV:2\n\nP:foo\nV:1\n"}}, "x86_64");
  auto arm = make_pool({{"", "P:foo\nV:3\n\nP:foo\nV:1\nD:libmissing\n"}}, "aarch64");
  auto result = solve_locked({&x86, &arm}, world_of("foo"));
  ASSERT_FALSE(result);
  EXPECT_NE(result.error().message.find("unable to lock packages to a consistent version: foo"),
            std::string::npos)
      << result.error().message;
  EXPECT_NE(result.error().message.find("aarch64"), std::string::npos) << result.error().message;
}

}  // namespace
}  // namespace wisp::pkg::solve
