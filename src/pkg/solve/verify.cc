#include "pkg/solve/verify.h"

#include <algorithm>
#include <map>
#include <set>

#include "pkg/solve/pool_data.h"

namespace wisp::pkg::solve {
namespace {

using detail::Claim;
using detail::k_none;
using detail::PkgId;

struct Installed {
  const detail::PoolData& pool;
  std::vector<PkgId> packages;
  std::map<detail::NameId, std::vector<PkgId>> claimers;
  std::set<detail::NameId> required;  // names some atom depends on

  // Whether `atom` (from `depender`, k_none for the world) holds. For a dependency: some
  // claimer matches; for a conflict: no claimer other than `depender` matches.
  bool holds(const detail::Atom& atom, PkgId depender, std::string* why) const {
    auto it = claimers.find(atom.name);
    bool matched = false;
    if (it != claimers.end()) {
      for (PkgId p : it->second) {
        const Claim* claim = pool.claim_on(p, atom.name);
        if (!claim || !detail::claim_matches(pool, p, *claim, atom)) continue;
        if (atom.conflict && p == depender) continue;
        matched = true;
      }
    }
    if (atom.conflict) {
      if (matched) *why = "conflict " + detail::atom_text(pool, atom) + " matches an installed package";
      return !matched;
    }
    if (!matched) *why = detail::atom_text(pool, atom) + " is not met";
    return matched;
  }
};

}  // namespace

Status verify_changeset(const PackagePool& pool, const std::vector<apk::Dependency>& world,
                        const Changeset& changeset) {
  const detail::PoolData& data = pool.data();
  Installed installed{.pool = data};
  std::map<const apk::PackageInfo*, PkgId> ids;
  for (PkgId p = 0; p < data.packages.size(); ++p) ids.emplace(data.packages[p].info, p);

  for (const ChangesetEntry& entry : changeset.packages) {
    auto it = ids.find(entry.package);
    if (it == ids.end())
      return fail(Errc::unsatisfiable, "{}-{} is not a package of the pool", entry.package->name,
                  entry.package->version);
    PkgId p = it->second;
    if (data.packages[p].unavailable != Unavailable::none)
      return fail(Errc::unsatisfiable, "{} cannot be installed", detail::package_label(data, p));
    const bool kept = data.packages[p].installed && entry.repository == k_no_repository;
    if (!kept && std::find(data.packages[p].repos.begin(), data.packages[p].repos.end(),
                           entry.repository) == data.packages[p].repos.end())
      return fail(Errc::unsatisfiable, "{} is not in repository {}", detail::package_label(data, p),
                  entry.repository);
    for (PkgId q : installed.packages)
      if (q == p) return fail(Errc::unsatisfiable, "{} is listed twice", detail::package_label(data, p));
    installed.packages.push_back(p);
    for (const Claim& claim : data.claims_of(p)) installed.claimers[claim.name].push_back(p);
  }

  for (const auto& [name, list] : installed.claimers) {
    if (list.size() < 2) continue;
    for (PkgId p : list)
      if (data.claim_on(p, name)->versioned)
        return fail(Errc::unsatisfiable, "{} and {} both provide {}", detail::package_label(data, list[0]),
                    detail::package_label(data, list[1]), data.names[name].text);
  }

  std::vector<detail::Atom> world_atoms;
  for (const apk::Dependency& dep : world) {
    detail::NameId name = data.find_name(dep.name);
    if (name == k_none) {
      if (dep.conflict) continue;
      return fail(Errc::unsatisfiable, "world atom {} names no package", apk::format_dependency(dep));
    }
    world_atoms.push_back(detail::Atom{.name = name, .op = dep.op, .conflict = dep.conflict,
                                       .version = dep.version});
  }
  for (const detail::Atom& atom : world_atoms)
    if (!atom.conflict) installed.required.insert(atom.name);
  for (PkgId p : installed.packages)
    for (const detail::Atom& atom : data.depends_of(p))
      if (!atom.conflict) installed.required.insert(atom.name);

  std::string why;
  for (const detail::Atom& atom : world_atoms)
    if (!installed.holds(atom, k_none, &why)) return fail(Errc::unsatisfiable, "world: {}", why);
  for (PkgId p : installed.packages) {
    for (const detail::Atom& atom : data.depends_of(p))
      if (!installed.holds(atom, p, &why))
        return fail(Errc::unsatisfiable, "{}: {}", detail::package_label(data, p), why);
    // Conflicts from anyone else against this package were checked above from their side.
    if (!installed.required.count(data.packages[p].name) && !data.install_if_of(p).empty()) {
      bool required = false;
      for (const Claim& claim : data.claims_of(p)) required |= installed.required.count(claim.name) > 0;
      if (!required)
        for (const detail::Atom& atom : data.install_if_of(p))
          if (!installed.holds(atom, p, &why))
            return fail(Errc::unsatisfiable, "{} (install_if): {}", detail::package_label(data, p), why);
    }
  }
  return {};
}

}  // namespace wisp::pkg::solve
