#include "pkg/deb/packages_index.h"

#include <fmt/format.h>

#include "base/strings.h"
#include "pkg/deb/version.h"

namespace wisp::pkg::deb {
namespace {

bool is_alnum(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

// dpkg's pkg_name_is_illegal: alphanumeric first, then alphanumerics and "-+._".
bool is_package_name(std::string_view name) {
  if (name.empty() || !is_alnum(name.front())) return false;
  for (char c : name) {
    if (!is_alnum(c) && c != '-' && c != '+' && c != '.' && c != '_') return false;
  }
  return true;
}

bool is_architecture(std::string_view arch) {
  if (arch.empty()) return false;
  for (char c : arch) {
    if (!is_alnum(c) && c != '-') return false;
  }
  return true;
}

Result<MultiArch> parse_multi_arch(std::string_view value) {
  if (value == "no") return MultiArch::no;
  if (value == "same") return MultiArch::same;
  if (value == "foreign") return MultiArch::foreign;
  if (value == "allowed") return MultiArch::allowed;
  return fail(Errc::bad_format, "expected no, same, foreign or allowed, got '{}'", value);
}

Result<bool> parse_yes_no(std::string_view value) {
  if (value == "yes") return true;
  if (value == "no") return false;
  return fail(Errc::bad_format, "expected yes or no, got '{}'", value);
}

Result<uint64_t> parse_number(std::string_view value) {
  auto n = parse_u64(value);
  if (!n) return fail(Errc::bad_format, "expected a number, got '{}'", value);
  return *n;
}

Result<std::string> parse_sha256(std::string_view value) {
  std::string hex;
  for (char c : value) {
    if (c >= 'A' && c <= 'F') c = static_cast<char>(c - 'A' + 'a');
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
      hex.clear();
      break;
    }
    hex += c;
  }
  if (hex.size() != 64) return fail(Errc::bad_format, "expected 64 hex digits, got '{}'", value);
  return hex;
}

struct SourceField {
  std::string name;
  std::string version;
};

// "name" or "name (version)".
Result<SourceField> parse_source(std::string_view value) {
  SourceField out;
  size_t paren = value.find('(');
  std::string_view name = trim(value.substr(0, paren));
  if (!is_package_name(name)) return fail(Errc::bad_format, "bad source package name in '{}'", value);
  out.name = std::string(name);
  if (paren == std::string_view::npos) return out;
  std::string_view rest = trim(value.substr(paren + 1));
  if (!rest.ends_with(')')) return fail(Errc::bad_format, "missing ')' in '{}'", value);
  std::string_view version = trim(rest.substr(0, rest.size() - 1));
  if (!version_is_valid(version)) return fail(Errc::bad_format, "bad source version in '{}'", value);
  out.version = std::string(version);
  return out;
}

// Reads `field` of `paragraph` with `parse` into `out` when present (or fails when required).
template <typename T, typename Parse>
Status read_field(const Paragraph& paragraph, std::string_view package, std::string_view field,
                  bool required, Parse parse, T& out) {
  const std::string* value = paragraph.find(field);
  if (!value) {
    if (required) return fail(Errc::bad_format, "package {}: missing field {}", package, field);
    return {};
  }
  auto parsed = parse(std::string_view(*value));
  if (!parsed)
    return std::unexpected(parsed.error().wrap(fmt::format("package {}: field {}", package, field)));
  out = std::move(*parsed);
  return {};
}

Result<std::string> any_text(std::string_view value) { return std::string(value); }

Result<std::string> single_line(std::string_view value) {
  if (value.empty()) return fail(Errc::bad_format, "empty value");
  if (value.find('\n') != std::string_view::npos) return fail(Errc::bad_format, "value spans lines");
  return std::string(value);
}

Result<std::string> checked_version(std::string_view value) {
  TRY(parse_version(value));
  return std::string(value);
}

Result<std::string> checked_architecture(std::string_view value) {
  if (!is_architecture(value)) return fail(Errc::bad_format, "bad architecture '{}'", value);
  return std::string(value);
}

}  // namespace

Result<PackageEntry> package_from_paragraph(Paragraph paragraph, bool require_file_fields) {
  PackageEntry e;
  const std::string* name = paragraph.find("Package");
  if (!name) {
    const std::string* version = paragraph.find("Version");
    return fail(Errc::bad_format, "stanza without a Package field (Version '{}')",
                version ? *version : std::string());
  }
  if (!is_package_name(*name)) return fail(Errc::bad_format, "bad package name '{}'", *name);
  e.name = *name;
  const std::string_view pkg = e.name;

  TRY(read_field(paragraph, pkg, "Version", true, checked_version, e.version));
  TRY(read_field(paragraph, pkg, "Architecture", true, checked_architecture, e.architecture));
  TRY(read_field(paragraph, pkg, "Multi-Arch", false, parse_multi_arch, e.multi_arch));
  TRY(read_field(paragraph, pkg, "Essential", false, parse_yes_no, e.essential));
  TRY(read_field(paragraph, pkg, "Priority", false, any_text, e.priority));
  SourceField source;
  TRY(read_field(paragraph, pkg, "Source", false, parse_source, source));
  if (source.name != e.name) e.source = source.name;
  e.source_version = source.version;

  TRY(read_field(paragraph, pkg, "Depends", false, parse_relations, e.depends));
  TRY(read_field(paragraph, pkg, "Pre-Depends", false, parse_relations, e.pre_depends));
  TRY(read_field(paragraph, pkg, "Conflicts", false, parse_relations, e.conflicts));
  TRY(read_field(paragraph, pkg, "Breaks", false, parse_relations, e.breaks));
  TRY(read_field(paragraph, pkg, "Replaces", false, parse_relations, e.replaces));
  TRY(read_field(paragraph, pkg, "Provides", false, parse_provides, e.provides));

  TRY(read_field(paragraph, pkg, "Filename", require_file_fields, single_line, e.filename));
  TRY(read_field(paragraph, pkg, "Size", require_file_fields, parse_number, e.size));
  TRY(read_field(paragraph, pkg, "SHA256", require_file_fields, parse_sha256, e.sha256));
  TRY(read_field(paragraph, pkg, "Installed-Size", false, parse_number, e.installed_size_kib));
  e.paragraph = std::move(paragraph);
  return e;
}

Result<std::vector<PackageEntry>> parse_packages_index(std::string_view text) {
  TRY_ASSIGN(std::vector<Paragraph> paragraphs, parse_paragraphs(text));
  std::vector<PackageEntry> out;
  out.reserve(paragraphs.size());
  for (Paragraph& paragraph : paragraphs) {
    TRY_ASSIGN(PackageEntry entry, package_from_paragraph(std::move(paragraph), true));
    out.push_back(std::move(entry));
  }
  return out;
}

}  // namespace wisp::pkg::deb
