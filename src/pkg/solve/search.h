// The resolver's search: decisions on names, eager exclusions, a one-level look-ahead on
// dependencies, and conflict-directed backjumping. Internal to src/pkg/solve.
//
// Vocabulary. A package *claims* its own name and each provide when selected. A name is
// *required* once a world atom or a selected package depends on it, and *decided* once a
// selected package claims it. Facts that depend on decisions carry the set of decision levels
// that justify them (LevelSet); when a name cannot be satisfied, the union of its facts' levels
// says which earlier decision to revisit (conflict-directed backjumping), so unrelated decisions
// are never retried.
#pragma once

#include <algorithm>
#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "pkg/apk/dependency.h"
#include "pkg/solve/changeset.h"
#include "pkg/solve/pool_data.h"
#include "pkg/solve/solver.h"

namespace wisp::pkg::solve::detail {

/// Decision levels a fact depends on. Empty: true whatever is decided. `all`: unknown, so every
/// level counts (falls back to chronological backtracking).
class LevelSet {
 public:
  void add(uint32_t level) {
    if (level == 0 || m_all) return;
    auto it = std::lower_bound(m_levels.begin(), m_levels.end(), level);
    if (it != m_levels.end() && *it == level) return;
    if (m_levels.size() >= k_max) {
      set_all();
      return;
    }
    m_levels.insert(it, level);
  }
  void merge(const LevelSet& other) {
    if (other.m_all) set_all();
    for (uint32_t level : other.m_levels) add(level);
  }
  void set_all() {
    m_all = true;
    m_levels.clear();
  }
  bool all() const { return m_all; }
  bool empty() const { return !m_all && m_levels.empty(); }
  /// The deepest level, given that `current` is the deepest that exists.
  uint32_t deepest(uint32_t current) const {
    if (m_all) return current;
    return m_levels.empty() ? 0 : std::min(m_levels.back(), current);
  }
  /// Drops `level` and everything deeper (an `all` set stays `all`: every shallower level).
  void cut(uint32_t level) {
    while (!m_levels.empty() && m_levels.back() >= level) m_levels.pop_back();
  }

 private:
  static constexpr size_t k_max = 48;
  std::vector<uint32_t> m_levels;  // ascending, no 0
  bool m_all = false;
};

enum class Why : uint8_t {
  unavailable,  // static: PoolPackage::unavailable
  pinned,       // SolveOptions::version_pins
  mismatch,     // a required atom on a name it claims does not match it (atom, other = requirer)
  conflict,     // matches a `!atom` (atom, other = requirer)
  taken,        // a name it claims is claimed by `other` (name)
  locked,       // a name it claims must stay absent for install_if `other` (name)
  dependency,   // its dependency `atom` cannot be met (other = the claimer that blocks, if any)
  breaks,       // its conflict `atom` matches selected `other`
  tried,        // selecting it led to a dead end
};

struct Exclusion {
  Why why = Why::unavailable;
  const Atom* atom = nullptr;
  PkgId other = k_none;
  NameId name = k_none;
  LevelSet levels;
};

inline constexpr PkgId k_world = k_none;

/// A requirement (or conflict) on a name, from the world (requirer k_world) or a package.
struct Constraint {
  const Atom* atom = nullptr;
  PkgId requirer = k_world;
  uint32_t level = 0;
  uint64_t mask = 1;  // repository tags the requirer allows (bit 0: untagged)
};

struct NameState {
  std::vector<Constraint> constraints;
  std::vector<PkgId> claimers;  // selected packages claiming the name; the first is the owner
  uint32_t positive = 0;        // number of non-conflict constraints
  uint32_t lock_level = 0;
  PkgId locked_for = k_none;  // the install_if package that needs the name absent
  bool versioned_claim = false;
  bool locked_none = false;
  bool queued_required = false;
  bool queued_iif = false;
};

struct PkgState {
  uint32_t exclusion = k_none;  // index into Search::m_exclusions
  uint32_t level = 0;           // where it was selected
  uint64_t allowed = 0;         // tags it may come from, inherited by its dependencies
  PkgId parent = k_world;       // who needed it: a package, or the world
  const Atom* via = nullptr;    // through which atom (an install_if atom when via_iif)
  bool selected = false;
  bool declined = false;  // an install_if package the search chose to leave out
  bool via_iif = false;
};

class Search {
 public:
  Search(const PoolData& pool, const std::vector<apk::Dependency>& world,
         const SolveOptions& options);
  Result<Changeset> run();

