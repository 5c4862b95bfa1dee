// The Debian resolver on arbitrary Packages text: the first line holds the request (words;
// a word starting with '-' names a package to exclude), the rest is a Packages index for amd64.
// Resolving must never crash or run away, must give the same answer twice, and an answer must
// hold each package once, no excluded one, and something named by every Depends/Pre-Depends
// alternative group (by name or Provides, or excluded). Failures are unsatisfiable or usage
// errors with a message.
#include <cstdint>
#include <cstdlib>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "base/strings.h"
#include "pkg/deb/packages_index.h"
#include "pkg/deb/resolver.h"

namespace {

using namespace wisp;
using namespace wisp::pkg::deb;

void check(bool ok) {
  if (!ok) std::abort();
}

bool named(const Alternatives& clause, const std::set<std::string>& present) {
  for (const Relation& alternative : clause)
    if (present.contains(alternative.name)) return true;
  return false;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  size_t eol = input.find('\n');
  std::string_view first = input.substr(0, eol);
  std::string_view rest = eol == std::string_view::npos ? std::string_view() : input.substr(eol + 1);

  ResolveRequest request;
  for (std::string_view word : split_whitespace(first)) {
    if (word.size() > 1 && word[0] == '-')
      request.exclude.emplace_back(word.substr(1));
    else
      request.packages.emplace_back(word);
  }
  auto entries = parse_packages_index(rest);
  if (!entries) return 0;
  PackagePool pool("amd64");
  for (const PackageEntry& entry : *entries) pool.add(&entry);

  auto result = resolve(pool, request);
  auto again = resolve(pool, request);
  check(result.has_value() == again.has_value());
  if (!result) {
    check(result.error().code == Errc::unsatisfiable || result.error().code == Errc::usage);
    check(!result.error().message.empty());
    check(again.error().message == result.error().message);
    return 0;
  }
  check(result->packages == again->packages && result->notes == again->notes);

  std::set<std::string> names;
  std::set<std::string> present(request.exclude.begin(), request.exclude.end());
  for (const PackageEntry* entry : result->packages) {
    check(entry->architecture == "amd64" || entry->architecture == "all");
    check(names.insert(entry->name).second);
    present.insert(entry->name);
    for (const Relation& provided : entry->provides) present.insert(provided.name);
  }
  for (const std::string& excluded : request.exclude) check(!names.contains(excluded));
  for (const PackageEntry* entry : result->packages) {
    for (const Alternatives& clause : entry->pre_depends) check(clause.empty() || named(clause, present));
    for (const Alternatives& clause : entry->depends) check(clause.empty() || named(clause, present));
  }
  for (const std::string& note : result->notes) check(!note.empty());
  return 0;
}
