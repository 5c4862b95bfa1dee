#include "vuln/match.h"

#include <algorithm>
#include <map>
#include <set>
#include <utility>

#include "pkg/apk/version.h"
#include "pkg/deb/version.h"
#include "sbom/naming.h"

namespace wisp::vuln {
namespace {

bool is_wolfi_like(std::string_view distro) { return distro == "wolfi" || distro == "chainguard"; }

// Whether `feed` speaks about this image's distribution (and, for Debian, its release).
bool feed_applies(const Feed& feed, const sbom::OsRelease& os) {
  if (feed.kind == FeedKind::apk_secdb) {
    if (os.id == "debian") return false;
    if (feed.distro.empty()) return true;  // unlabelled secdb: the user chose it for this image
    if (is_wolfi_like(feed.distro)) return is_wolfi_like(os.id);
    return feed.distro == os.id;
  }
  if (os.id != "debian") return false;
  return os.version_codename.empty() || feed.release == os.version_codename;
}

std::string major_minor(std::string_view version) {
  size_t first = version.find('.');
  if (first == std::string_view::npos) return std::string(version);
  size_t second = version.find('.', first + 1);
  return std::string(version.substr(0, second));
}

// Grype's namespace names: which vulnerability database a match came from.
std::string namespace_of(const Feed& feed, const sbom::OsRelease& os) {
  if (feed.kind == FeedKind::debian_tracker) {
    std::string version = os.version_id.empty() ? feed.release : major_minor(os.version_id);
    return "debian:distro:debian:" + version;
  }
  std::string distro = feed.distro.empty() ? os.id : feed.distro;
  if (distro == "alpine") return "alpine:distro:alpine:" + major_minor(os.version_id);
  return distro + ":distro:" + distro + ":rolling";
}

using Key = std::pair<std::string, std::string>;  // (id, package)

struct Matcher {
  const sbom::ImageContents& image;
  const sbom::OsRelease& os;
  std::map<Key, Finding> found;
  std::set<Key> ruled_out;

  // Keeps one finding per (id, package): the lowest fixed version, an open one last.
  void add(Finding finding, bool apk) {
    Key key{finding.id, finding.package};
    auto [it, inserted] = found.try_emplace(key, finding);
    if (inserted) return;
    const std::string& have = it->second.fixed_version;
    const std::string& offer = finding.fixed_version;
    if (offer.empty()) return;
    int order = apk ? pkg::apk::compare_versions(offer, have) : pkg::deb::compare_versions(offer, have);
    if (have.empty() || order < 0) it->second = std::move(finding);
  }

  Finding finding_for(const sbom::Package& package, const std::string& searched, const Fix& fix,
                      const Feed& feed) const {
    Finding f;
    f.id = fix.id;
    f.severity = fix.severity.empty() ? "Unknown" : fix.severity;
    f.package = package.name;
    f.version = package.version;
    f.source_package = searched;
    f.fixed_version = fix.fixed_version;
    f.purl = sbom::package_purl(package, image.os, image.apk_arch);
    f.feed = feed.source;
    f.namespace_ = namespace_of(feed, os);
    return f;
  }

  // apk: the secdb is keyed by origin, but some entries use the subpackage's own name; Grype
  // searches both.
  void match_apk(const sbom::Package& package, const Feed& feed) {
    std::vector<std::string> names{package.origin.empty() ? package.name : package.origin};
    if (names.front() != package.name) names.push_back(package.name);
    for (const std::string& name : names) {
      auto entry = feed.packages.find(name);
      if (entry == feed.packages.end()) continue;
      for (const Fix& fix : entry->second) {
        if (fix.not_affected) {
          ruled_out.insert({fix.id, package.name});
          continue;
        }
        if (pkg::apk::compare_versions(package.version, fix.fixed_version) < 0)
          add(finding_for(package, name, fix, feed), true);
      }
    }
  }

  // deb: the tracker is keyed by source package and speaks of source versions.
  void match_deb(const sbom::Package& package, const Feed& feed) {
    const std::string& name = package.origin.empty() ? package.name : package.origin;
    const std::string& version = package.source_version.empty() ? package.version : package.source_version;
    auto entry = feed.packages.find(name);
    if (entry == feed.packages.end()) return;
    for (const Fix& fix : entry->second) {
      if (fix.not_affected) {
        ruled_out.insert({fix.id, package.name});
        continue;
      }
      if (fix.fixed_version.empty() || pkg::deb::compare_versions(version, fix.fixed_version) < 0)
        add(finding_for(package, name, fix, feed), false);
    }
  }
};

}  // namespace

std::vector<Finding> match_image(const sbom::ImageContents& image, const std::vector<Feed>& feeds) {
  if (!image.os) return {};
  const sbom::OsRelease& os = *image.os;
  Matcher matcher{image, os, {}, {}};
  for (const Feed& feed : feeds) {
    if (!feed_applies(feed, os)) continue;
    const bool apk_feed = feed.kind == FeedKind::apk_secdb;
    for (const sbom::Package& package : image.packages) {
      if (apk_feed && package.ecosystem == sbom::Ecosystem::apk) matcher.match_apk(package, feed);
      if (!apk_feed && package.ecosystem == sbom::Ecosystem::deb) matcher.match_deb(package, feed);
    }
  }
  std::vector<Finding> out;
  for (auto& [key, finding] : matcher.found)
    if (!matcher.ruled_out.contains(key)) out.push_back(std::move(finding));
  std::ranges::sort(out, [](const Finding& a, const Finding& b) {
    return std::tie(a.id, a.package, a.version) < std::tie(b.id, b.package, b.version);
  });
  return out;
}

}  // namespace wisp::vuln
