#include "sbom/contents.h"

#include <algorithm>
#include <cctype>
#include <tuple>
#include <unordered_map>

#include "base/strings.h"

namespace wisp::sbom {
namespace {

/// The name an apk atom or provide names: "so:libc.so.6=6" -> "so:libc.so.6", "foo>=1" -> "foo".
std::string_view apk_atom_name(std::string_view atom) {
  size_t end = atom.find_first_of("<>=~@");
  return end == std::string_view::npos ? atom : atom.substr(0, end);
}

/// The name of one Debian relation alternative: "libc6:amd64 (>= 2.34)" -> "libc6".
std::string_view deb_relation_name(std::string_view relation) {
  relation = trim(relation);
  size_t end = relation.find_first_of(" \t(:[<");
  return end == std::string_view::npos ? relation : relation.substr(0, end);
}

std::string unquote(std::string_view value) {
  value = trim(value);
  if (value.size() >= 2 && (value.front() == '"' || value.front() == '\'') && value.back() == value.front()) {
    std::string out;
    for (size_t i = 1; i + 1 < value.size(); ++i) {
      if (value[i] == '\\' && i + 2 < value.size()) ++i;
      out += value[i];
    }
    return out;
  }
  return std::string(value);
}

}  // namespace

ImageName parse_image_name(std::string_view reference) {
  ImageName out;
  std::string_view ref = trim(reference);
  if (size_t at = ref.find('@'); at != std::string_view::npos) ref = ref.substr(0, at);
  size_t last_slash = ref.rfind('/');
  size_t colon = ref.rfind(':');
  if (colon != std::string_view::npos && (last_slash == std::string_view::npos || colon > last_slash)) {
    out.tag = std::string(ref.substr(colon + 1));
    ref = ref.substr(0, colon);
  }
  last_slash = ref.rfind('/');
  std::string_view name = last_slash == std::string_view::npos ? ref : ref.substr(last_slash + 1);
  for (char c : name) out.name += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (last_slash != std::string_view::npos) {
    std::string_view host = ref.substr(0, ref.find('/'));
    if (host.find_first_of(".:") != std::string_view::npos || host == "localhost") out.repository = std::string(ref);
  }
  return out;
}

void sort_packages(std::vector<Package>& packages) {
  std::sort(packages.begin(), packages.end(), [](const Package& a, const Package& b) {
    return std::tie(a.name, a.version, a.arch) < std::tie(b.name, b.version, b.arch);
  });
}

std::vector<std::vector<size_t>> resolve_dependencies(const std::vector<Package>& packages) {
  // Who answers to a name: packages of that name first, then providers.
  std::unordered_map<std::string, std::vector<size_t>> by_name, by_provide;
  for (size_t i = 0; i < packages.size(); ++i) {
    const Package& p = packages[i];
    by_name[p.name].push_back(i);
    for (const std::string& provide : p.provides) {
      std::string_view name =
          p.ecosystem == Ecosystem::apk ? apk_atom_name(provide) : deb_relation_name(provide);
      by_provide[std::string(name)].push_back(i);
    }
  }
  auto lookup = [&](std::string_view name) -> const std::vector<size_t>* {
    if (auto it = by_name.find(std::string(name)); it != by_name.end()) return &it->second;
    if (auto it = by_provide.find(std::string(name)); it != by_provide.end()) return &it->second;
    return nullptr;
  };
  std::vector<std::vector<size_t>> out(packages.size());
  for (size_t i = 0; i < packages.size(); ++i) {
    const Package& p = packages[i];
    std::vector<size_t>& deps = out[i];
    for (const std::string& atom : p.depends) {
      if (p.ecosystem == Ecosystem::apk) {
        if (atom.starts_with('!')) continue;
        if (const auto* found = lookup(apk_atom_name(atom))) deps.insert(deps.end(), found->begin(), found->end());
        continue;
      }
      for (std::string_view alternative : split(atom, '|')) {
        if (const auto* found = lookup(deb_relation_name(alternative))) {
          deps.insert(deps.end(), found->begin(), found->end());
          break;
        }
      }
    }
    std::sort(deps.begin(), deps.end());
    deps.erase(std::unique(deps.begin(), deps.end()), deps.end());
    std::erase(deps, i);
  }
  return out;
}

OsRelease parse_os_release(std::string_view text) {
  OsRelease out;
  for (std::string_view line : split(text, '\n')) {
    line = trim(line);
    if (line.empty() || line.front() == '#') continue;
    size_t eq = line.find('=');
    if (eq == std::string_view::npos) continue;
    std::string_view key = trim(line.substr(0, eq));
    std::string value = unquote(line.substr(eq + 1));
    if (key == "ID") out.id = value;
    else if (key == "NAME") out.name = value;
    else if (key == "VERSION_ID") out.version_id = value;
    else if (key == "PRETTY_NAME") out.pretty_name = value;
    else if (key == "HOME_URL") out.home_url = value;
    else if (key == "VERSION_CODENAME") out.version_codename = value;
  }
  return out;
}

}  // namespace wisp::sbom
