#include "sbom/file_tree.h"

#include <algorithm>

#include "sbom/debian_copyright.h"
#include "sbom/embedded.h"
#include "sbom/package_db.h"

namespace wisp::sbom {

Status read_image_files(const FileTree& files, ImageContents& out) {
  for (const char* path : {"etc/os-release", "usr/lib/os-release"}) {
    if (auto text = files.read(path)) {
      out.os = parse_os_release(*text);
      break;
    }
  }
  std::vector<Package> packages;
  for (const char* path : {"usr/lib/apk/db/installed", "lib/apk/db/installed"}) {
    auto text = files.read(path);
    if (!text) continue;
    TRY_ASSIGN_CTX(packages, parse_apk_installed(*text), "/{}", path);
    break;
  }
  auto add_dpkg = [&](const std::string& path) -> Status {
    auto text = files.read(path);
    if (!text) return {};
    TRY_ASSIGN_CTX(auto found, parse_dpkg_status(*text), "/{}", path);
    packages.insert(packages.end(), std::make_move_iterator(found.begin()), std::make_move_iterator(found.end()));
    return {};
  };
  TRY(add_dpkg("var/lib/dpkg/status"));
  for (const std::string& name : files.list("var/lib/dpkg/status.d"))
    if (!name.ends_with(".md5sums")) TRY(add_dpkg("var/lib/dpkg/status.d/" + name));
  sort_packages(packages);
  // A package listed in both status and status.d is one package.
  packages.erase(std::unique(packages.begin(), packages.end(),
                             [](const Package& a, const Package& b) {
                               return a.ecosystem == b.ecosystem && a.name == b.name && a.version == b.version &&
                                      a.arch == b.arch;
                             }),
                 packages.end());
  // dpkg records no licence; the package's DEP-5 copyright file does (what syft reads too).
  for (Package& p : packages) {
    if (p.ecosystem != Ecosystem::deb || !p.license.empty()) continue;
    if (auto text = files.read("usr/share/doc/" + p.name + "/copyright")) p.license = debian_copyright_license(*text);
  }
  out.packages = std::move(packages);

  out.embedded.clear();
  for (const Package& p : out.packages) {
    if (p.ecosystem != Ecosystem::apk) continue;
    for (const std::string& path : embedded_sbom_paths(p)) {
      if (auto text = files.read(path)) {
        out.embedded.emplace(p.name, std::move(*text));
        break;
      }
    }
  }
  return {};
}

}  // namespace wisp::sbom