 private:
  struct QueueEntry {
    NameId name;
    bool iif;
  };
  // A candidate for the next decision. The heap may hold stale keys; pick_next re-ranks what it
  // pops. Whenever a name may become more urgent, a fresh entry is pushed, so a popped entry
  // whose key is still right is the most urgent name.
  struct HeapEntry {
    int rank;
    int32_t order;
    NameId name;
    bool iif;
  };
  /// Whether `a` is less urgent than `b`: lower rank first, then apk's order (higher first).
  static bool heap_less(const HeapEntry& a, const HeapEntry& b) {
    if (a.rank != b.rank) return a.rank > b.rank;
    if (a.order != b.order) return a.order < b.order;
    if (a.name != b.name) return a.name > b.name;
    return a.iif && !b.iif;
  }
  struct Frame {
    NameId name = k_none;
    bool iif = false;
    std::vector<PkgId> options;  // best first; k_none = leave the install_if package out
    size_t next = 0;
    size_t trail_mark = 0;   // state before the decision
    size_t option_mark = 0;  // state before the current option
    LevelSet conflicts;      // why the options tried so far failed (levels above excluded)
  };
  enum class Undo : uint8_t { exclusion, constraint, claim, select, lock, decline, queue };
  struct TrailEntry {
    Undo kind;
    uint32_t id;
    uint32_t aux = 0;
  };
  struct Candidate {
    PkgId pkg;
    const Claim* claim;
    bool preferred;
    bool merged = false;  // install_if: also a candidate for a required name (see candidates)
    uint32_t order;
  };

  // search.cc: the decision loop
  bool init();
  struct Pick {
    NameId name = k_none;
    bool iif = false;
    int rank = 0;
  };
  Pick pick_next();
  int rank_of(NameId name, bool iif);
  void push_candidate(NameId name, bool iif);
  void rebuild_heap();
  int rank_required(NameId name);
  bool iif_ready(NameId name);
  bool decide(const Pick& pick);
  bool try_options();
  bool backtrack();
  std::vector<PkgId> candidates(NameId name, bool iif);
  LevelSet failure_levels(NameId name);
  Result<Changeset> finish();
  bool over_budget();

  // propagate.cc: state changes
  NameState& state(NameId name);
  const NameState* find_state(NameId name) const;
  uint32_t level() const { return static_cast<uint32_t>(m_frames.size()); }
  bool excluded(PkgId p) const { return m_pkgs[p].exclusion != k_none; }
  const Exclusion* exclusion_of(PkgId p) const {
    return excluded(p) ? &m_exclusions[m_pkgs[p].exclusion] : nullptr;
  }
  void exclude(PkgId p, Why why, const Atom* atom, PkgId other, NameId name, LevelSet levels);
  bool add_constraint(const Atom* atom, PkgId requirer, uint64_t mask);
  bool select(PkgId p, NameId for_name, bool iif);
  void lock_absent(NameId name, PkgId for_pkg);
  void decline(NameId name);
  void queue(NameId name, bool iif);
  bool dependencies_viable(PkgId p);
  bool triggered(PkgId p) const;
  void queue_triggered(PkgId p);
  uint64_t allowed_tags(PkgId p, bool iif) const;
  bool tag_ok(PkgId p, uint64_t allowed) const;
  bool preferred(PkgId p) const;
  // Inlined: it is the fresh-root sort's comparator, on the hot path.
  [[gnu::always_inline]] inline int compare_candidates(const Candidate& a, const Candidate& b) const;
  void order_like_apk(std::vector<Candidate>& list) const;
  bool auto_selectable(PkgId p, const Claim& claim) const;
  bool constraint_holds(const Constraint& constraint, PkgId p, const Claim& claim) const;
  bool fail(LevelSet levels);
  void undo_to(size_t mark);

