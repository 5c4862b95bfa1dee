// Debian versions and relations: the input is split at NUL or newline into versions A, B and C.
// Checks that comparison is a total preorder (reflexive, antisymmetric, transitive on these
// three), that parsed and textual comparison agree for valid versions, that a parsed version
// written back reads the same, and that relations which parse survive str() -> parse unchanged.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "pkg/deb/relation.h"
#include "pkg/deb/version.h"

namespace {

using namespace wisp::pkg::deb;

int sign(int r) { return (r > 0) - (r < 0); }

void check(bool ok) {
  if (!ok) std::abort();
}

std::string_view next_piece(std::string_view& rest) {
  size_t cut = rest.find_first_of(std::string_view("\0\n", 2));
  std::string_view piece = rest.substr(0, cut);
  rest = cut == std::string_view::npos ? std::string_view() : rest.substr(cut + 1);
  return piece;
}

void check_version(std::string_view v) {
  auto parsed = parse_version(v);
  check(parsed.has_value() == version_is_valid(v));
  check(compare_versions(v, v) == 0);
  if (!parsed) return;
  std::string text = parsed->upstream;
  if (parsed->epoch != 0 || text.find(':') != std::string::npos)
    text = std::to_string(parsed->epoch) + ":" + text;
  if (!parsed->revision.empty()) text += "-" + parsed->revision;
  auto again = parse_version(text);
  check(again.has_value());
  check(again->epoch == parsed->epoch && again->upstream == parsed->upstream &&
        again->revision == parsed->revision);
  check(compare_versions(text, v) == 0);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  std::string_view rest = input;
  std::string_view a = next_piece(rest);
  std::string_view b = next_piece(rest);
  std::string_view c = next_piece(rest);

  for (std::string_view v : {a, b, c}) check_version(v);
  int ab = sign(compare_versions(a, b));
  int bc = sign(compare_versions(b, c));
  int ac = sign(compare_versions(a, c));
  check(ab == -sign(compare_versions(b, a)));
  if (ab <= 0 && bc <= 0) check(ac <= 0);
  if (ab >= 0 && bc >= 0) check(ac >= 0);
  if (ab == 0 && bc == 0) check(ac == 0);
  if (auto pa = parse_version(a)) {
    if (auto pb = parse_version(b)) check(sign(compare_versions(*pa, *pb)) == ab);
  }
  check(version_satisfies(a, RelOp::le, b) == (ab <= 0));
  check(version_satisfies(a, RelOp::gt, b) == (ab > 0));
  check(version_satisfies(a, RelOp::eq, b) == (ab == 0));

  for (std::string_view text : {input, a, b}) {
    if (auto clauses = parse_relations(text)) {
      for (const Alternatives& alts : *clauses) {
        check(!alts.empty());
        std::string joined;
        for (const Relation& rel : alts) {
          check(rel.version.empty() == (rel.op == RelOp::any));
          if (!joined.empty()) joined += " | ";
          joined += rel.str();
        }
        auto again = parse_relations(joined);
        check(again.has_value() && again->size() == 1 && again->front() == alts);
      }
    }
    if (auto provides = parse_provides(text)) {
      for (const Relation& rel : *provides) {
        check(rel.op == RelOp::any || rel.op == RelOp::eq);
        auto again = parse_provides(rel.str());
        check(again.has_value() && again->size() == 1 && again->front() == rel);
      }
    }
  }
  return 0;
}
