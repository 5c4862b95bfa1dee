// apk versions and dependency atoms: the input is split at the first NUL or newline into two
// versions A and B. Checks that comparison is a consistent order (antisymmetric, reflexive for
// valid versions) and that every atom that parses survives format -> parse unchanged.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "pkg/apk/dependency.h"
#include "pkg/apk/version.h"

namespace {

using namespace wisp::pkg::apk;

int sign(int r) { return (r > 0) - (r < 0); }

void check(bool ok) {
  if (!ok) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  size_t cut = input.find_first_of(std::string_view("\0\n", 2));
  std::string_view a = input.substr(0, cut);
  std::string_view b = cut == std::string_view::npos ? std::string_view() : input.substr(cut + 1);

  bool a_valid = version_is_valid(a);
  bool b_valid = version_is_valid(b);
  int ab = compare_versions(a, b);
  int ba = compare_versions(b, a);
  check(sign(ab) == -sign(ba));
  if (a_valid) check(compare_versions(a, a) == 0);
  if (b_valid) check(compare_versions_fuzzy(b, b) == 0);
  // Equal versions are prefixes of each other.
  if (ab == 0) check(compare_versions_fuzzy(a, b) == 0);
  (void)compare_versions_fuzzy(b, a);
  (void)order_versions(a, b);
  (void)version_matches(a, Op::less | Op::equal | Op::fuzzy, b);

  for (std::string_view text : {input, a, b}) {
    if (auto dep = parse_dependency(text)) {
      check(dep->version.empty() == (dep->op == Op::any));
      auto again = parse_dependency(format_dependency(*dep));
      check(again.has_value() && *again == *dep);
      (void)dep->satisfied_by(a, b);
    }
    if (auto provide = parse_provide(text)) {
      auto again = parse_provide(format_provide(*provide));
      check(again.has_value() && *again == *provide);
    }
    if (auto deps = parse_dependencies(text)) {
      for (const Dependency& dep : *deps) check(parse_dependency(format_dependency(dep)).has_value());
    }
  }
  return 0;
}
