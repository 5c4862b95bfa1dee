#include "sbom/package_db.h"

#include <map>
#include <optional>

#include "base/encoding.h"
#include "base/strings.h"
#include "pkg/apk/index.h"

namespace wisp::sbom {
namespace {

std::string first_line(std::string_view text) {
  size_t nl = text.find('\n');
  return std::string(trim(nl == std::string_view::npos ? text : text.substr(0, nl)));
}

/// One deb822 stanza's fields, values with continuation lines joined by '\n'.
using Stanza = std::map<std::string, std::string, std::less<>>;

Result<std::optional<Package>> deb_package(const Stanza& fields, size_t line) {
  auto get = [&](std::string_view key) -> std::string {
    auto it = fields.find(key);
    return it == fields.end() ? std::string() : it->second;
  };
  std::string status = get("Status");
  if (!status.empty()) {
    auto words = split_whitespace(status);
    if (words.empty() || words.back() != "installed") return std::optional<Package>();
  }
  Package p;
  p.ecosystem = Ecosystem::deb;
  p.name = first_line(get("Package"));
  p.version = first_line(get("Version"));
  if (p.name.empty() || p.version.empty())
    return fail(Errc::bad_format, "dpkg status stanza ending at line {}: no Package or Version", line);
  p.arch = first_line(get("Architecture"));
  p.maintainer = first_line(get("Maintainer"));
  p.homepage = first_line(get("Homepage"));
  p.description = first_line(get("Description"));
  // "Source: name" or "Source: name (version)" when the binary's version differs.
  std::string source = first_line(get("Source"));
  if (size_t paren = source.find('('); paren != std::string::npos) {
    size_t close = source.find(')', paren);
    p.source_version = std::string(trim(std::string_view(source).substr(paren + 1, close == std::string::npos
                                                                                       ? std::string::npos
                                                                                       : close - paren - 1)));
    source = std::string(trim(std::string_view(source).substr(0, paren)));
  }
  if (source != p.name) p.origin = source;
  if (p.source_version == p.version) p.source_version.clear();
  auto relations = [&](std::string_view field, std::vector<std::string>& out) {
    const std::string value = get(field);  // split() returns views into it
    for (std::string_view relation : split(value, ','))
      if (!trim(relation).empty()) out.emplace_back(trim(relation));
  };
  relations("Pre-Depends", p.depends);
  relations("Depends", p.depends);
  relations("Provides", p.provides);
  return std::optional<Package>(std::move(p));
}

}  // namespace

Package apk_package(const pkg::apk::PackageInfo& info) {
  Package p;
  p.ecosystem = Ecosystem::apk;
  p.name = info.name;
  p.version = info.version;
  p.arch = info.arch;
  if (info.origin != info.name) p.origin = info.origin;
  p.license = info.license;
  p.description = first_line(info.description);
  p.homepage = info.url;
  p.maintainer = info.maintainer;
  std::string_view id = info.checksum;
  if (id.size() > 2 && (id.starts_with("Q1") || id.starts_with("Q2"))) {
    if (auto raw = base64_decode(id.substr(2))) {
      if (id[1] == '1' && raw->size() == 20) p.sha1 = hex_encode(*raw);
      if (id[1] == '2' && raw->size() == 32) p.sha256 = hex_encode(*raw);
    }
  }
  p.depends = info.depends;
  p.provides = info.provides;
  return p;
}

Result<std::vector<Package>> parse_apk_installed(std::string_view text) {
  TRY_ASSIGN(auto entries, pkg::apk::parse_index_text(text));
  std::vector<Package> out;
  out.reserve(entries.size());
  for (const auto& info : entries) out.push_back(apk_package(info));
  sort_packages(out);
  return out;
}

Result<std::vector<Package>> parse_dpkg_status(std::string_view text) {
  std::vector<Package> out;
  Stanza fields;
  std::string* last = nullptr;
  size_t line_no = 0;
  auto finish = [&]() -> Status {
    if (fields.empty()) return {};
    TRY_ASSIGN(auto p, deb_package(fields, line_no));
    if (p) out.push_back(std::move(*p));
    fields.clear();
    last = nullptr;
    return {};
  };
  for (std::string_view line : split(text, '\n')) {
    ++line_no;
    if (line.ends_with('\r')) line.remove_suffix(1);
    if (trim(line).empty()) {
      TRY(finish());
      continue;
    }
    if (line.front() == ' ' || line.front() == '\t') {
      if (!last) return fail(Errc::bad_format, "dpkg status line {}: continuation without a field", line_no);
      *last += '\n';
      *last += trim(line);
      continue;
    }
    if (line.front() == '#') continue;
    size_t colon = line.find(':');
    if (colon == std::string_view::npos || colon == 0)
      return fail(Errc::bad_format, "dpkg status line {}: expected 'Field: value'", line_no);
    std::string& value = fields[std::string(line.substr(0, colon))];
    value = std::string(trim(line.substr(colon + 1)));
    last = &value;
  }
  TRY(finish());
  sort_packages(out);
  return out;
}

}  // namespace wisp::sbom