  // explain.cc: messages for people
  void note_failure(NameId name);
  void note_select_failure(PkgId p, const std::string& reason);
  std::string chain(PkgId requirer, const Atom* atom) const;
  std::string requirer_text(const Constraint& constraint) const;
  std::string describe(PkgId p, const Claim& claim, NameId name, int depth) const;
  std::string describe_exclusion(PkgId p, const Exclusion& e, int depth) const;
  std::string describe_dependency(PkgId p, const Atom& atom, int depth) const;
  std::string tags_text(PkgId p) const;
  /// atom_text, with the tag of a world atom even when no repository has that tag.
  std::string text(const Atom& atom) const;
  std::string suggestions(std::string_view name) const;

  const PoolData& m_pool;
  const SolveOptions& m_options;
  std::vector<Atom> m_world;               // interned world atoms (stable: reserved once)
  std::vector<std::string> m_world_tags;   // their tags as written (parallel to m_world)
  std::vector<std::pair<std::string, std::string>> m_missing;  // world atoms/names no package has
  std::vector<NameId> m_requested;         // names the command asks for (SolveOptions::requested)
  std::vector<uint32_t> m_order;           // name -> apk-style discovery order (higher first)
  std::vector<uint32_t> m_name_slot;       // name -> index into m_names, k_none if untouched
  std::vector<NameState> m_names;
  std::vector<PkgState> m_pkgs;
  std::vector<Exclusion> m_exclusions;
  std::vector<TrailEntry> m_trail;
  std::vector<QueueEntry> m_queue;  // names that were required or triggered (undone on backtrack)
  std::vector<HeapEntry> m_heap;
  bool m_heap_stale = false;  // set by undo: rebuild from m_queue
  std::vector<PkgId> m_selected;
  std::vector<Frame> m_frames;
  LevelSet m_failure;          // levels behind the latest failure
  std::string m_first_error;   // the first failure, explained while its state was live
  uint64_t m_steps = 0;
  bool m_tags = false;         // the pool has tagged repositories
};

/// apk's discovery order of names reachable from the world (`discover_name`): dependencies
/// before dependents, then install_if. Names not `requested` get bit 31 and names with a real
/// package of that name bit 30, as apk does; compared as int32 (as apk does, so bit 31 sorts
/// last), higher values are decided first.
std::vector<uint32_t> discovery_order(const PoolData& pool, std::span<const Atom> world,
                                      std::span<const NameId> requested);

/// What the search chose, for the changeset walks.
struct InstallSelection {
  struct Source {
    size_t repository = 0;  // where to fetch it from (k_no_repository: installed only)
    uint32_t tag = 0;       // the tag it is installed from (apk's get_tag)
  };
  std::vector<PkgId> packages;                 // every selected package
  std::unordered_map<NameId, PkgId> owner;     // name -> the first package that claimed it
  std::unordered_map<PkgId, Source> source;    // package -> where it comes from
};

/// apk's install order for a fresh root (see Changeset::packages).
Changeset install_order(const PoolData& pool, std::span<const Atom> world,
                        const InstallSelection& selection);

/// apk's changeset for a root with installed packages (solver.c generate_changeset): installed
/// packages nothing needs any more are purged first, then the world is walked as for a fresh
/// root, each name's installed package giving way to (or staying as) the chosen one, removals
/// placed where apk places them; installed names the walk did not reach come last.
Changeset change_order(const PoolData& pool, std::span<const Atom> world,
                       const InstallSelection& selection);

/// Fills `changeset.packages` from `order` and adds the dependency edges between them
/// (`position`: package -> its index in `order`); with `installs`, also one install change per
/// package (a fresh root).
void add_entries(const PoolData& pool, const InstallSelection& selection,
                 std::span<const PkgId> order, const std::unordered_map<PkgId, size_t>& position,
                 Changeset& changeset, bool installs = false);

}  // namespace wisp::pkg::solve::detail
