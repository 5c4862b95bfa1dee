// The resolver on arbitrary indexes: the first line of the input is the world (atoms that do
// not parse are skipped), the rest is APKINDEX text; a line "--" starts a second repository,
// tagged @t. Solving must never crash or run away (max_steps caps the work); an answer must pass
// the independent verifier, and a failure must be Errc::unsatisfiable with a message.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "base/strings.h"
#include "pkg/apk/dependency.h"
#include "pkg/apk/index.h"
#include "pkg/solve/solver.h"
#include "pkg/solve/verify.h"

namespace {

using namespace wisp;
using namespace wisp::pkg;

void check(bool ok) {
  if (!ok) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  size_t eol = input.find('\n');
  std::string_view first = input.substr(0, eol);
  std::string_view rest = eol == std::string_view::npos ? std::string_view() : input.substr(eol + 1);

  std::vector<apk::Dependency> world;
  for (std::string_view word : split_whitespace(first))
    if (auto dep = apk::parse_dependency(word)) world.push_back(*dep);

  std::vector<solve::Repository> repos;
  size_t cut = rest.find("\n--\n");
  std::string_view texts[2] = {rest.substr(0, cut),
                               cut == std::string_view::npos ? std::string_view() : rest.substr(cut + 4)};
  for (int i = 0; i < 2; ++i) {
    auto packages = apk::parse_index_text(texts[i]);
    if (!packages) return 0;
    repos.push_back(solve::Repository{.name = i ? "second" : "first",
                                      .tag = i ? "@t" : "",
                                      .packages = std::move(*packages)});
  }

  solve::SolveOptions options;
  options.max_steps = 20'000;
  auto pool = solve::PackagePool::build(repos, "x86_64");
  check(pool.has_value());
  auto result = solve::solve(*pool, world, options);
  if (result) {
    auto valid = solve::verify_changeset(*pool, world, *result);
    check(valid.has_value());
    (void)solve::format_changeset(*result);
    (void)solve::format_changeset_json(*result, pool->repositories());
    (void)solve::format_changeset_dot(*result);
    for (const solve::ChangesetEdge& edge : result->dependencies)
      check(edge.from < result->packages.size() && edge.to < result->packages.size());
  } else {
    check(result.error().code == Errc::unsatisfiable);
    check(!result.error().message.empty());
  }

  // The same index for a second architecture, locked together.
  auto other = solve::PackagePool::build(std::move(repos), "aarch64");
  check(other.has_value());
  auto locked = solve::solve_locked({&*pool, &*other}, world, options);
  if (!locked) check(locked.error().code == Errc::unsatisfiable);
  return 0;
}
