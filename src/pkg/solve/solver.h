// The APK resolver (apk-format.md §5): chooses the packages a world needs from a PackagePool.
//
// Semantics are apk-tools' `add` (§5.1): highest version wins; a package owns its
// name and every versioned provide, so two packages with one such name never coexist; an
// unversioned provide is chosen only for a package with a provider_priority (highest wins) or
// one that is itself required, else the user must name a provider; `!atom` conflicts; `name@tag`
// unlocks a tagged repository for that package and, by inheritance, for its dependencies;
// install_if packages join when all their conditions hold. Where apk would give up, wisp
// backtracks (with conflict-directed backjumping) to the next candidate.
//
// On a pool built with an installed database (a given root), apk's preferences for installed
// packages apply: an installed package wins over others of its name (or over providers of a
// versioned name) unless the pinning the world asks for prefers another repository, and again
// after provider_priority; it is always allowed whatever its tag. Installed packages the new
// world does not reach are purged. The Changeset then lists apk's changes in apk's order.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "base/result.h"
#include "pkg/apk/dependency.h"
#include "pkg/solve/changeset.h"
#include "pkg/solve/pool.h"

namespace wisp::pkg::solve {

struct SolveOptions {
  /// Work cap (candidate evaluations and selections). Exceeding it fails with
  /// Errc::unsatisfiable ("gave up after N steps") rather than running on.
  uint64_t max_steps = 5'000'000;
  /// Package name -> the only version of that package that may be installed (used by
  /// solve_locked to keep architectures in step). Does not request the package.
  std::map<std::string, std::string> version_pins;
  /// The names this command asks for (apk add's arguments), which apk decides before names only
  /// the rest of the world or a dependency mentions. Unset: every world atom's name (a fresh
  /// root, whose world is the command line).
  std::optional<std::vector<std::string>> requested;
};

/// Resolves `world` against `pool`. Errc::unsatisfiable when no selection satisfies it: the first
/// line names the atom that cannot be met and the chain that required it ("world → a-2 →
/// so:libfoo.so.1"); the following lines list each candidate with the reason it was rejected.
Result<Changeset> solve(const PackagePool& pool, const std::vector<apk::Dependency>& world,
                        const SolveOptions& options = {});

/// Resolves `world` for several architectures (one pool each, keyed by their arch) so that a
/// package present on more than one architecture gets the same version everywhere (apko's
/// lock): solve, pin every package whose versions differ to the highest version every pool that
/// has the package offers, re-solve, until stable. Errc::unsatisfiable for an arch that cannot
/// be solved, or "unable to lock packages to a consistent version: foo (x86_64: 1.2-r0,
/// aarch64: 1.1-r0)" when no common version exists or pinning makes an arch unsolvable.
/// Errc::usage for no pools or two pools of one arch.
Result<std::map<std::string, Changeset>> solve_locked(const std::vector<const PackagePool*>& pools,
                                                      const std::vector<apk::Dependency>& world,
                                                      const SolveOptions& options = {});

}  // namespace wisp::pkg::solve
