// apk's changeset for a root with installed packages (solver.c generate_changeset). The walk
// is apk's: it counts, for every installed name, the installed packages depending on it; purges
// installed packages nothing installed needs and the solve did not choose; then walks the world
// sorted by name as for a fresh root, where processing a name first removes installed packages
// that gave up that name (or whose own name is no longer chosen), and a package's change is
// recorded after its dependencies'; finally every installed name not reached is processed.
// Removing a package first removes the installed packages that depend on it, and drops its
// dependencies' counts (purging what no longer has any).
//
// apk recurses; dependency chains from an index can be arbitrarily deep, so this runs the same
// steps on an explicit stack of frames.
#include <algorithm>

#include "pkg/solve/search.h"

namespace wisp::pkg::solve::detail {
namespace {

class ChangeWalk {
 public:
  ChangeWalk(const PoolData& pool, const InstallSelection& selection)
      : m_pool(pool),
        m_selection(selection),
        m_installed_pkg(pool.names.size(), k_none),
        m_installed_name(pool.names.size(), k_none),
        m_requirers(pool.names.size(), 0),
        m_processed(pool.names.size(), 0),
        m_removed(pool.names.size(), 0),
        m_in_changeset(pool.packages.size(), 0) {}

  Changeset run(std::span<const Atom> world) {
    const PkgId installed = m_pool.installed_count;
    for (PkgId p = 0; p < installed; ++p) {
      const PoolPackage& pkg = m_pool.packages[p];
      m_installed_pkg[pkg.name] = p;
      m_installed_name[pkg.name] = pkg.name;
      for (const Claim& claim : provides_of(p))
        if (claim.versioned) m_installed_name[claim.name] = pkg.name;
    }
    for (PkgId p = 0; p < installed; ++p) track_deps_added(p);
    for (PkgId p = 0; p < installed; ++p)
      if (removable_by_deps(p)) call(Frame{.kind = Kind::remove, .id = p});
    for (const Atom& atom : world) call(Frame{.kind = Kind::change, .id = atom.name});
    for (PkgId p = 0; p < installed; ++p)
      call(Frame{.kind = Kind::change, .id = m_pool.packages[p].name});

    Changeset changeset;
    std::unordered_map<PkgId, size_t> position;
    for (size_t i = 0; i < m_after.size(); ++i) position.emplace(m_after[i], i);
    add_entries(m_pool, m_selection, m_after, position, changeset);
    changeset.changes = std::move(m_changes);
    return changeset;
  }

 private:
  enum class Kind : uint8_t { change, preprocess, remove, reverse_iif, deps_removed };
  // One activation of one of apk's cset_* functions; `phase`, `i` and `j` say where it resumes.
  struct Frame {
    Kind kind;
    uint32_t id;            // a name (change, preprocess) or a package (the others)
    bool install = false;   // reverse_iif: installing (else removal) checks
    uint8_t phase = 0;
    uint32_t i = 0, j = 0;
    PkgId pkg = k_none, old = k_none;  // change: the chosen and the installed package
    std::vector<PkgId> dependents;     // remove: installed reverse dependencies
  };

  std::span<const Claim> provides_of(PkgId p) const { return m_pool.claims_of(p).subspan(1); }

  PkgId chosen(NameId name) const {
    auto it = m_selection.owner.find(name);
    return it == m_selection.owner.end() ? k_none : it->second;
  }
  // Whether the name is chosen for a package of that very name.
  bool chosen_as_own(NameId name) const {
    PkgId p = chosen(name);
    return p != k_none && m_pool.packages[p].name == name;
  }

  void track_deps_added(PkgId p) {
    for (const Atom& atom : m_pool.depends_of(p))
      if (!atom.conflict && m_installed_name[atom.name] != k_none)
        ++m_requirers[m_installed_name[atom.name]];
  }

