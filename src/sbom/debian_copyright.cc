#include "sbom/debian_copyright.h"

#include <algorithm>
#include <array>
#include <set>
#include <utility>
#include <vector>

#include "base/strings.h"

namespace wisp::sbom {
namespace {

/// Characters an SPDX idstring allows ('+' is kept for the "or later" suffix Debian uses).
std::string sanitize(std::string_view word) {
  std::string out;
  for (char c : word) {
    bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' ||
              c == '-' || c == '+';
    out.push_back(ok ? c : '-');
  }
  while (!out.empty() && out.back() == '-') out.pop_back();
  while (!out.empty() && out.front() == '-') out.erase(out.begin());
  return out;
}

/// Debian's short names (copyright-format 1.0, "License short name") where SPDX spells them
/// differently; the rest match the SPDX list case-insensitively already (BSD-3-clause, Zlib...).
std::string spdx_id(const std::string& name) {
  static constexpr std::array<std::pair<std::string_view, std::string_view>, 4> k_renamed{{
      {"expat", "MIT"}, {"apache-2", "Apache-2.0"}, {"artistic", "Artistic-1.0"}, {"mpl-2", "MPL-2.0"}}};
  std::string lower = ascii_lower(name);
  for (const auto& [debian, spdx] : k_renamed)
    if (lower == debian) return std::string(spdx);
  // The versioned GNU licences: GPL-2 is "only", GPL-2+ "or later"; versions gain ".0".
  for (std::string_view family : {"agpl", "lgpl", "gpl", "gfdl"}) {
    std::string prefix = std::string(family) + "-";
    if (!lower.starts_with(prefix)) continue;
    std::string version = name.substr(prefix.size());
    bool later = version.ends_with('+');
    if (later) version.pop_back();
    if (version.empty() || version.find_first_not_of("0123456789.") != std::string::npos) return name;
    if (version.find('.') == std::string::npos) version += ".0";
    std::string upper(family);
    for (char& c : upper) c = static_cast<char>(c - 'a' + 'A');
    return upper + "-" + version + (later ? "-or-later" : "-only");
  }
  return name;
}

/// One License: short line as an SPDX-shaped clause.
std::string clause(std::string_view text) {
  std::vector<std::string_view> words = split_whitespace(text);
  for (std::string_view w : words)
    if (ascii_lower(w) == "with") return sanitize(join(std::vector<std::string>(words.begin(), words.end()), "-"));
  std::vector<std::string> out;
  bool want_id = true;
  for (std::string_view raw : words) {
    std::string lower = ascii_lower(raw);
    if (lower == "or" || lower == "and") {
      if (want_id) return sanitize(join(std::vector<std::string>(words.begin(), words.end()), "-"));
      out.push_back(lower == "or" ? "OR" : "AND");
      want_id = true;
      continue;
    }
    std::string id = sanitize(raw);
    if (id.empty()) continue;
    if (!want_id) return sanitize(join(std::vector<std::string>(words.begin(), words.end()), "-"));
    out.push_back(spdx_id(id));
    want_id = false;
  }
  if (out.empty() || want_id) return "";
  return join(out, " ");
}

}  // namespace

std::string debian_copyright_license(std::string_view copyright) {
  std::string_view first = copyright.substr(0, copyright.find('\n'));
  if (!ascii_lower(first).starts_with("format:")) return "";
  std::set<std::string> clauses;
  for (std::string_view line : split(copyright, '\n')) {
    if (!ascii_lower(line.substr(0, 8)).starts_with("license:")) continue;
    std::string c = clause(trim(line.substr(8)));
    if (!c.empty()) clauses.insert(std::move(c));
  }
  std::vector<std::string> parts;
  for (const std::string& c : clauses)
    parts.push_back(c.find(' ') == std::string::npos || clauses.size() == 1 ? c : "(" + c + ")");
  return join(parts, " AND ");
}

}  // namespace wisp::sbom
