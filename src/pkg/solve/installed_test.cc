// The resolver on a given root: the installed database as input, apk's preferences for what is
// installed, and apk's change list. Every expected change list here is what apk-tools (at the
// revision of the solver fixtures) prints for the same root, repositories and `apk add`.
#include "pkg/solve/installed.h"

#include <string>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "pkg/apk/index.h"
#include "pkg/solve/pool_data.h"
#include "pkg/solve/solver.h"
#include "pkg/solve/verify.h"

namespace wisp::pkg::solve {
namespace {

std::vector<apk::PackageInfo> index_of(const std::string& text) {
  auto packages = apk::parse_index_text(text);
  EXPECT_TRUE(packages) << packages.error().message;
  return packages ? std::move(*packages) : std::vector<apk::PackageInfo>{};
}

std::vector<InstalledPackage> installed_of(const std::string& text) {
  auto installed = parse_installed_db(text);
  EXPECT_TRUE(installed) << installed.error().message;
  return installed ? std::move(*installed) : std::vector<InstalledPackage>{};
}

struct Root {
  std::vector<Repository> repositories;
  std::string installed;  // installed-db text
};

PackagePool pool_of(const Root& root) {
  auto pool = PackagePool::build(root.repositories, "x86_64", installed_of(root.installed));
  EXPECT_TRUE(pool) << pool.error().message;
  return std::move(*pool);
}

std::vector<apk::Dependency> world_of(std::string_view text) {
  auto deps = apk::parse_dependencies(text);
  EXPECT_TRUE(deps) << deps.error().message;
  return deps ? *deps : std::vector<apk::Dependency>{};
}

// apk's lines for `world` on the pool's root, or "error: ...". The answer must verify.
std::string changes(const PackagePool& pool, std::string_view world, SolveOptions options = {}) {
  auto atoms = world_of(world);
  auto result = solve(pool, atoms, options);
  if (!result) return "error: " + result.error().message;
  auto valid = verify_changeset(pool, atoms, *result);
  EXPECT_TRUE(valid) << valid.error().message;
  std::string out = format_changes(*result);
  return out.empty() ? "(nothing)" : out;
}

// "C:...", an identity per package name and version, so that the same text in the installed
// database and in an index is one package.
std::string id(std::string_view name, std::string_view version) {
  std::string key = fmt::format("{}-{}", name, version);
  key.resize(27, 'A');
  for (char& c : key)
    if (c == '-' || c == '.') c = 'x';
  return "C:Q1" + key + "=";
}

std::string block(std::string_view name, std::string_view version, std::string_view extra = "") {
  return fmt::format("{}\nP:{}\nV:{}\nI:1\n{}\n", id(name, version), name, version, extra);
}

const std::string k_repo = block("a", "1", "D:b\n") + block("a", "2", "D:b\n") + block("b", "1") +
                           block("b", "2") + block("c", "1", "D:b>=2\n");

TEST(SolveInstalled, ParsesTheInstalledDatabaseWithTags) {
  auto installed = installed_of(
      "C:Q1aaaaaaaaaaaaaaaaaaaaaaaaaaa=\r\nP:a\r\nV:1\r\nF:usr/bin\r\nR:a\r\nZ:Q1xx\r\ns:testing\r\n"
      "\r\n \t\nP:b\nV:2\ns:@edge\n\nP:c\nV:3\n");
  ASSERT_EQ(installed.size(), 3u);
  EXPECT_EQ(installed[0].info.name, "a");
  EXPECT_EQ(installed[0].tag, "testing");
  EXPECT_EQ(installed[1].tag, "edge");
  EXPECT_EQ(installed[2].tag, "");
  EXPECT_FALSE(parse_installed_db("P:a\n\nV:1\n"));  // a block without a version
}

TEST(SolveInstalled, PoolListsInstalledPackagesFirst) {
  Root root{.repositories = {Repository{.name = "main", .packages = index_of(k_repo)},
                             Repository{.name = "edge", .tag = "@edge", .packages = index_of(block("d", "1"))}},
            .installed = block("b", "1", "s:edge\n") + block("x", "9", "s:other\n")};
  PackagePool pool = pool_of(root);
  EXPECT_TRUE(pool.has_installed());
  ASSERT_EQ(pool.size(), 2u + 6u - 1u);  // b-1 is one package, listed by the repository too
  EXPECT_EQ(pool.package(0).name, "b");
  EXPECT_TRUE(pool.installed(0));
  EXPECT_EQ(pool.repository_of(0), 0u);
  EXPECT_EQ(pool.package(1).name, "x");
  EXPECT_EQ(pool.repository_of(1), k_no_repository);
  EXPECT_FALSE(pool.installed(2));
  // apk numbers the installed database's tags before the repositories'.
  EXPECT_EQ(pool.data().tags, (std::vector<std::string>{"", "edge", "other"}));
  EXPECT_EQ(pool.data().packages[0].tag_mask, 0b011u);  // listed untagged, installed from @edge
  EXPECT_EQ(pool.data().packages[1].tag_mask, 0u);      // @other: no repository has it

  auto fresh = PackagePool::build({Repository{.name = "main", .packages = index_of(k_repo)}}, "x86_64");
  ASSERT_TRUE(fresh);
  EXPECT_FALSE(fresh->has_installed());
}

TEST(SolveInstalled, KeepsWhatIsInstalledUnlessTheWorldNeedsMore) {
  Root root{.repositories = {Repository{.name = "main", .packages = index_of(k_repo)}},
            .installed = block("a", "1", "D:b\n") + block("b", "1")};
  PackagePool pool = pool_of(root);
  EXPECT_EQ(changes(pool, "a"), "(nothing)");
  EXPECT_EQ(changes(pool, "a b"), "(nothing)");
  EXPECT_EQ(changes(pool, "a c"), "(1/2) Upgrading b (1 -> 2)\n(2/2) Installing c (1)\n");
  EXPECT_EQ(changes(pool, "a>=2"), "(1/1) Upgrading a (1 -> 2)\n");
  EXPECT_EQ(changes(pool, "a<2 b<2"), "(nothing)");

  auto result = solve(pool, world_of("a"));
  ASSERT_TRUE(result);
  ASSERT_EQ(result->changes.size(), 2u);
  EXPECT_EQ(result->changes[0].kind, ChangeKind::keep);
  EXPECT_EQ(result->changes[0].new_package, result->changes[0].old_package);
  ASSERT_EQ(result->packages.size(), 2u);
  EXPECT_EQ(result->packages[0].package->name, "b");
  EXPECT_EQ(result->packages[1].package->name, "a");
}

TEST(SolveInstalled, PurgesWhatTheWorldNoLongerReaches) {
  Root root{.repositories = {Repository{.name = "main", .packages = index_of(k_repo)}},
            .installed = block("a", "1", "D:b\n") + block("b", "1") + block("c", "1", "D:b>=2\n")};
  PackagePool pool = pool_of(root);
  // c's dependency b>=2 was never met; c goes first, then a and b follow the world.
  EXPECT_EQ(changes(pool, "b"), "(1/2) Purging a (1)\n(2/2) Purging c (1)\n");
  EXPECT_EQ(changes(pool, "a !c"), "(1/1) Purging c (1)\n");
  auto result = solve(pool, world_of("b"));
  ASSERT_TRUE(result);
  ASSERT_EQ(result->packages.size(), 1u);
  EXPECT_EQ(result->changes.back().kind, ChangeKind::keep);
}

TEST(SolveInstalled, KeepsAPackageNoRepositoryLists) {
  Root root{.repositories = {Repository{.name = "main", .packages = index_of(k_repo)}},
            .installed = block("a", "0.5", "D:b\n") + block("b", "1")};
  PackagePool pool = pool_of(root);
  EXPECT_EQ(changes(pool, "a"), "(nothing)");
  auto result = solve(pool, world_of("a"));
  ASSERT_TRUE(result);
  ASSERT_EQ(result->packages.size(), 2u);
  EXPECT_EQ(result->packages[1].package->version, "0.5");
  EXPECT_EQ(result->packages[1].repository, k_no_repository);
  EXPECT_EQ(changes(pool, "a>=1"), "(1/1) Upgrading a (0.5 -> 2)\n");
}

TEST(SolveInstalled, ReplacesDowngradesAndSwapsProviders) {
  Root root{.repositories = {Repository{
                .name = "main",
                .packages = index_of(block("a", "1") + "C:Q1rebuiltaaaaaaaaaaaaaaaaaaaaa=\nP:b\nV:1\nI:1\n\n" +
                                     block("mta", "1", "p:cmd:sendmail=1\n") +
                                     block("mta2", "1", "p:cmd:sendmail=2\n") +
                                     block("app", "1", "D:cmd:sendmail\n"))}},
            .installed = block("a", "3") + block("b", "1") + block("mta", "1", "p:cmd:sendmail=1\n") +
                         block("app", "1", "D:cmd:sendmail\n")};
  PackagePool pool = pool_of(root);
  // The installed b-1 stays unless the world names the rebuild by its identity.
  EXPECT_EQ(changes(pool, "a<2 b app"), "(1/1) Downgrading a (3 -> 1)\n");
  EXPECT_EQ(changes(pool, "a<2 b><Q1rebuiltaaaaaaaaaaaaaaaaaaaaa= app"),
            "(1/2) Downgrading a (3 -> 1)\n(2/2) Replacing b (1 -> 1)\n");
  // mta2 takes cmd:sendmail over: apk purges mta when it reaches the name.
  EXPECT_EQ(changes(pool, "a app b mta2"), "(1/2) Purging mta (1)\n(2/2) Installing mta2 (1)\n");
}

TEST(SolveInstalled, UpdatesPinningAndPrefersTheWorldsTag) {
  Root root{.repositories = {Repository{.name = "main", .packages = index_of(k_repo)},
                             Repository{.name = "edge",
                                        .tag = "@edge",
                                        .packages = index_of(block("a", "3", "D:b\n"))}},
            .installed = block("a", "3", "D:b\ns:edge\n") + block("b", "1")};
  PackagePool pool = pool_of(root);
  EXPECT_EQ(changes(pool, "a@edge"), "(nothing)");
  // An untagged world atom prefers the plain repositories: apk downgrades.
  EXPECT_EQ(changes(pool, "a"), "(1/1) Downgrading a (3 -> 2)\n");
  // Allowed from both: the installed package stays, now counted as untagged.
  EXPECT_EQ(changes(pool, "a>=3"), "(1/1) Updating pinning a (3)\n");
}

TEST(SolveInstalled, LaterRequirersWidenWhereAPackageComesFrom) {
  // x (one candidate) is kept for the world's untagged x before y@t, which depends on it, is
  // chosen; apk then counts x as allowed from @t too, so it stays pinned there.
  Root root{.repositories = {Repository{.name = "main", .packages = index_of(block("base", "1"))},
                             Repository{.name = "t",
                                        .tag = "@t",
                                        .packages = index_of(block("x", "1") + block("y", "1", "D:x\n") +
                                                             block("y", "2", "D:x\n"))}},
            .installed = block("x", "1", "s:t\n")};
  PackagePool pool = pool_of(root);
  EXPECT_EQ(changes(pool, "x y@t"), "(1/1) Installing y@t (2)\n");
  // Alone, the untagged world atom is all x is allowed by: apk moves it to the plain tag.
  EXPECT_EQ(changes(pool, "x"), "(1/1) Updating pinning x (1)\n");
}

TEST(SolveInstalled, RequestedNamesAreDecidedFirst) {
  // The world file asks for a virtual that two packages provide; the command adds one of them.
  Root root{.repositories = {Repository{
                .name = "main",
                .packages = index_of(block("mua", "1", "p:mail-reader\nk:1\n") +
                                     block("mua2", "1", "p:mail-reader\nk:2\n"))}},
            .installed = block("mua2", "1", "p:mail-reader\nk:2\n")};
  PackagePool pool = pool_of(root);
  SolveOptions options;
  options.requested = std::vector<std::string>{"mua"};
  EXPECT_EQ(changes(pool, "mail-reader mua", options),
            "(1/2) Purging mua2 (1)\n(2/2) Installing mua (1)\n");
  EXPECT_EQ(changes(pool, "mail-reader", {}), "(nothing)");
}

TEST(SolveInstalled, FormatsChangesLikeApk) {
  apk::PackageInfo a{.name = "a", .version = "1"}, a2{.name = "a", .version = "2"};
  Changeset changeset;
  for (int i = 0; i < 8; ++i) changeset.changes.push_back(Change{.kind = ChangeKind::install, .new_package = &a});
  changeset.changes.push_back(Change{.kind = ChangeKind::keep, .old_package = &a, .new_package = &a});
  changeset.changes.push_back(
      Change{.kind = ChangeKind::upgrade, .old_package = &a, .new_package = &a2, .new_tag = "edge"});
  changeset.changes.push_back(Change{.kind = ChangeKind::purge, .old_package = &a2, .old_tag = "edge"});
  std::string out = format_changes(changeset);
  EXPECT_TRUE(out.starts_with("( 1/10) Installing a (1)\n")) << out;
  EXPECT_NE(out.find("( 9/10) Upgrading a@edge (1 -> 2)\n"), std::string::npos) << out;
  EXPECT_TRUE(out.ends_with("(10/10) Purging a (2)\n")) << out;
  EXPECT_EQ(format_changes(Changeset{}), "");
}

TEST(SolveInstalled, FreshRootsListOneInstallPerPackage) {
  auto pool = PackagePool::build({Repository{.name = "main", .packages = index_of(k_repo)}}, "x86_64");
  ASSERT_TRUE(pool);
  auto result = solve(*pool, world_of("a"));
  ASSERT_TRUE(result);
  EXPECT_EQ(format_changes(*result), "(1/2) Installing b (2)\n(2/2) Installing a (2)\n");
}

TEST(SolveInstalled, SurvivesDeepChains) {
  // 20,000 installed packages in one dependency chain, all purged, and a new chain installed:
  // the changeset walk must not recurse per link.
  constexpr int k_depth = 20000;
  std::string installed, index;
  for (int i = 0; i < k_depth; ++i) {
    std::string dep = i + 1 < k_depth ? fmt::format("D:old{}\n", i + 1) : "";
    installed += block(fmt::format("old{}", i), "1", dep);
    index += block(fmt::format("new{}", i), "1", i + 1 < k_depth ? fmt::format("D:new{}\n", i + 1) : "");
  }
  Root root{.repositories = {Repository{.name = "main", .packages = index_of(index)}},
            .installed = installed};
  PackagePool pool = pool_of(root);
  auto result = solve(pool, world_of("new0"));
  ASSERT_TRUE(result) << result.error().message;
  ASSERT_EQ(result->changes.size(), 2u * k_depth);
  EXPECT_EQ(result->changes.front().kind, ChangeKind::purge);
  EXPECT_EQ(result->changes.front().old_package->name, "old0");
  EXPECT_EQ(result->changes.back().new_package->name, "new0");
  EXPECT_EQ(result->packages.size(), size_t{k_depth});
}

}  // namespace
}  // namespace wisp::pkg::solve
