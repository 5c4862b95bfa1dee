// The resolver on a generated 50,000-entry index with the shapes of a real distribution
// repository (several versions per package, so:/cmd: provides, 3-6 dependencies leaning on a
// core of popular libraries, /bin/sh and awk virtuals with provider priorities, -doc
// install_if subpackages), and on the real Wolfi index excerpt. Pool construction and solving
// are timed separately; the target is a 200-package world in under 50 ms.
#include <benchmark/benchmark.h>

#include <random>
#include <set>

#include <fmt/format.h>

#include "base/digest.h"
#include "base/encoding.h"
#include "pkg/apk/index.h"
#include "pkg/apk/keys.h"
#include "pkg/solve/solver.h"

namespace {

using namespace wisp;
using namespace wisp::pkg;

constexpr int k_entries = 50000;
constexpr int k_versions = 5;
constexpr int k_core = 300;  // packages most others depend on (libc, zlib, openssl, ...)
constexpr int k_mid = 3000;  // libraries and tools applications build on
constexpr int k_world = 200;

std::string version_of(int n, int k) { return fmt::format("{}.{}.{}-r{}", 1 + n % 4, k, n % 10, k % 3); }
bool is_library(int n) { return n % 3 == 0; }
bool is_tool(int n) { return n % 3 == 1; }
// Versions 0-2 ship libpkgN.so.1, versions 3-4 libpkgN.so.2: dependents link the latest.
int major_of(int k) { return 1 + k / 3; }

apk::PackageInfo entry(std::string name, std::string version) {
  apk::PackageInfo p;
  p.checksum = "Q1" + base64_encode(sha1(name + "-" + version));
  p.name = std::move(name);
  p.version = std::move(version);
  p.arch = "x86_64";
  p.installed_size = 4096;
  p.file_size = 2048;
  return p;
}

struct Generated {
  std::vector<apk::PackageInfo> packages;
  std::vector<apk::Dependency> world;
};

const Generated& generated() {
  static const Generated data = [] {
    Generated g;
    std::mt19937 rng(20240601);
    auto pick = [&](int below) { return std::uniform_int_distribution<int>(0, below - 1)(rng); };

    // Virtuals with provider priorities.
    for (auto [name, prio] : {std::pair{"busybox", 100}, {"dash", 60}, {"bash-binsh", 10}}) {
      auto p = entry(name, "1.36.1-r2");
      p.provides = {"/bin/sh", fmt::format("cmd:{}=1.36.1-r2", name)};
      p.provider_priority = prio;
      g.packages.push_back(std::move(p));
    }
    for (auto [name, prio] : {std::pair{"gawk", 20}, {"mawk", 10}}) {
      auto p = entry(name, "5.3.0-r1");
      p.provides = {"awk", fmt::format("cmd:{}=5.3.0-r1", name)};
      p.provider_priority = prio;
      g.packages.push_back(std::move(p));
    }
    g.packages.push_back(entry("docs", "1-r0"));

    int names = 0;
    while (static_cast<int>(g.packages.size()) < k_entries) {
      const int n = names++;
      const std::string name = fmt::format("pkg{}", n);
      // Dependencies are fixed per package name (all versions share them, as in a distro).
      // Tiers: core packages depend on lower core packages; mid-tier libraries mostly on the
      // core; leaves (the applications a world asks for) on the core and the mid tier.
      std::vector<std::string> depends;
      int count = 3 + pick(4);
      std::set<int> targets;
      for (int d = 0; d < count && n > 0; ++d) {
        int j;
        if (n < k_core) j = pick(n);
        else if (n < k_mid) j = pick(10) < 9 || n == k_core ? pick(k_core) : k_core + pick(n - k_core);
        else j = pick(10) < 7 ? pick(k_core) : k_core + pick(k_mid - k_core);
        if (j >= n || !targets.insert(j).second) continue;
        if (is_library(j)) depends.push_back(fmt::format("so:libpkg{}.so.{}", j, major_of(k_versions - 1)));
        else if (is_tool(j)) depends.push_back(fmt::format("cmd:pkg{}", j));
        else depends.push_back(fmt::format("pkg{}>={}", j, version_of(j, 0)));
      }
      if (n % 50 == 7) depends.push_back("/bin/sh");
      if (n % 97 == 5) depends.push_back("awk");
      for (int k = 0; k < k_versions; ++k) {
        auto p = entry(name, version_of(n, k));
        p.depends = depends;
        if (is_library(n)) p.provides.push_back(fmt::format("so:libpkg{}.so.{}=0", n, major_of(k)));
        if (is_tool(n)) p.provides.push_back(fmt::format("cmd:pkg{}={}", n, p.version));
        g.packages.push_back(std::move(p));
      }
      if (n % 20 == 3) {  // a -doc subpackage for the latest version
        auto doc = entry(name + "-doc", version_of(n, k_versions - 1));
        doc.install_if = {fmt::format("{}={}", name, version_of(n, k_versions - 1)), "docs"};
        g.packages.push_back(std::move(doc));
      }
    }
    // A world of 200 applications spread over the index, plus docs.
    for (int i = 0; i < k_world - 1; ++i)
      g.world.push_back(apk::Dependency{.name = fmt::format("pkg{}", k_mid + (names - k_mid) * i / k_world)});
    g.world.push_back(apk::Dependency{.name = "docs"});
    return g;
  }();
  return data;
}

solve::PackagePool make_pool(std::vector<apk::PackageInfo> packages, std::string arch = "x86_64") {
  std::vector<solve::Repository> repos;
  repos.push_back(solve::Repository{.name = "bench", .packages = std::move(packages)});
  auto pool = solve::PackagePool::build(std::move(repos), std::move(arch));
  if (!pool) std::abort();
  return std::move(*pool);
}

void BM_SolverPoolBuild50k(benchmark::State& state) {
  const Generated& g = generated();
  for (auto _ : state) {
    state.PauseTiming();
    std::vector<apk::PackageInfo> copy = g.packages;
    state.ResumeTiming();
    auto pool = make_pool(std::move(copy));
    benchmark::DoNotOptimize(pool.size());
  }
  state.counters["entries"] = static_cast<double>(g.packages.size());
}
BENCHMARK(BM_SolverPoolBuild50k)->Unit(benchmark::kMillisecond);

void BM_SolverSolve200(benchmark::State& state) {
  const Generated& g = generated();
  static const solve::PackagePool pool = make_pool(g.packages);
  size_t installed = 0;
  for (auto _ : state) {
    auto result = solve::solve(pool, g.world);
    if (!result) {
      state.SkipWithError(result.error().message.c_str());
      return;
    }
    installed = result->packages.size();
    benchmark::DoNotOptimize(result->packages.data());
  }
  state.counters["installed"] = static_cast<double>(installed);
}
BENCHMARK(BM_SolverSolve200)->Unit(benchmark::kMillisecond);

const std::vector<apk::PackageInfo>& wolfi_packages() {
  static const std::vector<apk::PackageInfo> packages = [] {
    std::string dir = std::string(WISP_TESTDATA) + "/apk/wolfi-index";
    apk::Keyring keyring;
    if (!keyring.add_path(dir + "/wolfi-signing.rsa.pub")) std::abort();
    auto index = apk::load_index(dir + "/x86_64/APKINDEX.tar.gz", {.keyring = &keyring});
    if (!index) std::abort();
    return index->packages;
  }();
  return packages;
}

void BM_SolverWolfiPoolBuild(benchmark::State& state) {
  for (auto _ : state) {
    auto pool = make_pool(wolfi_packages());
    benchmark::DoNotOptimize(pool.size());
  }
}
BENCHMARK(BM_SolverWolfiPoolBuild)->Unit(benchmark::kMicrosecond);

// Every package name of the excerpt, each as a world of one.
void BM_SolverWolfiSolveEach(benchmark::State& state) {
  static const solve::PackagePool pool = make_pool(wolfi_packages());
  std::set<std::string> names;
  for (const apk::PackageInfo& p : wolfi_packages()) names.insert(p.name);
  for (auto _ : state) {
    for (const std::string& name : names) {
      auto result = solve::solve(pool, {apk::Dependency{.name = name}});
      if (!result) {
        state.SkipWithError(result.error().message.c_str());
        return;
      }
      benchmark::DoNotOptimize(result->packages.data());
    }
  }
  state.counters["solves"] = static_cast<double>(names.size());
}
BENCHMARK(BM_SolverWolfiSolveEach)->Unit(benchmark::kMicrosecond);

}  // namespace

BENCHMARK_MAIN();
