#include "pkg/solve/solver.h"

#include "pkg/solve/search.h"

namespace wisp::pkg::solve {

Result<Changeset> solve(const PackagePool& pool, const std::vector<apk::Dependency>& world,
                        const SolveOptions& options) {
  detail::Search search(pool.data(), world, options);
  return search.run();
}

}  // namespace wisp::pkg::solve
