// What an SBOM describes: one architecture's image (its identity, layers, operating system and
// every installed package) or a multi-arch index. Producers fill it from a build
// (from_rootfs.h) or from an existing image's layers (image_reader.h); writers turn it into
// SPDX (spdx.h) or CycloneDX (cyclonedx.h). The same image gives the same value either way.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace wisp::sbom {

enum class Ecosystem { apk, deb };

/// One installed package, as its package database records it.
struct Package {
  Ecosystem ecosystem = Ecosystem::apk;
  std::string name;
  std::string version;
  std::string arch;         // the package's own (apk "x86_64", "noarch"; deb "amd64", "all")
  std::string origin;       // source package (apk o:, deb Source:); empty when it is `name`
  std::string source_version;  // deb Source: "name (version)"; empty when it is `version`
  std::string license;      // as recorded (apk L:); normalised by the writers
  std::string description;  // first line
  std::string homepage;     // apk U:, deb Homepage:
  std::string maintainer;   // apk m:, deb Maintainer:
  std::string sha1;         // hex; apk's Q1 identity
  std::string sha256;       // hex; apk's Q2 identity
  std::vector<std::string> depends;   // atoms as recorded (deb: Pre-Depends then Depends)
  std::vector<std::string> provides;  // apk p: atoms; deb Provides entries
};

/// /etc/os-release (or /usr/lib/os-release), the fields SBOMs use.
struct OsRelease {
  std::string id;           // "wolfi", "alpine", "debian"
  std::string name;         // "Wolfi"
  std::string version_id;   // "20230201", "3.19.1", "12"
  std::string pretty_name;
  std::string home_url;
  std::string version_codename;  // "bookworm"; empty when not recorded (Wolfi, Alpine)
};

struct Layer {
  std::string digest;      // of the blob as stored ("sha256:...")
  std::string media_type;
  uint64_t size = 0;
  std::string diff_id;     // of the uncompressed tar, from the config; empty if unknown
};

/// The reference an image is known by: "ghcr.io/acme/app:1" -> name "app", repository
/// "ghcr.io/acme/app", tag "1"; "hello:latest" -> name "hello", no repository.
struct ImageName {
  std::string name;        // lower case; empty when the image has no name
  std::string repository;  // only when the reference names a registry
  std::string tag;
};

/// Splits a reference as above. The repository is kept only when its first component looks
/// like a registry host (has a '.' or ':' or is "localhost"), as Docker reads references.
ImageName parse_image_name(std::string_view reference);

/// One architecture's image.
struct ImageContents {
  std::string digest;      // the manifest's "sha256:..." (a docker-save archive without
                           // manifest: the config's, Docker's image id)
  std::string media_type;  // of the manifest; empty when there is none
  std::string apk_arch;    // "x86_64"; empty when unknown
  std::string oci_arch;    // "amd64"
  std::string oci_variant; // "v7"
  ImageName name;
  int64_t created = 0;     // the build date (config `created`), Unix seconds
  std::vector<Layer> layers;
  std::optional<OsRelease> os;
  std::vector<Package> packages;  // sorted by name, version, arch
  /// SPDX documents packages embed (melange writes /var/lib/db/sbom/<name>-<version>.spdx.json),
  /// by the package name they belong to; their bytes as found.
  std::map<std::string, std::string> embedded;
};

/// A multi-arch index and the images it lists.
struct IndexContents {
  std::string digest;
  std::string media_type;
  ImageName name;
  int64_t created = 0;
  struct Entry {
    std::string digest;
    std::string media_type;
    std::string oci_arch;
    std::string oci_variant;
    std::string os = "linux";
  };
  std::vector<Entry> images;
};

/// Sorts packages by (name, version, arch), the order every writer lists them in.
void sort_packages(std::vector<Package>& packages);

/// For each package, the indexes of the installed packages that satisfy its dependencies:
/// apk atoms match a package name or a provided name (so:, cmd:, pc:, virtuals), conflicts
/// ("!x") are skipped; deb entries ("a (>= 1) | b") take the first alternative that is
/// installed or provided. Versions are not checked: the database is the resolved set. Lists
/// are sorted and free of duplicates and self-references.
std::vector<std::vector<size_t>> resolve_dependencies(const std::vector<Package>& packages);

/// Reads os-release text (KEY=value lines, values optionally quoted, # comments).
OsRelease parse_os_release(std::string_view text);

}  // namespace wisp::sbom
