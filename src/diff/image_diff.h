// Comparing two images the way `chainctl images diff` does (oci-registries-scanners.md §3.1):
// packages are matched by purl with the version taken out, so a package whose version differs
// is "changed" and one whose purl only one image has is "added" or "removed"; vulnerabilities
// are matched by id. Unlike chainctl it also compares what users ask about first: size and
// layers. The writers are in diff/diff_output.h.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "sbom/contents.h"
#include "vuln/match.h"

namespace wisp::diff {

struct DiffOptions {
  /// The purl types compared ("apk", "deb", "oci" for the image itself); empty: every type
  /// (chainctl's "-"). chainctl defaults to apk only; wisp builds Debian images too, so both
  /// OS package types are compared by default.
  std::vector<std::string> artifact_types = {"apk", "deb"};
};

/// One package as chainctl lists it: `reference` is its purl as wisp's SBOMs write it.
struct PackageEntry {
  std::string name;
  std::string version;
  std::string reference;

  bool operator==(const PackageEntry&) const = default;
};

struct PackageVersion {
  std::string version;
  std::string reference;

  bool operator==(const PackageVersion&) const = default;
};

/// A package both images have, in another version.
struct PackageChange {
  std::string name;
  PackageVersion current;   // TO's
  PackageVersion previous;  // FROM's

  bool operator==(const PackageChange&) const = default;
};

/// One vulnerability id: `reference` is the Grype-style namespace it was found in
/// ("wolfi:distro:wolfi:rolling"), `severity` the highest any of its findings has.
struct VulnerabilityEntry {
  std::string id;
  std::string reference;
  std::string severity;

  bool operator==(const VulnerabilityEntry&) const = default;
};

/// What one image is, for the "image" section chainctl does not have.
struct ImageFacts {
  std::string location;  // as the user named it; diff_images leaves it empty
  std::string digest;
  std::string arch;      // apk spelling ("x86_64"), else OCI's; empty when unknown
  std::string os;        // os-release "ID VERSION_ID" ("wolfi 20230201"); empty without one
  size_t layers = 0;
  uint64_t size = 0;     // sum of the layers' compressed (stored) sizes
  size_t packages = 0;   // of the compared types
};

struct ImageDiff {
  ImageFacts from;
  ImageFacts to;
  std::vector<PackageEntry> added;      // sorted by name, version, reference
  std::vector<PackageEntry> removed;    // likewise
  std::vector<PackageChange> changed;   // sorted by name, then current reference
  bool vulnerabilities_compared = false;  // false: no findings were given
  std::vector<VulnerabilityEntry> vulnerabilities_added;    // sorted by id
  std::vector<VulnerabilityEntry> vulnerabilities_removed;  // sorted by id
  std::vector<std::string> warnings;

  bool packages_equal() const { return added.empty() && removed.empty() && changed.empty(); }
};

/// The key two images' packages are matched by: the purl without its version and without any
/// qualifier but `arch` (so "distro=wolfi-20230201", which follows os-release's VERSION_ID, and
/// "upstream", which follows the origin, do not turn a package into a removed and an added
/// one; deb multiarch packages stay apart). Text that is not a purl is its own key.
std::string package_key(std::string_view purl);

/// Packages only: `vulnerabilities_compared` stays false.
ImageDiff diff_images(const sbom::ImageContents& from, const sbom::ImageContents& to, const DiffOptions& options);

/// Packages and the findings of each image (vuln::match_image): an id TO has and FROM has not
/// is added, the reverse removed, whatever packages it was found in (chainctl's rule).
ImageDiff diff_images(const sbom::ImageContents& from, const sbom::ImageContents& to,
                      const std::vector<vuln::Finding>& from_findings,
                      const std::vector<vuln::Finding>& to_findings, const DiffOptions& options);


}  // namespace wisp::diff
