// deb822 control paragraphs: .deb `control` members, Packages indexes, Release files and
// /var/lib/dpkg/status.d entries. "Field: value" lines; continuation lines start with a space
// or tab; paragraphs are separated by blank lines; lines starting with '#' are comments
// (only outside values, as dpkg reads them).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace wisp::pkg::deb {

struct Field {
  std::string name;   // as written
  std::string value;  // first line trimmed; continuation lines appended after '\n' verbatim
                      // (leading space kept, trailing blanks stripped)
};

struct Paragraph {
  std::vector<Field> fields;  // in file order

  /// The value of `name` (compared case-insensitively), or null.
  const std::string* find(std::string_view name) const;
  /// The value or "".
  std::string get(std::string_view name) const;
};

/// Every paragraph of `text`. Errc::bad_format ("line N: ...") for a line that is neither a
/// field, a continuation nor blank, a continuation before any field, a duplicated field in one
/// paragraph, or an empty field name; Errc::too_large past `max_paragraphs`.
Result<std::vector<Paragraph>> parse_paragraphs(std::string_view text, size_t max_paragraphs = 1'000'000);

/// Exactly one paragraph (a .deb control member). Errc::bad_format otherwise.
Result<Paragraph> parse_paragraph(std::string_view text);

/// The paragraph as dpkg writes it: "Name: value\n" per field, continuation lines as stored.
std::string format_paragraph(const Paragraph& paragraph);

}  // namespace wisp::pkg::deb
