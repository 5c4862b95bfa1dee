// The resolver on arbitrary indexes: the first line of the input is the world (atoms that do
// not parse are skipped; atoms after a word "|" are the ones the command asks for, apk add's
// arguments), the rest is APKINDEX text; a line "--" starts a second repository, tagged @t, and
// a line "==" an installed database (the root to change, `s:` tags included). Solving must
// never crash or run away (max_steps caps the work); an answer must pass the independent
// verifier and list every installed package once as changed, kept or purged; a failure must be
// Errc::unsatisfiable with a message.
#include <cstdint>
#include <cstdlib>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "base/strings.h"
#include "pkg/apk/dependency.h"
#include "pkg/apk/index.h"
#include "pkg/solve/installed.h"
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
  std::optional<std::vector<std::string>> requested;
  for (std::string_view word : split_whitespace(first)) {
    if (word == "|") {
      requested.emplace();
      continue;
    }
    auto dep = apk::parse_dependency(word);
    if (!dep) continue;
    if (requested) requested->push_back(dep->name);
    world.push_back(*dep);
  }

  std::vector<solve::InstalledPackage> installed;
  if (size_t cut = rest.find("\n==\n"); cut != std::string_view::npos) {
    auto parsed = solve::parse_installed_db(rest.substr(cut + 4));
    if (!parsed) {
      check(parsed.error().code == Errc::bad_format);
      return 0;
    }
    installed = std::move(*parsed);
    rest = rest.substr(0, cut);
  }

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
  options.requested = requested;
  auto pool = solve::PackagePool::build(repos, "x86_64", installed);
  if (!pool) {
    check(pool.error().code == Errc::usage);  // more tags than a pool can hold
    return 0;
  }
  auto result = solve::solve(*pool, world, options);
  if (result) {
    auto valid = solve::verify_changeset(*pool, world, *result);
    check(valid.has_value());
    (void)solve::format_changeset(*result);
    (void)solve::format_changeset_json(*result, pool->repositories());
    (void)solve::format_changeset_dot(*result);
    (void)solve::format_changes(*result);
    for (const solve::ChangesetEdge& edge : result->dependencies)
      check(edge.from < result->packages.size() && edge.to < result->packages.size());
    // The packages afterwards are the changes' new packages, in order.
    size_t next = 0;
    for (const solve::Change& change : result->changes) {
      check((change.old_package != nullptr) == (change.kind != solve::ChangeKind::install));
      check((change.new_package != nullptr) == (change.kind != solve::ChangeKind::purge));
      if (!change.new_package) continue;
      check(next < result->packages.size() && result->packages[next++].package == change.new_package);
    }
    check(next == result->packages.size());
    // Every installed package is accounted for once (when no two share a name).
    std::map<std::string, int> names;
    for (uint32_t id = 0; id < pool->size() && pool->installed(id); ++id) ++names[pool->package(id).name];
    bool distinct = true;
    for (const auto& [name, count] : names) distinct &= count == 1;
    if (distinct) {
      for (uint32_t id = 0; id < pool->size() && pool->installed(id); ++id) {
        int seen = 0;
        for (const solve::Change& change : result->changes) seen += change.old_package == &pool->package(id);
        check(seen == 1);
      }
    }
  } else {
    check(result.error().code == Errc::unsatisfiable);
    check(!result.error().message.empty());
  }

  // The same index for a second architecture, locked together.
  auto other = solve::PackagePool::build(std::move(repos), "aarch64", std::move(installed));
  check(other.has_value());
  auto locked = solve::solve_locked({&*pool, &*other}, world, options);
  if (!locked) check(locked.error().code == Errc::unsatisfiable);
  return 0;
}
