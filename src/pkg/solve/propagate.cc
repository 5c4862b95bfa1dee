// State changes of the search: constraints, selections, exclusions, install_if triggers, and
// their undo log.
#include "pkg/solve/search.h"

namespace wisp::pkg::solve::detail {

NameState& Search::state(NameId name) {
  uint32_t& slot = m_name_slot[name];
  if (slot == k_none) {
    slot = static_cast<uint32_t>(m_names.size());
    m_names.emplace_back();
  }
  return m_names[slot];
}

const NameState* Search::find_state(NameId name) const {
  uint32_t slot = m_name_slot[name];
  return slot == k_none ? nullptr : &m_names[slot];
}

void Search::exclude(PkgId p, Why why, const Atom* atom, PkgId other, NameId name,
                     LevelSet levels) {
  if (excluded(p)) return;
  m_pkgs[p].exclusion = static_cast<uint32_t>(m_exclusions.size());
  m_exclusions.push_back(Exclusion{.why = why, .atom = atom, .other = other, .name = name,
                                   .levels = std::move(levels)});
  m_trail.push_back({Undo::exclusion, p});
  // Fewer candidates can make a pending name more urgent.
  for (const Claim& claim : m_pool.claims_of(p)) {
    const NameState* s = find_state(claim.name);
    if (s && s->queued_required && s->claimers.empty()) push_candidate(claim.name, false);
  }
}

bool Search::fail(LevelSet levels) {
  m_failure = std::move(levels);
  return false;
}

namespace {

LevelSet at(uint32_t level) {
  LevelSet set;
  set.add(level);
  return set;
}

LevelSet at(uint32_t a, uint32_t b) {
  LevelSet set;
  set.add(a);
  set.add(b);
  return set;
}

}  // namespace

bool Search::constraint_holds(const Constraint& c, PkgId p, const Claim& claim) const {
  return claim_provides(m_pool, c.requirer, p, claim, *c.atom);
}

void Search::queue(NameId name, bool iif) {
  NameState& s = state(name);
  bool& flag = iif ? s.queued_iif : s.queued_required;
  if (!flag) {
    flag = true;
    m_queue.push_back({name, iif});
    m_trail.push_back({Undo::queue, name, iif ? 1u : 0u});
  }
  push_candidate(name, iif);
}

bool Search::add_constraint(const Atom* atom, PkgId requirer, uint64_t mask) {
  const uint32_t lvl = level();
  NameState& s = state(atom->name);
  s.constraints.push_back(Constraint{.atom = atom, .requirer = requirer, .level = lvl, .mask = mask});
  if (!atom->conflict) ++s.positive;
  m_trail.push_back({Undo::constraint, atom->name});

  const NameData& name = m_pool.names[atom->name];
  if (atom->conflict) {
    for (PkgId c : s.claimers) {
      if (c == requirer) continue;
      const Claim* claim = m_pool.claim_on(c, atom->name);
      if (claim && claim_matches(m_pool, c, *claim, *atom)) {
        if (requirer != k_world && m_first_error.empty())
          note_select_failure(requirer, "its " + text(*atom) + " conflicts with " +
                                            package_label(m_pool, c) + ", already selected");
        return fail(at(lvl, m_pkgs[c].level));
      }
    }
    for (const Provider& pr : name.providers) {
      if (pr.pkg == requirer || m_pkgs[pr.pkg].selected || excluded(pr.pkg)) continue;
      if (claim_matches(m_pool, pr.pkg, m_pool.claims[pr.claim], *atom))
        exclude(pr.pkg, Why::conflict, atom, requirer, atom->name, at(lvl));
    }
    return true;
  }

  if (!s.claimers.empty()) {
    PkgId owner = s.claimers.front();
    const Claim* claim = m_pool.claim_on(owner, atom->name);
    if (claim && claim_matches(m_pool, owner, *claim, *atom)) return true;
    if (requirer != k_world && m_first_error.empty())
      note_select_failure(requirer, "its dependency " + text(*atom) +
                                        " does not match " + package_label(m_pool, owner) +
                                        ", already selected");
    return fail(at(lvl, m_pkgs[owner].level));
  }
  if (s.locked_none) return fail(at(lvl, s.lock_level));
  for (const Provider& pr : name.providers) {
    if (m_pkgs[pr.pkg].selected || excluded(pr.pkg)) continue;
    // Installing a non-matching provider would make it the owner of the name (or, for an
    // unversioned provide, leave a versioned requirement unmet): it is out (apk does the same).
    if (!claim_matches(m_pool, pr.pkg, m_pool.claims[pr.claim], *atom))
      exclude(pr.pkg, Why::mismatch, atom, requirer, atom->name, at(lvl));
  }
  queue(atom->name, false);
  if (s.positive == 1) {
    // A package required by its own name may now be chosen for the virtuals it provides.
    for (const Provider& pr : name.providers) {
      if (m_pool.packages[pr.pkg].name != atom->name) continue;
      for (const Claim& claim : m_pool.claims_of(pr.pkg)) {
        if (claim.versioned) continue;
        const NameState* v = find_state(claim.name);
        if (v && v->queued_required && v->claimers.empty()) push_candidate(claim.name, false);
      }
    }
  }
  return true;
}

uint64_t Search::allowed_tags(PkgId p, bool iif) const {
  uint64_t mask = 1;
  if (!m_tags) return mask;
  for (const Claim& claim : m_pool.claims_of(p)) {
    const NameState* s = find_state(claim.name);
    if (!s) continue;
    for (const Constraint& c : s->constraints)
      if (!c.atom->conflict && claim_matches(m_pool, p, claim, *c.atom)) mask |= c.mask;
  }
  if (iif) {
    // An install_if package may come from wherever the packages that trigger it may.
    for (const Atom& atom : m_pool.install_if_of(p)) {
      if (atom.conflict) continue;
      if (const NameState* s = find_state(atom.name))
        for (PkgId c : s->claimers) mask |= m_pkgs[c].allowed;
    }
  }
  return mask;
}

bool Search::tag_ok(PkgId p, uint64_t allowed) const {
  const PoolPackage& pkg = m_pool.packages[p];
  // apk treats empty (virtual) packages as available from any repository, and keeps an
  // installed package allowed whatever its tag.
  return (pkg.tag_mask & allowed) != 0 || pkg.info->installed_size == 0 || pkg.installed;
}

bool Search::preferred(PkgId p) const {
  const PoolPackage& pkg = m_pool.packages[p];
  if (m_tags) {
    // Asked for by the world: prefer the repository the world atom names (untagged: the plain
    // repositories). apk applies the world in name order and each matching atom overwrites the
    // preference, so the last one wins (it may be an atom on a name the package provides).
    const Atom* last = nullptr;
    for (const Claim& claim : m_pool.claims_of(p)) {
      const NameState* s = find_state(claim.name);
      if (!s) continue;
      for (const Constraint& c : s->constraints) {
        if (c.requirer != k_world || c.atom->conflict || !claim_matches(m_pool, p, claim, *c.atom))
          continue;
        if (!last || c.atom > last) last = c.atom;  // m_world is in apk's order
      }
    }
    if (last) return last->tag < 64 && (pkg.tag_mask & (uint64_t{1} << last->tag)) != 0;
  }
  return (pkg.tag_mask & 1) != 0 || pkg.info->installed_size == 0;
}

bool Search::auto_selectable(PkgId p, const Claim& claim) const {
  if (claim.versioned) return true;
  if (m_pool.packages[p].priority != 0) return true;
  // A virtual without provider_priority is only chosen for a package required by its own name.
  const NameState* own = find_state(m_pool.packages[p].name);
  return own && own->positive > 0;
}

bool Search::triggered(PkgId p) const {
  const PkgState& ps = m_pkgs[p];
  if (ps.selected || ps.declined || excluded(p)) return false;
  auto atoms = m_pool.install_if_of(p);
  if (atoms.empty()) return false;
  for (const Atom& atom : atoms) {
    const NameState* s = find_state(atom.name);
    if (!atom.conflict) {
      if (!s) return false;
      bool ok = false;
      for (PkgId c : s->claimers) {
        const Claim* claim = m_pool.claim_on(c, atom.name);
        if (claim && claim_matches(m_pool, c, *claim, atom)) {
          ok = true;
          break;
        }
      }
      if (!ok) return false;
    } else if (s) {
      for (PkgId c : s->claimers) {
        const Claim* claim = m_pool.claim_on(c, atom.name);
        if (claim && claim_matches(m_pool, c, *claim, atom)) return false;
      }
      // Required but not decided yet: wait until it is (apk resolves such names first).
      if (s->claimers.empty() && s->positive > 0) return false;
    }
  }
  return true;
}

void Search::queue_triggered(PkgId p) {
  if (!triggered(p)) return;
  queue(m_pool.packages[p].name, true);
  // A triggered provider also ranks the names it provides (apk counts it as selectable).
  for (const Claim& claim : m_pool.claims_of(p)) {
    const NameState* s = find_state(claim.name);
    if (s && s->queued_required && s->claimers.empty()) push_candidate(claim.name, false);
  }
}

bool Search::dependencies_viable(PkgId p) {
  for (const Atom& atom : m_pool.depends_of(p)) {
    const NameState* s = find_state(atom.name);
    if (atom.conflict) {
      if (!s) continue;
      for (PkgId c : s->claimers) {
        if (c == p) continue;
        const Claim* claim = m_pool.claim_on(c, atom.name);
        if (claim && claim_matches(m_pool, c, *claim, atom)) {
          exclude(p, Why::breaks, &atom, c, atom.name, at(m_pkgs[c].level));
          return false;
        }
      }
      continue;
    }
    if (s && !s->claimers.empty()) {
      bool ok = false;
      LevelSet levels;
      for (PkgId c : s->claimers) {
        const Claim* claim = m_pool.claim_on(c, atom.name);
        if (claim && claim_matches(m_pool, c, *claim, atom)) ok = true;
        levels.add(m_pkgs[c].level);
      }
      if (!ok) {
        exclude(p, Why::dependency, &atom, s->claimers.front(), atom.name, std::move(levels));
        return false;
      }
      continue;
    }
    if (s && s->locked_none) {
      exclude(p, Why::dependency, &atom, s->locked_for, atom.name, at(s->lock_level));
      return false;
    }
    bool viable = false;
    LevelSet levels;
    for (const Provider& pr : m_pool.names[atom.name].providers) {
      if (!claim_matches(m_pool, pr.pkg, m_pool.claims[pr.claim], atom)) continue;
      if (pr.pkg != p && excluded(pr.pkg)) {
        levels.merge(m_exclusions[m_pkgs[pr.pkg].exclusion].levels);
        continue;
      }
      viable = true;
      break;
    }
    if (!viable) {
      exclude(p, Why::dependency, &atom, k_none, atom.name, std::move(levels));
      return false;
    }
  }
  return true;
}

bool Search::select(PkgId p, NameId for_name, bool iif) {
  const uint32_t lvl = level();
  PkgState& ps = m_pkgs[p];
  ps.allowed = allowed_tags(p, iif);
  ps.selected = true;
  ps.level = lvl;
  ps.via_iif = iif;
  ps.parent = k_world;
  ps.via = nullptr;
  if (iif) {
    for (const Atom& atom : m_pool.install_if_of(p)) {
      if (atom.conflict) continue;
      if (const NameState* s = find_state(atom.name); s && !s->claimers.empty()) {
        ps.parent = s->claimers.front();
        ps.via = &atom;
        break;
      }
    }
  } else if (const NameState* s = find_state(for_name)) {
    for (const Constraint& c : s->constraints) {
      if (c.atom->conflict) continue;
      ps.parent = c.requirer;
      ps.via = c.atom;
      break;
    }
  }
  m_selected.push_back(p);
  m_trail.push_back({Undo::select, p});

  for (const Claim& claim : m_pool.claims_of(p)) {
    NameState& s = state(claim.name);
    if (s.locked_none) {
      if (m_first_error.empty())
        note_select_failure(p, "it provides " + std::string(m_pool.names[claim.name].text) +
                                 ", which must stay absent for " +
                                 package_label(m_pool, s.locked_for));
      return fail(at(s.lock_level));
    }
    for (PkgId other : s.claimers) {
      const Claim* theirs = m_pool.claim_on(other, claim.name);
      if (claim.versioned || (theirs && theirs->versioned)) {
        if (m_first_error.empty())
          note_select_failure(p, "it provides " + std::string(m_pool.names[claim.name].text) +
                                   ", which " + package_label(m_pool, other) + " already provides");
        return fail(at(m_pkgs[other].level));
      }
    }
    for (const Constraint& c : s.constraints) {
      if (!constraint_holds(c, p, claim)) {
        if (m_first_error.empty())
          note_select_failure(p, "it does not satisfy " + requirer_text(c));
        return fail(at(c.level));
      }
    }
    s.claimers.push_back(p);
    m_trail.push_back({Undo::claim, claim.name, s.versioned_claim ? 1u : 0u});
    s.versioned_claim |= claim.versioned;
    // Only one package may own a name that carries a version.
    for (const Provider& pr : m_pool.names[claim.name].providers) {
      if (pr.pkg == p || m_pkgs[pr.pkg].selected || excluded(pr.pkg)) continue;
      if (claim.versioned || m_pool.claims[pr.claim].versioned)
        exclude(pr.pkg, Why::taken, nullptr, p, claim.name, at(lvl));
    }
  }

  if (iif) {
    // apk resolves the names an install_if rule wants absent before triggering it; here, an
    // unrequired one is simply kept out from now on.
    for (const Atom& atom : m_pool.install_if_of(p)) {
      if (!atom.conflict) continue;
      NameState& s = state(atom.name);
      if (s.claimers.empty() && !s.locked_none) lock_absent(atom.name, p);
    }
  }

  for (const Atom& atom : m_pool.depends_of(p))
    if (!add_constraint(&atom, p, ps.allowed)) return false;

  for (const Claim& claim : m_pool.claims_of(p))
    for (PkgId q : m_pool.names[claim.name].install_if_pkgs) queue_triggered(q);
  return true;
}

void Search::lock_absent(NameId name, PkgId for_pkg) {
  NameState& s = state(name);
  s.locked_none = true;
  s.lock_level = level();
  s.locked_for = for_pkg;
  m_trail.push_back({Undo::lock, name});
  for (const Provider& pr : m_pool.names[name].providers) {
    if (m_pkgs[pr.pkg].selected || excluded(pr.pkg)) continue;
    exclude(pr.pkg, Why::locked, nullptr, for_pkg, name, at(level()));
  }
}

void Search::decline(NameId name) {
  for (const Provider& pr : m_pool.names[name].providers) {
    if (!triggered(pr.pkg)) continue;
    m_pkgs[pr.pkg].declined = true;
    m_trail.push_back({Undo::decline, pr.pkg});
  }
}

void Search::undo_to(size_t mark) {
  // Ranks of pending names may have changed in any direction: rank them afresh.
  if (m_trail.size() > mark) m_heap_stale = true;
  while (m_trail.size() > mark) {
    TrailEntry e = m_trail.back();
    m_trail.pop_back();
    switch (e.kind) {
      case Undo::exclusion:
        m_pkgs[e.id].exclusion = k_none;
        m_exclusions.pop_back();
        break;
      case Undo::constraint: {
        NameState& s = m_names[m_name_slot[e.id]];
        if (!s.constraints.back().atom->conflict) --s.positive;
        s.constraints.pop_back();
        break;
      }
      case Undo::claim: {
        NameState& s = m_names[m_name_slot[e.id]];
        s.claimers.pop_back();
        s.versioned_claim = e.aux != 0;
        break;
      }
      case Undo::select:
        m_pkgs[e.id].selected = false;
        m_selected.pop_back();
        break;
      case Undo::lock:
        m_names[m_name_slot[e.id]].locked_none = false;
        break;
      case Undo::decline:
        m_pkgs[e.id].declined = false;
        break;
      case Undo::queue: {
        NameState& s = m_names[m_name_slot[e.id]];
        (e.aux ? s.queued_iif : s.queued_required) = false;
        m_queue.pop_back();
        break;
      }
    }
  }
}

}  // namespace wisp::pkg::solve::detail
