// Package licences as SPDX licence expressions (SPDX 2.3 Annex D), from what package databases
// say: apk's `L:` ("GPL-2.0-only AND MIT", "MIT BSD-2-Clause", "custom") and Debian's fields.
//
// The grammar: expr = and-expr *("OR" and-expr); and-expr = with-expr *("AND" with-expr);
// with-expr = simple ["WITH" exception]; simple = "(" expr ")" | license-id ["+"] |
// "LicenseRef-" idstring | "DocumentRef-" idstring ":LicenseRef-" idstring. Operators may be
// written in lower case; ids match the SPDX License List case-insensitively.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace wisp::sbom {

/// A LicenseRef the normaliser made up for text that is not on the SPDX list; SPDX documents
/// must define it (hasExtractedLicensingInfos) with the original text.
struct LicenseRef {
  std::string id;    // "LicenseRef-custom"
  std::string text;  // "custom"
  bool operator==(const LicenseRef&) const = default;
};

struct NormalizedLicense {
  /// A valid SPDX expression, or "NOASSERTION" (nothing said), or "NONE".
  std::string expression;
  std::vector<LicenseRef> refs;  // the LicenseRefs `expression` uses that wisp made up
  /// True when `expression` is the input respelled (canonical case, operators upper case)
  /// without made-up LicenseRefs.
  bool on_list = false;
};

/// Turns package-database licence text into an SPDX expression:
///  - empty, "NOASSERTION", "unknown" -> NOASSERTION; "NONE" -> NONE;
///  - a valid expression -> itself with ids in the list's case and operators upper case;
///  - ids the list does not know, inside a well-formed expression -> LicenseRef-<id>
///    ("GPL-2.0-or-later AND custom" -> "GPL-2.0-or-later AND LicenseRef-custom");
///  - known ids separated by spaces only (old Alpine "MIT BSD-2-Clause") -> joined with AND;
///  - anything else (free text) -> one LicenseRef for the whole text ("Public Domain" ->
///    "LicenseRef-Public-Domain").
/// Deterministic; never fails.
NormalizedLicense normalize_license(std::string_view text);

/// True if `expression` is a valid SPDX expression whose ids are all on the list (or are
/// LicenseRef-/DocumentRef- references), exactly as written (operators upper case).
bool is_valid_license_expression(std::string_view expression);

/// "LicenseRef-" + `text` with every character outside [A-Za-z0-9.-] replaced: '+' by "-plus",
/// runs of others by one '-'. Empty text gives "LicenseRef-unknown".
std::string make_license_ref(std::string_view text);

/// The list's spelling of a licence id ("mit" -> "MIT"), or "" if it is not on the list.
std::string_view canonical_license_id(std::string_view id);
std::string_view canonical_exception_id(std::string_view id);

}  // namespace wisp::sbom