  bool removable_by_deps(PkgId p) const {
    NameId name = m_pool.packages[p].name;
    return m_requirers[name] == 0 && chosen(name) == k_none;
  }

  // apk's apk_dep_analyze(depender, atom, p) == APK_DEP_SATISFIES.
  bool satisfies(PkgId depender, const Atom& atom, PkgId p) const {
    const PoolPackage& pkg = m_pool.packages[p];
    if (atom.name == pkg.name)
      return claim_matches(m_pool, p, m_pool.claims_of(p).front(), atom) != atom.conflict;
    for (const Claim& claim : provides_of(p))
      if (claim.name == atom.name) return claim_provides(m_pool, depender, p, claim, atom);
    return false;
  }

  // apk's foreach_reverse_dependency(p, INSTALLED | SATISFIES): for each name p claims, the
  // names whose providers depend on it (apk's rdepends, in hash table order), their installed
  // providers, once per dependency that p satisfies.
  std::vector<PkgId> installed_dependents(PkgId p) {
    if (!m_rdepends_built) build_rdepends();
    std::vector<PkgId> out;
    for (const Claim& target : m_pool.claims_of(p)) {
      auto it = m_rdepends.find(target.name);
      if (it == m_rdepends.end()) continue;
      for (NameId name : it->second)
        for (const Provider& pr : m_pool.names[name].providers) {
          if (!m_pool.packages[pr.pkg].installed) continue;
          for (const Atom& atom : m_pool.depends_of(pr.pkg))
            if (satisfies(pr.pkg, atom, p)) out.push_back(pr.pkg);
        }
    }
    return out;
  }

  // apk's rdepends, restricted to the names installed packages claim (only their installed
  // providers matter): depended-on name -> names some provider of which depends on it.
  void build_rdepends() {
    m_rdepends_built = true;
    std::vector<std::pair<uint64_t, NameId>> names;  // by hash table position
    std::vector<uint8_t> seen(m_pool.names.size(), 0);
    for (PkgId q = 0; q < m_pool.installed_count; ++q)
      for (const Claim& claim : m_pool.claims_of(q))
        if (!seen[claim.name]) {
          seen[claim.name] = 1;
          names.emplace_back(hash_position(m_pool, claim.name), claim.name);
        }
    std::sort(names.begin(), names.end());
    for (const auto& [position, name] : names)
      for (const Provider& pr : m_pool.names[name].providers)
        for (const Atom& atom : m_pool.depends_of(pr.pkg)) {
          std::vector<NameId>& list = m_rdepends[atom.name];
          if (list.empty() || list.back() != name) list.push_back(name);
        }
  }

  // The install_if names to check around package p: apk's rinstall_if of its name and provides.
  std::span<const NameId> iif_names(PkgId p, uint32_t claim) const {
    return m_pool.names[m_pool.claims_of(p)[claim].name].install_if_names;
  }

  // apk's cset_check_install_by_iif: the install_if package chosen for `name` has every
  // condition processed and met.
  bool install_by_iif(NameId name) const {
    PkgId p = chosen(name);
    if (p == k_none || m_processed[name]) return false;
    for (const Atom& atom : m_pool.install_if_of(p)) {
      if (!atom.conflict && !m_processed[atom.name]) return false;
      PkgId owner = chosen(atom.name);
      bool provided = atom.conflict;
      if (owner != k_none) {
        const Claim* claim = m_pool.claim_on(owner, atom.name);
        provided = claim && claim_provides(m_pool, p, owner, *claim, atom);
      }
      if (!provided) return false;
    }
    return true;
  }

  // apk's cset_check_removal_by_iif: the installed package of `name` is an install_if package
  // whose condition names a removed name nothing replaces; then it goes if nothing needs it.
  bool removal_by_iif(NameId name) const {
    PkgId p = m_installed_pkg[name];
    if (p == k_none || chosen(name) != k_none) return false;
    if (m_processed[name] || m_removed[name]) return false;
    for (const Atom& atom : m_pool.install_if_of(p))
      if (m_removed[atom.name] && chosen(atom.name) == k_none) return removable_by_deps(p);
    return false;
  }

