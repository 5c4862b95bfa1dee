// Debian package relationships (Depends, Pre-Depends, Conflicts, Breaks, Replaces, Provides):
// "a (>= 1.0) | b:any, c [amd64] <!nocheck>" (debian-and-runtime.md §2).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace wisp::pkg::deb {

/// `<<` lt, `<=` le (also the obsolete `<`), `=` eq, `>=` ge (also `>`), `>>` gt.
enum class RelOp { any, lt, le, eq, ge, gt };

std::string_view relop_symbol(RelOp op);  // "", "<<", "<=", "=", ">=", ">>"

struct Relation {
  std::string name;
  std::string arch_qualifier;  // after ':' ("any", "native", "amd64"); "" when none
  RelOp op = RelOp::any;
  std::string version;  // when op != any

  /// "name:any (>= 1.0)"
  std::string str() const;
  bool operator==(const Relation&) const = default;
};

/// One comma-separated clause: alternatives in order ("a | b").
using Alternatives = std::vector<Relation>;

/// Parses a relationship field. Architecture restrictions ("[amd64 !arm64]") and build profiles
/// ("<!nocheck>") are accepted and dropped (they only occur in source packages). Empty clauses
/// from a trailing comma are skipped. Errc::bad_format naming the clause for anything else.
Result<std::vector<Alternatives>> parse_relations(std::string_view field);

/// Provides: a plain list (no alternatives); only `=` versions are allowed there.
Result<std::vector<Relation>> parse_provides(std::string_view field);

/// Whether a package version `have` satisfies `op want`.
bool version_satisfies(std::string_view have, RelOp op, std::string_view want);

}  // namespace wisp::pkg::deb
