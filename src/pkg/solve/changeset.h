// The resolver's answer: the packages to install, in install order, and how they depend on each
// other.
#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <vector>

#include "pkg/apk/package_info.h"
#include "pkg/solve/repository.h"

namespace wisp::pkg::solve {

struct ChangesetEntry {
  const apk::PackageInfo* package = nullptr;
  size_t repository = 0;  // index into the pool's repositories: where to fetch it from
};

/// `from` depends on `to` through `atom` (the D: atom as written in the index).
struct ChangesetEdge {
  size_t from = 0;
  size_t to = 0;
  std::string atom;
};

struct Changeset {
  /// Install order, as apk orders a fresh install: world atoms sorted by name, each package after
  /// the packages its dependencies chose (depth first, in D: order), install_if packages right
  /// after the package that completes their condition. (Like apk, a package the resolver chose
  /// for a name that another package ended up providing is left out when nothing needs it.)
  std::vector<ChangesetEntry> packages;
  /// Dependency edges between entries (indexes into `packages`), in entry then D: order.
  std::vector<ChangesetEdge> dependencies;
};

/// One `name=version` line per package, in install order.
std::string format_changeset(const Changeset& changeset);

/// A JSON array (2-space indent) of {name, version, arch, repository, checksum} in install order;
/// `repository` is the configured name of the repository the package comes from.
std::string format_changeset_json(const Changeset& changeset,
                                  std::span<const Repository> repositories);

/// A Graphviz digraph: one node per package ("name-version"), one edge per dependency, labelled
/// with the atom when it is not simply the target's name.
std::string format_changeset_dot(const Changeset& changeset);

}  // namespace wisp::pkg::solve
