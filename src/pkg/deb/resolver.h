// Resolving what to install from Debian repositories, as `apt-get install --no-install-recommends`
// does into an empty system (debian-and-runtime.md §2): Depends and Pre-Depends are followed,
// Recommends/Suggests are not, and Essential packages are never added implicitly.
//
// Per requested package, the candidate is its highest version for the arch (or "all"). Each
// dependency clause is satisfied, in order, by a package already chosen when one matches any
// alternative; otherwise by the first alternative that can be installed (a real package's
// candidate, else a provider of the virtual name). `exclude` names packages the image does not
// want: a clause they would satisfy counts as satisfied, they are not installed and their own
// dependencies are not followed; each use is reported as a note.
//
// How the apt facts (apt 2.6 pkgDepCache::MarkInstall, apt-get's TryToInstall) map onto this:
// - every requested package is marked first, then each one's dependencies are walked in request
//   order, depth first, Pre-Depends before Depends, clauses in field order;
// - a clause already met by a marked (or excluded) package is skipped; else its possible
//   solutions are tried in order: per alternative, the candidates that satisfy it, sorted as
//   apt's CompareProviders does: the real package of that name, then Essential, then
//   Important/Protected, then Priority (none < required < important < standard < optional <
//   extra/unknown), then the package apt's cache numbered later: apt numbers a name when an
//   index first mentions it (as a package, a relation target or a provided name), which wisp
//   replays over PackagePool::entries() in the order they were added;
// - a solution whose own dependencies fail is dropped for the rest of the run (apt discards its
//   candidate) and the next one is tried; what it already pulled in stays, as in apt;
// - `name:any` is met only by a Multi-Arch: allowed package of that name or a Multi-Arch: allowed
//   provider (apt's implicit "name:any" provides; dpkg's deparchsatisfied agrees);
//   `name:native` and `name:<pool arch>` act like `name`; another arch is never met;
// - excluded packages behave as if installed at their candidate version (what apt does with
//   them in the dpkg status file): they satisfy what their version or Provides satisfy;
// - a solution whose Conflicts/Breaks hit marked packages unmarks them, as apt's MarkKeep does,
//   unless one is protected (requested, the only solution of a protected package's dependency,
//   or being walked): then the next solution is tried. A solution that a marked package
//   conflicts with is skipped (apt would leave that to its problem resolver, not modelled);
//   Conflicts/Breaks or dependencies left broken at the end are an error.
// - the pool should be filled as apt reads its indexes (sources order, each file in order):
//   apt's last tie-break between equal providers depends on it.
// Checked against apt 2.6 `apt-get -s install` on bookworm's amd64 indexes (main, updates,
// security) for 333 requests, single packages and sets: identical package sets.
#pragma once

#include <cstddef>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "pkg/deb/packages_index.h"

namespace wisp::pkg::deb {

/// The packages available for one architecture (that arch's and "all").
class PackagePool {
 public:
  explicit PackagePool(std::string arch) : m_arch(std::move(arch)) {}
  /// Entries of other architectures are ignored. The pool keeps the pointer.
  void add(const PackageEntry* entry);

  const std::string& arch() const { return m_arch; }
  /// Real packages called `name`, highest version first.
  const std::vector<const PackageEntry*>& versions(std::string_view name) const;
  /// Packages providing `name`, with the version they provide it at ("" unversioned).
  struct Provider {
    const PackageEntry* entry;
    std::string version;
  };
  const std::vector<Provider>& providers(std::string_view name) const;
  /// Every entry kept, in the order added (apt numbers packages in index order; see resolve()).
  const std::vector<const PackageEntry*>& entries() const { return m_entries; }

 private:
  std::string m_arch;
  std::vector<const PackageEntry*> m_entries;
  std::map<std::string, std::vector<const PackageEntry*>, std::less<>> m_versions;
  std::map<std::string, std::vector<Provider>, std::less<>> m_providers;
};

struct ResolveRequest {
  /// "name", "name=version" (apt's pin) or "name (>= version)" style relations.
  std::vector<std::string> packages;
  std::vector<std::string> exclude;
};

struct Resolved {
  /// Dependencies before their dependents (Pre-Depends and Depends), ties by name; the order
  /// is a function of the pool and request only.
  std::vector<const PackageEntry*> packages;
  /// "excluded debconf (wanted by tzdata: debconf (>= 0.5) | debconf-2.0)", ...
  std::vector<std::string> notes;
};

/// Errc::unsatisfiable for a dependency nothing installable meets, a missing package, or a
/// Conflicts/Breaks between two chosen packages (both named, each with the chain that pulled it
/// in). The first line stands alone, the next names the chain:
///   unable to satisfy nginx-light: depends on libc6 (>= 2.38), but only 2.36-9 is available for arm64
///     nginx-light -> libc6 (>= 2.38)
/// Errc::usage for a request that does not parse, names a package twice at different versions,
/// or excludes a requested package. A virtual name requested alone selects its only provider
/// (a note says so); several providers are an error, as in apt.
Result<Resolved> resolve(const PackagePool& pool, const ResolveRequest& request);

}  // namespace wisp::pkg::deb
