// The resolver on a real signed Wolfi index (an excerpt of 47 packages): every package name,
// requested alone, either resolves to a valid changeset or fails with a message that names a
// dependency missing from the excerpt (the excerpt is self-contained, so some libraries are
// also taken out to check the failures).
#include <set>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "pkg/apk/index.h"
#include "pkg/apk/keys.h"
#include "pkg/solve/solver.h"
#include "pkg/solve/verify.h"

namespace wisp::pkg::solve {
namespace {

const std::string k_dir = std::string(WISP_TESTDATA) + "/apk/wolfi-index";

// The signed excerpt, without the packages named in `drop`.
Result<PackagePool> wolfi_pool(const std::set<std::string>& drop = {}) {
  apk::Keyring keyring;
  TRY(keyring.add_path(k_dir + "/wolfi-signing.rsa.pub"));
  TRY_ASSIGN(auto index, apk::load_index(k_dir + "/x86_64/APKINDEX.tar.gz", {.keyring = &keyring}));
  std::erase_if(index.packages, [&](const apk::PackageInfo& p) { return drop.count(p.name) > 0; });
  std::vector<Repository> repos;
  repos.push_back(Repository{.name = "https://packages.wolfi.dev/os",
                             .packages = std::move(index.packages)});
  return PackagePool::build(std::move(repos), "x86_64");
}

// Names that some package depends on but no package provides.
std::set<std::string> missing_names(const PackagePool& pool) {
  std::set<std::string> missing;
  for (uint32_t id = 0; id < pool.size(); ++id)
    for (const std::string& text : pool.package(id).depends) {
      auto dep = apk::parse_dependency(text);
      if (dep && !dep->conflict && pool.providers(dep->name).empty()) missing.insert(dep->name);
    }
  return missing;
}

// Solves every package name alone; returns {resolved, failed}.
std::pair<size_t, size_t> solve_each(const PackagePool& pool) {
  std::set<std::string> missing = missing_names(pool);
  std::set<std::string> names;
  for (uint32_t id = 0; id < pool.size(); ++id) names.insert(pool.package(id).name);
  size_t resolved = 0, failed = 0;
  for (const std::string& name : names) {
    std::vector<apk::Dependency> world = {apk::Dependency{.name = name}};
    auto result = solve(pool, world);
    if (result) {
      ++resolved;
      EXPECT_TRUE(verify_changeset(pool, world, *result)) << name;
      EXPECT_FALSE(result->packages.empty());
      if (!result->packages.empty()) {
        EXPECT_EQ(result->packages.back().package->name, name) << "the request goes in last";
      }
      continue;
    }
    ++failed;
    const std::string& message = result.error().message;
    EXPECT_EQ(result.error().code, Errc::unsatisfiable) << name << ": " << message;
    std::string named;
    for (const std::string& m : missing)
      if (message.find("no package provides " + m) != std::string::npos) named = m;
    EXPECT_FALSE(named.empty()) << name << ": " << message;
  }
  EXPECT_EQ(failed > 0, !missing.empty()) << "a package fails exactly when something is missing";
  return {resolved, failed};
}

TEST(SolverWolfi, EveryPackageResolvesOrNamesItsMissingDependency) {
  auto pool = wolfi_pool();
  ASSERT_TRUE(pool) << pool.error().message;
  ASSERT_EQ(pool->size(), 47u);
  auto [resolved, failed] = solve_each(*pool);
  std::cout << "[ wolfi   ] 46 names: " << resolved << " resolve, " << failed << " fail\n";
  EXPECT_EQ(resolved, 46u) << "the excerpt is self-contained";

  // Without the libraries everything links against, most packages must fail, each naming the
  // missing soname.
  auto cut = wolfi_pool({"zlib", "openssl", "ncurses"});
  ASSERT_TRUE(cut) << cut.error().message;
  ASSERT_FALSE(missing_names(*cut).empty());
  auto [cut_resolved, cut_failed] = solve_each(*cut);
  std::cout << "[ wolfi   ] without zlib, openssl, ncurses: " << cut_resolved << " resolve, "
            << cut_failed << " fail naming the missing dependency\n";
  EXPECT_GT(cut_resolved, 0u);
  EXPECT_GT(cut_failed, 0u);
}

TEST(SolverWolfi, ResolvesABaseImage) {
  auto pool = wolfi_pool();
  ASSERT_TRUE(pool) << pool.error().message;
  // The packages a minimal Wolfi image asks for, as far as the excerpt has them.
  std::vector<apk::Dependency> world;
  for (const char* name : {"wolfi-baselayout", "ca-certificates-bundle", "glibc", "zlib"})
    if (!pool->providers(name).empty()) world.push_back(apk::Dependency{.name = name});
  ASSERT_FALSE(world.empty());
  auto result = solve(*pool, world);
  ASSERT_TRUE(result) << result.error().message;
  EXPECT_TRUE(verify_changeset(*pool, world, *result));
  // Every dependency edge points backwards: dependencies are installed first.
  for (const ChangesetEdge& edge : result->dependencies) EXPECT_LT(edge.to, edge.from) << edge.atom;
}

}  // namespace
}  // namespace wisp::pkg::solve
