// Multi-architecture locking (apko's "unify"): the same package gets the same version on every
// architecture that has it.
#include <set>

#include "base/strings.h"
#include "pkg/solve/solver.h"

namespace wisp::pkg::solve {
namespace {

// "foo (x86_64: 1.2-r0, aarch64: 1.1-r0)", architectures in pool order.
std::string versions_text(const std::string& name, const std::vector<const PackagePool*>& pools,
                          const std::map<std::string, std::string>& by_arch) {
  std::string out = name + " (";
  bool first = true;
  for (const PackagePool* pool : pools) {
    auto it = by_arch.find(pool->arch());
    if (it == by_arch.end()) continue;
    out += (first ? "" : ", ") + it->first + ": " + it->second;
    first = false;
  }
  return out + ")";
}

// Versions of package `name` (by its own name) that `pool` can install; nullopt if the pool
// has no package of that name.
std::optional<std::set<std::string>> versions_in(const PackagePool& pool, const std::string& name) {
  std::optional<std::set<std::string>> out;
  for (uint32_t id : pool.providers(name)) {
    const apk::PackageInfo& info = pool.package(id);
    if (info.name != name) continue;
    if (!out) out.emplace();
    if (pool.unavailable(id) == Unavailable::none) out->insert(info.version);
  }
  return out;
}

std::string first_line(const std::string& text) { return text.substr(0, text.find('\n')); }

}  // namespace

Result<std::map<std::string, Changeset>> solve_locked(const std::vector<const PackagePool*>& pools,
                                                      const std::vector<apk::Dependency>& world,
                                                      const SolveOptions& options) {
  if (pools.empty()) return fail(Errc::usage, "solve_locked: no architectures given");
  std::set<std::string> arches;
  for (const PackagePool* pool : pools)
    if (!arches.insert(pool->arch()).second)
      return fail(Errc::usage, "solve_locked: architecture {} given twice", pool->arch());

  SolveOptions current = options;
  std::vector<std::string> pinned_text;  // what the pins were for, for errors
  // Every round pins at least one more package, so this ends; the cap guards against bugs.
  for (size_t round = 0; round < 1000; ++round) {
    std::map<std::string, Changeset> results;
    for (const PackagePool* pool : pools) {
      auto changeset = solve(*pool, world, current);
      if (!changeset) {
        if (round == 0) return std::unexpected(changeset.error().wrap(pool->arch()));
        return fail(Errc::unsatisfiable,
                    "unable to lock packages to a consistent version: {}: {}: {}",
                    join(pinned_text, ", "), pool->arch(), first_line(changeset.error().message));
      }
      results.emplace(pool->arch(), std::move(*changeset));
    }

    // name -> arch -> version, for packages chosen on more than one architecture.
    std::map<std::string, std::map<std::string, std::string>> chosen;
    for (const auto& [arch, changeset] : results)
      for (const ChangesetEntry& entry : changeset.packages)
        chosen[entry.package->name][arch] = entry.package->version;

    std::vector<std::string> impossible;
    bool changed = false;
    for (const auto& [name, by_arch] : chosen) {
      if (by_arch.size() < 2) continue;
      bool same = true;
      for (const auto& [arch, version] : by_arch) same &= version == by_arch.begin()->second;
      if (same) continue;

      std::optional<std::set<std::string>> common;
      for (const PackagePool* pool : pools) {
        auto versions = versions_in(*pool, name);
        if (!versions) continue;
        if (!common) {
          common = std::move(versions);
          continue;
        }
        std::set<std::string> both;
        for (const std::string& v : *common)
          if (versions->count(v)) both.insert(v);
        common = std::move(both);
      }
      const std::string* best = nullptr;
      if (common)
        for (const std::string& v : *common)
          if (!best || apk::compare_versions(v, *best) > 0) best = &v;
      auto pin = current.version_pins.find(name);
      if (!best || (pin != current.version_pins.end() && pin->second == *best)) {
        impossible.push_back(versions_text(name, pools, by_arch));
        continue;
      }
      current.version_pins[name] = *best;
      pinned_text.push_back(versions_text(name, pools, by_arch) + " -> " + *best);
      changed = true;
    }
    if (!impossible.empty())
      return fail(Errc::unsatisfiable, "unable to lock packages to a consistent version: {}",
                  join(impossible, ", "));
    if (!changed) return results;
  }
  return fail(Errc::internal, "unable to lock packages to a consistent version: no fixed point");
}

}  // namespace wisp::pkg::solve
