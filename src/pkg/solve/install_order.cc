// apk's changeset order for a fresh root (solver.c generate_changeset): for each world atom
// sorted by name, the package chosen for it goes in after the packages chosen for its
// dependencies (depth first, in D: order, conflicts included); right after a package, every
// install_if package whose conditions are now all in place follows. Only what this walk reaches
// is installed.
#include <algorithm>
#include <cctype>

#include "pkg/solve/search.h"

namespace wisp::pkg::solve::detail {

Changeset install_order(const PoolData& pool, std::span<const Atom> world,
                        const InstallSelection& selection) {
  auto owner = [&](NameId name) {
    auto it = selection.owner.find(name);
    return it == selection.owner.end() ? k_none : it->second;
  };
  std::vector<uint8_t> processed(pool.names.size(), 0);
  std::unordered_map<PkgId, size_t> position;
  std::vector<PkgId> out;
  out.reserve(selection.packages.size());

  struct Frame {
    PkgId pkg;
    uint32_t dep = 0;
    uint8_t phase = 0;
    uint32_t i = 0;
    uint32_t j = 0;
  };
  std::vector<Frame> stack;
  auto start = [&](NameId name) {
    if (name == k_none || processed[name]) return;
    processed[name] = 1;
    PkgId p = owner(name);
    if (p == k_none || position.count(p)) return;
    position.emplace(p, k_none);
    for (const Claim& claim : pool.claims_of(p)) processed[claim.name] = 1;
    stack.push_back(Frame{.pkg = p});
  };
  // Whether the install_if package chosen for `name` has every condition in place.
  auto iif_complete = [&](NameId name) {
    PkgId p = owner(name);
    if (p == k_none || processed[name]) return false;
    for (const Atom& atom : pool.install_if_of(p)) {
      if (!atom.conflict && !processed[atom.name]) return false;
      PkgId chosen = owner(atom.name);
      bool provided = atom.conflict;
      if (chosen != k_none) {
        const Claim* claim = pool.claim_on(chosen, atom.name);
        provided = claim && claim_provides(pool, p, chosen, *claim, atom);
      }
      if (!provided) return false;
    }
    return true;
  };

  std::vector<const Atom*> sorted;
  for (const Atom& atom : world) sorted.push_back(&atom);
  // (The world arrives sorted by name already; keep that order.)
  for (const Atom* atom : sorted) {
    start(atom->name);
    while (!stack.empty()) {
      Frame& f = stack.back();
      if (f.phase == 0) {
        auto deps = pool.depends_of(f.pkg);
        if (f.dep < deps.size()) {
          start(deps[f.dep++].name);
          continue;
        }
        position[f.pkg] = out.size();
        out.push_back(f.pkg);
        f.phase = 1;
        continue;
      }
      auto claims = pool.claims_of(f.pkg);
      if (f.i >= claims.size()) {
        stack.pop_back();
        continue;
      }
      const auto& rules = pool.names[claims[f.i].name].install_if_names;
      if (f.j >= rules.size()) {
        ++f.i;
        f.j = 0;
        continue;
      }
      NameId candidate = rules[f.j++];
      if (iif_complete(candidate)) start(candidate);
    }
  }

  // A selected package the walk does not reach is not installed, as in apk: it was chosen for
  // a name that another package (reached first) ended up providing, and nothing reached needs
  // it. The walk follows every dependency of what it emits, so what it emits stays complete.

  Changeset changeset;
  add_entries(pool, selection, out, position, changeset, /*installs=*/true);
  return changeset;
}

void add_entries(const PoolData& pool, const InstallSelection& selection,
                 std::span<const PkgId> order, const std::unordered_map<PkgId, size_t>& position,
                 Changeset& changeset, bool installs) {
  changeset.packages.reserve(order.size());
  if (installs) changeset.changes.reserve(order.size());
  for (PkgId p : order) {
    auto source = selection.source.find(p);
    const bool known = source != selection.source.end();
    const PoolPackage& pkg = pool.packages[p];
    size_t repository = known              ? source->second.repository
                        : pkg.repos.empty() ? k_no_repository
                                            : size_t{pkg.repos.front()};
    changeset.packages.push_back(ChangesetEntry{.package = pkg.info, .repository = repository});
    if (installs)
      changeset.changes.push_back(Change{.kind = ChangeKind::install,
                                         .new_package = pkg.info,
                                         .new_tag = pool.tags[known ? source->second.tag : 0]});
  }
  for (size_t from = 0; from < order.size(); ++from) {
    for (const Atom& atom : pool.depends_of(order[from])) {
      if (atom.conflict) continue;
      auto owner = selection.owner.find(atom.name);
      if (owner == selection.owner.end() || owner->second == order[from]) continue;
      auto it = position.find(owner->second);
      if (it == position.end()) continue;
      changeset.dependencies.push_back(
          ChangesetEdge{.from = from, .to = it->second, .atom = atom_text(pool, atom)});
    }
  }
}

}  // namespace wisp::pkg::solve::detail
