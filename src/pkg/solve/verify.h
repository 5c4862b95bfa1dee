// An independent check of a resolver answer, for tests, fuzzing and lockfiles: does a set of
// packages satisfy a world on its own terms?
#pragma once

#include <vector>

#include "base/result.h"
#include "pkg/apk/dependency.h"
#include "pkg/solve/changeset.h"
#include "pkg/solve/pool.h"

namespace wisp::pkg::solve {

/// Checks, without the resolver's own state, that `changeset` (packages of `pool`) is
/// installable and satisfies `world`: every package is available for the pool's architecture,
/// listed once, and comes from a repository that lists it (an installed package may instead be
/// kept with k_no_repository); no two packages claim one name unless both provide it without a version;
/// every world atom and every D: atom of every package is met by an installed package (an
/// unversioned provide meets only atoms without a version); no conflict atom matches an
/// installed package other than its owner; install_if packages nothing requires have their
/// condition met. (Whether a virtual's provider was a legitimate automatic choice is the
/// resolver's business: apk itself keeps whichever provider its install walk reaches first.)
/// Errc::unsatisfiable naming the first violation.
Status verify_changeset(const PackagePool& pool, const std::vector<apk::Dependency>& world,
                        const Changeset& changeset);

}  // namespace wisp::pkg::solve
