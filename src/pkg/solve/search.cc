// The decision loop: pick the next name the way apk orders them, try its candidates best
// first, and on a dead end jump back to the latest decision that contributed to it.
#include "pkg/solve/search.h"

#include <cctype>

#include "base/log.h"

namespace wisp::pkg::solve::detail {
namespace {

bool tracing() { return log::level() >= log::Level::debug; }

// apk's display order of names: case-insensitive, then bytewise.
bool name_less(std::string_view a, std::string_view b) {
  size_t n = std::min(a.size(), b.size());
  for (size_t i = 0; i < n; ++i) {
    int ca = std::tolower(static_cast<unsigned char>(a[i]));
    int cb = std::tolower(static_cast<unsigned char>(b[i]));
    if (ca != cb) return ca < cb;
  }
  if (a.size() != b.size()) return a.size() < b.size();
  return a < b;
}

int compare_claim_versions(const Claim& a, const Claim& b) {
  bool va = a.versioned && !a.version.empty();
  bool vb = b.versioned && !b.version.empty();
  if (!va || !vb) return int(va) - int(vb);
  return apk::compare_versions(a.version, b.version);
}

}  // namespace

Search::Search(const PoolData& pool, const std::vector<apk::Dependency>& world,
               const SolveOptions& options)
    : m_pool(pool), m_options(options) {
  std::vector<std::pair<Atom, std::string>> atoms;
  for (const apk::Dependency& dep : world) {
    Atom atom{.name = pool.find_name(dep.name),
              .op = dep.op,
              .conflict = dep.conflict,
              .tag = dep.tag.empty() ? 0 : pool.find_tag(dep.tag),
              .version = dep.version};
    if (atom.name == k_none) {
      if (!dep.conflict) m_missing.emplace_back(apk::format_dependency(dep), dep.name);
      continue;
    }
    atoms.emplace_back(atom, dep.tag);
  }
  // apk sorts the world by name before solving; it decides discovery and install order.
  std::stable_sort(atoms.begin(), atoms.end(), [&](const auto& a, const auto& b) {
    return name_less(pool.names[a.first.name].text, pool.names[b.first.name].text);
  });
  m_world.reserve(atoms.size());
  for (auto& [atom, tag] : atoms) {
    m_world.push_back(atom);
    m_world_tags.push_back(std::move(tag));
  }
  if (options.requested) {
    for (const std::string& name : *options.requested)
      if (NameId id = pool.find_name(name); id != k_none) m_requested.push_back(id);
  } else {
    for (const Atom& atom : m_world) m_requested.push_back(atom.name);
  }
  m_tags = pool.tags.size() > 1;
}

bool Search::over_budget() { return m_steps > m_options.max_steps; }

bool Search::init() {
  m_pkgs.assign(m_pool.packages.size(), PkgState{});
  m_name_slot.assign(m_pool.names.size(), k_none);
  m_order = discovery_order(m_pool, m_world, m_requested);

  for (PkgId p = 0; p < m_pool.packages.size(); ++p)
    if (m_pool.packages[p].unavailable != Unavailable::none)
      exclude(p, Why::unavailable, nullptr, k_none, m_pool.packages[p].name, {});
  for (const auto& [name, version] : m_options.version_pins) {
    NameId id = m_pool.find_name(name);
    if (id == k_none) continue;
    for (const Provider& pr : m_pool.names[id].providers)
      if (m_pool.packages[pr.pkg].name == id && m_pool.packages[pr.pkg].info->version != version)
        exclude(pr.pkg, Why::pinned, nullptr, k_none, id, {});
  }
  for (const Atom& atom : m_world) {
    uint64_t mask = 1;
    if (atom.tag != 0 && atom.tag < 64) mask |= uint64_t{1} << atom.tag;
    if (!add_constraint(&atom, k_world, mask)) {
      if (m_first_error.empty()) note_failure(atom.name);
      return false;
    }
  }
  return true;
}

int Search::rank_required(NameId name) {
  // 0: nothing can provide it (fail now); 1: exactly one acceptable candidate (apk's
  // "resolve now"); 2: some candidate may be chosen automatically; 3: none may (a virtual
  // without priority): last, since another decision may still provide it.
  int open = 0, masked = 0;
  bool automatic = false;
  for (const Provider& pr : m_pool.names[name].providers) {
    PkgId p = pr.pkg;
    if (excluded(p)) continue;
    ++open;
    if (m_tags && !tag_ok(p, allowed_tags(p, false))) {
      ++masked;
      continue;
    }
    // apk counts a triggered install_if provider as selectable here even when it would not
    // choose it for this name; provides14 depends on that.
    if (auto_selectable(p, m_pool.claims[pr.claim]) || triggered(p)) automatic = true;
  }
  if (open == 0) return 0;
  if (open == 1 && masked == 0 && automatic) return 1;
  return automatic ? 2 : 3;
}

bool Search::iif_ready(NameId name) {
  for (const Provider& pr : m_pool.names[name].providers)
    if (triggered(pr.pkg)) return true;
  return false;
}

int Search::rank_of(NameId name, bool iif) {
  const NameState& s = m_names[m_name_slot[name]];
  if (!s.claimers.empty()) return -1;  // decided
  if (iif) return s.positive > 0 || !iif_ready(name) ? -1 : 2;
  return s.positive == 0 ? -1 : rank_required(name);
}

void Search::push_candidate(NameId name, bool iif) {
  if (m_heap_stale) return;  // the rebuild will rank it
  int rank = rank_of(name, iif);
  if (rank < 0) return;
  m_heap.push_back(HeapEntry{rank, static_cast<int32_t>(m_order[name]), name, iif});
  std::push_heap(m_heap.begin(), m_heap.end(), heap_less);
}

void Search::rebuild_heap() {
  m_heap.clear();
  m_heap_stale = false;
  for (const QueueEntry& entry : m_queue) push_candidate(entry.name, entry.iif);
}

Search::Pick Search::pick_next() {
  if (m_heap_stale) rebuild_heap();
  while (!m_heap.empty()) {
    std::pop_heap(m_heap.begin(), m_heap.end(), heap_less);
    HeapEntry top = m_heap.back();
    m_heap.pop_back();
    int rank = rank_of(top.name, top.iif);
    if (rank < 0) continue;
    if (rank != top.rank) {
      top.rank = rank;
      m_heap.push_back(top);
      std::push_heap(m_heap.begin(), m_heap.end(), heap_less);
      continue;
    }
    return Pick{.name = top.name, .iif = top.iif, .rank = rank};
  }
  return Pick{};
}

std::vector<PkgId> Search::candidates(NameId name, bool iif) {
  std::vector<Candidate> list;
  uint32_t order = 0;
  for (const Provider& pr : m_pool.names[name].providers) {
    PkgId p = pr.pkg;
    ++order;
    if (excluded(p) || m_pkgs[p].selected) continue;
    const Claim& claim = m_pool.claims[pr.claim];
    if (iif) {
      if (!triggered(p)) continue;
    } else if (!auto_selectable(p, claim)) {
      continue;
    }
    if (m_tags && !tag_ok(p, allowed_tags(p, iif))) continue;
    ++m_steps;
    if (!dependencies_viable(p)) continue;
    Candidate candidate{.pkg = p, .claim = &claim, .preferred = preferred(p), .order = order};
    if (iif) {
      // apk prefers packages that were options when a required name they provide was last
      // weighed ("dependencies_used"), even for an install_if name nothing requires.
      for (const Claim& other : m_pool.claims_of(p)) {
        const NameState* s = other.name == name ? nullptr : find_state(other.name);
        if (s && s->positive > 0) candidate.merged = true;
      }
    }
    list.push_back(candidate);
  }
  if (m_pool.installed_count == 0) {
    // Without installed packages compare_candidates is a strict weak order: sort.
    std::sort(list.begin(), list.end(), [&](const Candidate& a, const Candidate& b) {
      if (int c = compare_candidates(a, b)) return c > 0;
      return a.order < b.order;
    });
  } else {
    order_like_apk(list);
  }
  std::vector<PkgId> out;
  out.reserve(list.size() + 1);
  for (const Candidate& c : list) out.push_back(c.pkg);
  if (iif) out.push_back(k_none);  // an install_if package may also be left out
  return out;
}

int Search::compare_candidates(const Candidate& a, const Candidate& b) const {
  // apk's compare_providers (no --upgrade or --latest) on what wisp models: the preferred
  // repository; an installed package over one of the same name or when either claim carries a
  // version; the highest version of the requested name, then of the package itself; the highest
  // provider_priority; an installed package; the first repository (an installed package no
  // repository lists counts as first, as in apk).
  if (a.merged != b.merged) return a.merged ? 1 : -1;
  if (a.preferred != b.preferred) return a.preferred ? 1 : -1;
  const PoolPackage& pa = m_pool.packages[a.pkg];
  const PoolPackage& pb = m_pool.packages[b.pkg];
  if (pa.installed != pb.installed &&
      (pa.name == pb.name || a.claim->versioned || b.claim->versioned))
    return pa.installed ? 1 : -1;
  if (int v = compare_claim_versions(*a.claim, *b.claim)) return v;
  if (pa.name == pb.name)
    if (int v = apk::compare_versions(pa.info->version, pb.info->version)) return v;
  if (pa.priority != pb.priority) return pa.priority > pb.priority ? 1 : -1;
  if (pa.installed != pb.installed) return pa.installed ? 1 : -1;
  int64_t ra = pa.repos.empty() ? -1 : int64_t{pa.repos.front()};
  int64_t rb = pb.repos.empty() ? -1 : int64_t{pb.repos.front()};
  if (ra != rb) return ra < rb ? 1 : -1;
  return 0;
}

void Search::order_like_apk(std::vector<Candidate>& list) const {
  // With installed packages the comparison is not transitive (the first "installed" rule only
  // applies to some pairs), so no sort: like apk, scan in pool order and keep the first best;
  // the rest follow as the best of what remains, for backtracking.
  for (size_t i = 0; i < list.size(); ++i) {
    size_t best = i;
    for (size_t j = i + 1; j < list.size(); ++j)
      if (compare_candidates(list[j], list[best]) > 0) best = j;
    std::rotate(list.begin() + static_cast<ptrdiff_t>(i), list.begin() + static_cast<ptrdiff_t>(best),
                list.begin() + static_cast<ptrdiff_t>(best) + 1);
  }
}

LevelSet Search::failure_levels(NameId name) {
  LevelSet levels;
  if (const NameState* s = find_state(name)) {
    for (const Constraint& c : s->constraints)
      if (!c.atom->conflict) levels.add(c.level);
    if (s->locked_none) levels.add(s->lock_level);
  }
  for (const Provider& pr : m_pool.names[name].providers) {
    if (const Exclusion* e = exclusion_of(pr.pkg)) {
      levels.merge(e->levels);
      continue;
    }
    // Masked or virtual: what allows it are requirements on the names it claims. (Whether a
    // virtual's provider is itself required could change with other decisions; like apk, wisp
    // does not search for a way to make it so.)
    for (const Claim& claim : m_pool.claims_of(pr.pkg))
      if (const NameState* s = find_state(claim.name))
        for (const Constraint& c : s->constraints) levels.add(c.level);
  }
  return levels;
}

bool Search::decide(const Pick& pick) {
  std::vector<PkgId> options;
  if (pick.rank != 0) options = candidates(pick.name, pick.iif);
  if (options.empty()) {
    if (tracing()) log::debug("solve: {} has no candidate", m_pool.names[pick.name].text);
    note_failure(pick.name);
    m_failure = failure_levels(pick.name);
    return false;
  }
  if (tracing()) {
    std::string list;
    for (PkgId p : options) list += " " + (p == k_none ? std::string("(none)") : package_label(m_pool, p));
    log::debug("solve: level {}: {}{} (rank {}):{}", level() + 1, m_pool.names[pick.name].text,
               pick.iif ? " [install_if]" : "", pick.rank, list);
  }
  Frame frame;
  frame.name = pick.name;
  frame.iif = pick.iif;
  frame.options = std::move(options);
  frame.trail_mark = m_trail.size();
  // Why these are the only options (and why the name is needed at all): if every option fails,
  // the decisions behind that are the ones to revisit.
  frame.conflicts = failure_levels(pick.name);
  if (pick.iif) {
    for (PkgId p : frame.options) {
      if (p == k_none) continue;
      for (const Atom& atom : m_pool.install_if_of(p))
        if (const NameState* s = find_state(atom.name))
          for (PkgId c : s->claimers) frame.conflicts.add(m_pkgs[c].level);
    }
  }
  m_frames.push_back(std::move(frame));
  return try_options();
}

bool Search::try_options() {
  while (m_frames.back().next < m_frames.back().options.size()) {
    Frame& f = m_frames.back();
    PkgId p = f.options[f.next++];
    f.option_mark = m_trail.size();
    if (p == k_none) {
      decline(f.name);
      return true;
    }
    ++m_steps;
    if (tracing()) log::debug("solve:   select {}", package_label(m_pool, p));
    if (select(p, f.name, f.iif)) return true;
    LevelSet why = m_failure;
    why.cut(level());
    Frame& top = m_frames.back();
    top.conflicts.merge(why);
    undo_to(top.option_mark);
    exclude(p, Why::tried, nullptr, k_none, top.name, std::move(why));
    if (over_budget()) return false;
  }
  Frame& f = m_frames.back();
  if (!f.iif) note_failure(f.name);
  m_failure = f.conflicts;
  undo_to(f.trail_mark);
  m_frames.pop_back();
  return false;
}

bool Search::backtrack() {
  while (!over_budget()) {
    uint32_t target = m_failure.deepest(level());
    if (tracing()) log::debug("solve: dead end at level {}: back to level {}", level(), target);
    if (target == 0) return false;
    while (level() > target) {
      undo_to(m_frames.back().trail_mark);
      m_frames.pop_back();
    }
    Frame& f = m_frames.back();
    LevelSet why = m_failure;
    why.cut(target);
    f.conflicts.merge(why);
    PkgId p = f.options[f.next - 1];
    undo_to(f.option_mark);
    if (p != k_none) exclude(p, Why::tried, nullptr, k_none, f.name, std::move(why));
    if (try_options()) return true;
  }
  return false;
}

Result<Changeset> Search::run() {
  if (!m_missing.empty()) {
    std::string names, hints;
    for (const auto& [atom, name] : m_missing) {
      names += (names.empty() ? "" : ", ") + atom;
      std::string similar = suggestions(name);
      if (!similar.empty()) hints += fmt::format("\n  {}: did you mean {}?", name, similar);
    }
    return wisp::fail(Errc::unsatisfiable,
                      "unable to select packages: no package provides {} (required by world){}",
                      names, hints);
  }
  if (!init()) return wisp::fail(Errc::unsatisfiable, m_first_error);
  while (true) {
    ++m_steps;
    if (over_budget()) break;
    Pick pick = pick_next();
    if (pick.name == k_none) return finish();
    if (decide(pick)) continue;
    if (!backtrack()) {
      if (over_budget()) break;
      return wisp::fail(Errc::unsatisfiable, m_first_error);
    }
  }
  std::string message = fmt::format(
      "unable to select packages: gave up after {} steps (SolveOptions::max_steps)",
      m_options.max_steps);
  if (!m_first_error.empty()) message += "; first problem: " + m_first_error;
  return wisp::fail(Errc::unsatisfiable, message);
}

Result<Changeset> Search::finish() {
  if (m_tags) {
    // apk keeps widening what a package may come from as later requirers apply their
    // dependencies (inherit_pinning_and_flags), and an install_if package inherits from the
    // packages that trigger it: count the requirements that came after each selection.
    for (PkgId p : m_selected) m_pkgs[p].allowed |= allowed_tags(p, false);
    for (PkgId p : m_selected)
      if (m_pkgs[p].via_iif) m_pkgs[p].allowed |= allowed_tags(p, true);
  }
  InstallSelection selection;
  selection.packages = m_selected;
  for (PkgId p : m_selected) {
    for (const Claim& claim : m_pool.claims_of(p)) {
      const NameState* s = find_state(claim.name);
      if (s && !s->claimers.empty()) selection.owner.emplace(claim.name, s->claimers.front());
    }
    // apk's get_tag: the first tag (untagged first) the package is allowed from and listed in.
    const PoolPackage& pkg = m_pool.packages[p];
    uint64_t both = m_pkgs[p].allowed & pkg.tag_mask;
    InstallSelection::Source source{
        .repository = pkg.repos.empty() ? k_no_repository : size_t{pkg.repos.front()}};
    if (both != 0) {
      source.tag = static_cast<uint32_t>(__builtin_ctzll(both));
      for (uint32_t r : pkg.repos)
        if (m_pool.repo_tag[r] == source.tag) {
          source.repository = r;
          break;
        }
    }
    selection.source.emplace(p, source);
  }
  if (m_pool.installed_count > 0) return change_order(m_pool, m_world, selection);
  return install_order(m_pool, m_world, selection);
}

}  // namespace wisp::pkg::solve::detail
