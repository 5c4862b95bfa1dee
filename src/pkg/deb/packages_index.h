// Binary package stanzas of a Debian `Packages` index (or a .deb's control member), with the
// fields the resolver and the installer need already parsed.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "pkg/deb/control.h"
#include "pkg/deb/relation.h"

namespace wisp::pkg::deb {

enum class MultiArch { no, same, foreign, allowed };

struct PackageEntry {
  std::string name;
  std::string version;
  std::string architecture;  // "amd64", "arm64", "all"
  MultiArch multi_arch = MultiArch::no;
  bool essential = false;
  std::string priority;  // "required", "important", "standard", "optional", "extra", or ""
  std::string source;    // the Source field's package name ("" when it equals name)
  std::string source_version;  // from "Source: name (version)", else ""
  std::vector<Alternatives> depends;
  std::vector<Alternatives> pre_depends;
  std::vector<Alternatives> conflicts;
  std::vector<Alternatives> breaks;
  std::vector<Alternatives> replaces;
  std::vector<Relation> provides;
  std::string filename;  // pool path relative to the repository root (Packages only)
  uint64_t size = 0;     // of the .deb (Packages only)
  std::string sha256;    // lowercase hex of the .deb (Packages only; "" when absent)
  uint64_t installed_size_kib = 0;
  Paragraph paragraph;  // every field as read
};

/// Reads one stanza. `require_file_fields`: Filename, Size and SHA256 must be present (Packages
/// indexes; not for a .deb's own control). Errc::bad_format naming the package and field.
Result<PackageEntry> package_from_paragraph(Paragraph paragraph, bool require_file_fields);

/// Every stanza of a Packages file. Errors name the stanza's package and the field.
Result<std::vector<PackageEntry>> parse_packages_index(std::string_view text);

}  // namespace wisp::pkg::deb