  void record(PkgId old_pkg, PkgId new_pkg) {
    Change change;
    if (old_pkg != k_none) {
      const PoolPackage& pkg = m_pool.packages[old_pkg];
      change.old_package = pkg.info;
      change.old_tag = m_pool.tags[pkg.installed_tag];
    }
    if (new_pkg != k_none) {
      auto source = m_selection.source.find(new_pkg);
      change.new_package = m_pool.packages[new_pkg].info;
      change.new_tag = m_pool.tags[source == m_selection.source.end() ? 0 : source->second.tag];
      m_after.push_back(new_pkg);
    }
    if (old_pkg == k_none) {
      change.kind = ChangeKind::install;
    } else if (new_pkg == k_none) {
      change.kind = ChangeKind::purge;
    } else if (old_pkg == new_pkg) {
      change.kind = change.old_tag == change.new_tag ? ChangeKind::keep : ChangeKind::repin;
    } else {
      int c = apk::compare_versions(change.new_package->version, change.old_package->version);
      change.kind = c < 0 ? ChangeKind::downgrade : c > 0 ? ChangeKind::upgrade : ChangeKind::replace;
    }
    m_changes.push_back(change);
  }

  void call(Frame frame) {
    m_stack.push_back(std::move(frame));
    while (!m_stack.empty()) step();
  }
  void push(Frame frame) { m_stack.push_back(std::move(frame)); }

  // Runs the top frame until it calls another (pushes it) or returns (pops itself).
  void step() {
    Frame& f = m_stack.back();
    switch (f.kind) {
      case Kind::change: return step_change(f);
      case Kind::preprocess: return step_preprocess(f);
      case Kind::remove: return step_remove(f);
      case Kind::reverse_iif: return step_reverse_iif(f);
      case Kind::deps_removed: return step_deps_removed(f);
    }
  }

  // cset_gen_name_change
  void step_change(Frame& f) {
    switch (f.phase) {
      case 0:
        if (m_processed[f.id]) return m_stack.pop_back();
        f.phase = 1;
        return push(Frame{.kind = Kind::preprocess, .id = f.id});
      case 1:
        f.pkg = chosen(f.id);
        if (f.pkg == k_none || m_in_changeset[f.pkg]) return m_stack.pop_back();
        m_in_changeset[f.pkg] = 1;
        f.phase = 2;
        return push(Frame{.kind = Kind::preprocess, .id = m_pool.packages[f.pkg].name});
      case 2: {
        auto provides = provides_of(f.pkg);
        if (f.i < provides.size())
          return push(Frame{.kind = Kind::preprocess, .id = provides[f.i++].name});
        f.old = m_installed_pkg[m_pool.packages[f.pkg].name];
        f.phase = 3;
        f.i = 0;
        if (f.old != k_none) push(Frame{.kind = Kind::reverse_iif, .id = f.old, .install = false});
        return;
      }
      case 3: {
        auto deps = m_pool.depends_of(f.pkg);
        if (f.i < deps.size()) return push(Frame{.kind = Kind::change, .id = deps[f.i++].name});
        record(f.old, f.pkg);
        f.phase = 4;
        return push(Frame{.kind = Kind::reverse_iif, .id = f.pkg, .install = true});
      }
      case 4: {
        track_deps_added(f.pkg);
        PkgId old = f.old;
        m_stack.pop_back();
        if (old != k_none) push(Frame{.kind = Kind::deps_removed, .id = old});
        return;
      }
    }
  }

