// The resolver's answer: the packages to install, in install order, and how they depend on each
// other.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
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

enum class ChangeKind : uint8_t {
  install,    // new in the root
  upgrade,    // replaces the installed package of its name with a higher version
  downgrade,  // ... with a lower version
  replace,    // ... with another package of the same version (a rebuild)
  repin,      // the installed package stays, now from another repository tag
  keep,       // the installed package stays as it is
  purge,      // the installed package is removed
};

/// One step of apk's changeset. Views point into the pool the changeset was solved from.
struct Change {
  ChangeKind kind = ChangeKind::install;
  const apk::PackageInfo* old_package = nullptr;  // installed before (null for install)
  const apk::PackageInfo* new_package = nullptr;  // installed after (null for purge)
  std::string_view old_tag;  // tag old_package was installed from, without '@' ("": none)
  std::string_view new_tag;  // tag new_package is installed from, without '@' ("": none)
};

struct Changeset {
  /// What the root holds afterwards, in apk's order. For a fresh root this is the install
  /// order: world atoms sorted by name, each package after the packages its dependencies chose
  /// (depth first, in D: order), install_if packages right after the package that completes
  /// their condition. (Like apk, a package the resolver chose for a name that another package
  /// ended up providing is left out when nothing needs it.) For a given root, kept packages
  /// appear where apk's walk meets them.
  std::vector<ChangesetEntry> packages;
  /// Dependency edges between entries (indexes into `packages`), in entry then D: order.
  std::vector<ChangesetEdge> dependencies;
  /// apk's changes in apk's order: for a fresh root one install per package; for a given root
  /// purges where apk runs them, and a keep for every installed package that stays unchanged.
  std::vector<Change> changes;
};

/// One `name=version` line per package, in install order.
std::string format_changeset(const Changeset& changeset);

/// The changes as apk prints them, one line each, keeps left out: "(1/3) Installing a (2)",
/// "(2/3) Upgrading d (1.0 -> 1.5)", "(3/3) Updating pinning c@testing (3)", ... The counter is
/// padded to the width of the total, as apk pads it. Empty when nothing changes.
std::string format_changes(const Changeset& changeset);

/// A JSON array (2-space indent) of {name, version, arch, repository, checksum} in install order;
/// `repository` is the configured name of the repository the package comes from.
std::string format_changeset_json(const Changeset& changeset,
                                  std::span<const Repository> repositories);

/// A Graphviz digraph: one node per package ("name-version"), one edge per dependency, labelled
/// with the atom when it is not simply the target's name.
std::string format_changeset_dot(const Changeset& changeset);

}  // namespace wisp::pkg::solve
