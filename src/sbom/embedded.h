// SPDX documents that packages carry about themselves: melange puts one in every .apk at
// /var/lib/db/sbom/<name>-<version>.spdx.json, describing the package, its recipe (an INSTALL
// package with a pkg:github purl), its upstream sources (SOURCE packages) and vendored modules.
// wisp's SBOMs list every package from the package database themselves; from these documents
// they take only what the database cannot say (apko-melange.md §5).
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "sbom/contents.h"

namespace wisp::sbom {

/// Where a package's own SPDX document may be, in the order apko looks:
/// var/lib/db/sbom/<name>-<version>.spdx.json, then without the "-rN" release, then <name>.spdx.json.
std::vector<std::string> embedded_sbom_paths(const Package& package);

struct ExternalRef {
  std::string category;  // SPDX 2.3 spelling: "PACKAGE-MANAGER", "SECURITY", ...
  std::string type;      // "purl", "cpe23Type"
  std::string locator;
};

/// A package the embedded document adds (never the described package itself).
struct EmbeddedPackage {
  std::string spdx_id;   // valid SPDXRef-..., as in the document (respelled if it was not valid)
  std::string name;
  std::string version;
  std::string purpose;   // valid SPDX 2.3 primaryPackagePurpose, or ""
  std::string download_location;  // "NOASSERTION" when absent
  std::string license_declared;   // raw, normalised by the writers; "" when absent
  std::string supplier;           // "Organization: X" / "Person: Y" / "" when absent
  std::string originator;
  std::string description;
  std::string homepage;
  std::string copyright;
  std::vector<std::pair<std::string, std::string>> checksums;  // SPDX algorithm, lowercase hex
  std::vector<ExternalRef> refs;
};

/// A relationship between the described package ("" stands for it) and added packages.
struct EmbeddedRelationship {
  std::string from;
  std::string type;
  std::string to;
  bool operator==(const EmbeddedRelationship&) const = default;
  auto operator<=>(const EmbeddedRelationship&) const = default;
};

struct EmbeddedSbom {
  std::vector<EmbeddedPackage> packages;
  std::vector<EmbeddedRelationship> relationships;
  std::map<std::string, std::string> license_texts;  // LicenseRef id -> extracted text
};

/// Reads the document embedded by the package `owner`: starts at the packages it describes
/// (documentDescribes or DESCRIBES; the one named `owner` when there are several), follows
/// relationships from them to other packages (files are skipped), and returns what it found
/// besides the described package. Known spelling slips are fixed (PACKAGE_MANAGER,
/// OPERATING-SYSTEM) and purls are rewritten in canonical form (unparsable ones dropped).
/// Errc::bad_format for text that is not an SPDX JSON document.
Result<EmbeddedSbom> parse_embedded_sbom(std::string_view json, std::string_view owner);

/// A valid SPDX id from any string: "SPDXRef-" + `text` with ':' and '/' as '-' and other
/// characters outside [A-Za-z0-9.-] as "C<code>" (apko's rule), e.g. "Package-apk-libstdcC43C43-13-r0".
std::string spdx_id(std::string_view text);

}  // namespace wisp::sbom