  // cset_gen_name_preprocess
  void step_preprocess(Frame& f) {
    if (f.phase == 0) {
      if (m_processed[f.id]) return m_stack.pop_back();
      m_processed[f.id] = 1;
      f.phase = 1;
      PkgId installed = m_installed_pkg[f.id];
      if (installed != k_none && !chosen_as_own(f.id))
        return push(Frame{.kind = Kind::remove, .id = installed});
      return;
    }
    const auto& providers = m_pool.names[f.id].providers;
    while (f.i < providers.size()) {
      PkgId p = providers[f.i++].pkg;
      NameId own = m_pool.packages[p].name;
      if (m_installed_pkg[own] == p && chosen(own) == k_none)
        return push(Frame{.kind = Kind::remove, .id = p});
    }
    m_stack.pop_back();
  }

  // cset_gen_name_remove
  void step_remove(Frame& f) {
    switch (f.phase) {
      case 0: {
        NameId name = m_pool.packages[f.id].name;
        if (m_in_changeset[f.id] || chosen_as_own(name)) return m_stack.pop_back();
        m_removed[name] = 1;
        m_in_changeset[f.id] = 1;
        f.dependents = installed_dependents(f.id);
        f.phase = 1;
        return;
      }
      case 1:
        if (f.i < f.dependents.size())
          return push(Frame{.kind = Kind::remove, .id = f.dependents[f.i++]});
        f.phase = 2;
        return push(Frame{.kind = Kind::reverse_iif, .id = f.id, .install = false});
      case 2: {
        record(f.id, k_none);
        PkgId p = f.id;
        m_stack.pop_back();
        return push(Frame{.kind = Kind::deps_removed, .id = p});
      }
    }
  }

  // cset_check_by_reverse_iif with cset_check_install_by_iif or cset_check_removal_by_iif
  void step_reverse_iif(Frame& f) {
    const uint32_t claims = static_cast<uint32_t>(m_pool.claims_of(f.id).size());
    while (f.i < claims) {
      auto names = iif_names(f.id, f.i);
      if (f.j >= names.size()) {
        ++f.i;
        f.j = 0;
        continue;
      }
      NameId name = names[f.j++];
      if (f.install) {
        if (install_by_iif(name)) return push(Frame{.kind = Kind::change, .id = name});
      } else if (removal_by_iif(name)) {
        return push(Frame{.kind = Kind::remove, .id = m_installed_pkg[name]});
      }
    }
    m_stack.pop_back();
  }

  // cset_track_deps_removed
  void step_deps_removed(Frame& f) {
    auto deps = m_pool.depends_of(f.id);
    while (f.i < deps.size()) {
      const Atom& atom = deps[f.i++];
      NameId owner = m_installed_name[atom.name];
      if (atom.conflict || owner == k_none) continue;
      if (--m_requirers[owner] > 0) continue;
      PkgId p = m_installed_pkg[atom.name];
      if (p != k_none) return push(Frame{.kind = Kind::remove, .id = p});
    }
    m_stack.pop_back();
  }

  const PoolData& m_pool;
  const InstallSelection& m_selection;
  std::vector<PkgId> m_installed_pkg;    // name -> the installed package of that name
  std::vector<NameId> m_installed_name;  // name -> installed package (its name) claiming it
  std::vector<int32_t> m_requirers;      // installed name -> installed packages depending on it
  std::vector<uint8_t> m_processed;      // name handled by the walk
  std::vector<uint8_t> m_removed;        // name whose installed package was purged
  std::vector<uint8_t> m_in_changeset;   // package already recorded (or being recorded)
  std::unordered_map<NameId, std::vector<NameId>> m_rdepends;  // see build_rdepends
  bool m_rdepends_built = false;
  std::vector<Frame> m_stack;
  std::vector<Change> m_changes;
  std::vector<PkgId> m_after;  // the packages of the root afterwards, in change order
};

}  // namespace

Changeset change_order(const PoolData& pool, std::span<const Atom> world,
                       const InstallSelection& selection) {
  return ChangeWalk(pool, selection).run(world);
}

}  // namespace wisp::pkg::solve::detail
