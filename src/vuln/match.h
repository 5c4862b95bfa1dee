// Matching an image's installed packages against security feeds, the way Grype's apk and dpkg
// matchers and Chainguard's scanner guide do it (oci-registries-scanners.md §4.2, §4.3): by
// source package (apk origin, deb Source) within the image's distro, comparing versions with the
// package manager's own rules; "not affected" rulings suppress a finding.
#pragma once

#include <string>
#include <vector>

#include "sbom/contents.h"
#include "vuln/feed.h"

namespace wisp::vuln {

struct Finding {
  std::string id;              // "CVE-2023-1234"
  std::string severity;        // as Fix::severity; "Unknown" when the feed has none
  std::string package;         // installed package name
  std::string version;         // installed version
  std::string source_package;  // the name the feed was searched by (origin / Source)
  std::string fixed_version;   // empty: no fix yet
  std::string purl;            // the package's purl, as the SBOM writes it
  std::string feed;            // Feed::source
  std::string namespace_;      // Grype-style: "wolfi:distro:wolfi:rolling", "debian:distro:debian:12"

  bool operator==(const Finding&) const = default;
};

/// The findings for one image, sorted by (id, package, version), one per (id, package). Feeds of
/// another distro than the image's (os-release ID; wolfi and chainguard feeds both apply to
/// either) or of another ecosystem are ignored.
std::vector<Finding> match_image(const sbom::ImageContents& image, const std::vector<Feed>& feeds);

}  // namespace wisp::vuln
