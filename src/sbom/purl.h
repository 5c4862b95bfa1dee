// Package URLs (package-url/purl-spec: docs/standard/specification.md, characters-and-encoding.md,
// types apk, deb, oci): pkg:type/namespace/name@version?qualifiers#subpath.
//
// Canonical form: type and qualifier keys lower case, qualifiers sorted by key, empty values
// dropped; every component percent-encoded except A-Z a-z 0-9 . - _ ~ and ':' (which the spec
// says must not be encoded); namespace segments encoded one by one.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace wisp::sbom {

struct Purl {
  std::string type;                   // "apk"
  std::vector<std::string> namespace_;  // segments, decoded: {"wolfi"}
  std::string name;
  std::string version;                // empty: none
  std::map<std::string, std::string> qualifiers;  // sorted by key
  std::string subpath;

  bool operator==(const Purl&) const = default;
};

/// The canonical string.
std::string to_string(const Purl& purl);

/// Parses a purl (for tests and round trips). Errc::bad_format for a missing "pkg:" scheme,
/// type or name, or a bad percent escape.
Result<Purl> parse_purl(std::string_view text);

/// Percent-encodes `text` as a purl component (what to_string does to each part).
std::string purl_encode(std::string_view text);

}  // namespace wisp::sbom
