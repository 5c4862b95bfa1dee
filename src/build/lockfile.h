// apko's lockfile, version v1 (apko-melange.md §3): the exact packages, per architecture in
// install order, with byte ranges and digests of each package's gzip members, so a later build
// installs exactly those bytes without reading any APKINDEX.
//
//   {"version": "v1",
//    "config": {"name": "image.yaml", "checksum": "sha256-<b64>"},
//    "contents": {"keyring": [{"name", "url", "content"}],
//                 "build_repositories" / "runtime_repositories" / "repositories":
//                     [{"name": "host/os/x86_64", "url": ".../APKINDEX.tar.gz", "architecture"}],
//                 "packages": [{"name", "url", "version", "architecture",
//                               "signature": {"range": "bytes=0-N", "checksum": "sha1-<b64>"},
//                               "control": {"range", "checksum": "sha1-<b64>"},
//                               "data": {"range", "checksum": "sha256-<b64>"},
//                               "checksum": "Q1<b64>"}]}}
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/result.h"
#include "build/image_config.h"

namespace wisp::build {

/// A part of a package file: "bytes=FIRST-LAST" (inclusive) and "<alg>-<base64 digest>".
/// Both empty for the signature of an unsigned package.
struct LockedPart {
  std::string range;
  std::string checksum;
  bool operator==(const LockedPart&) const = default;
};

/// Debian packages (wisp's extension; url ends in ".deb"): `architecture` is the Debian arch the
/// package was resolved for (an Architecture: all package is listed once per arch), `data` covers
/// the whole .deb with its SHA-256, and signature, control and checksum are empty.
struct LockedPackage {
  std::string name;
  std::string url;
  std::string version;
  std::string architecture;  // the package's A: (may be "noarch")
  LockedPart signature;      // sha1
  LockedPart control;        // sha1
  LockedPart data;           // sha256
  std::string checksum;      // "Q1" + base64(sha1(control member))
  bool operator==(const LockedPackage&) const = default;
};

struct LockedRepository {
  std::string name;  // "<repo>/<arch>" without the scheme
  std::string url;   // "<repo>/<arch>/APKINDEX.tar.gz"
  std::string architecture;
  bool operator==(const LockedRepository&) const = default;
};

struct LockedKey {
  std::string name;
  std::string url;
  std::string content;  // PEM; may be empty in lockfiles written by older apko
  bool operator==(const LockedKey&) const = default;
};

struct Lockfile {
  std::string version = "v1";
  std::string config_name;
  std::string config_checksum;  // "sha256-<b64>", empty when the lock has none
  std::vector<LockedKey> keyring;
  std::vector<LockedRepository> build_repositories;
  std::vector<LockedRepository> runtime_repositories;
  std::vector<LockedRepository> repositories;
  std::vector<LockedPackage> packages;  // per architecture, each in install order
  bool operator==(const Lockfile&) const = default;
};

/// "bytes=FIRST-LAST" for a part of `size` bytes at `offset` (size > 0).
std::string byte_range(uint64_t offset, uint64_t size);
/// Parses "bytes=FIRST-LAST" into {offset, size}. Errc::bad_format otherwise (LAST < FIRST,
/// signs, spaces, overflow).
Result<std::pair<uint64_t, uint64_t>> parse_byte_range(std::string_view range);

/// Parses lockfile JSON (untrusted input). Unknown keys are ignored, as apko's decoder does.
/// Errc::bad_format naming the file and the field ("x.lock.json: contents.packages[2].data.range:
/// ...") for invalid JSON, a wrong type, a version other than "v1", a missing package name,
/// version, url or architecture, a malformed range, or a checksum without its "sha1-"/"sha256-"
/// prefix and a digest of the right length. Errc::too_large above 256 MiB.
Result<Lockfile> parse_lockfile(std::string_view json, std::string_view file_name);
/// Reads and parses a lockfile; Errc::not_found when it does not exist.
Result<Lockfile> load_lockfile(const std::filesystem::path& path);

/// The JSON apko writes: two-space indent, Go struct field order, "content" left out when empty,
/// a final newline.
std::string format_lockfile(const Lockfile& lock);
/// Writes format_lockfile(lock) atomically.
Status write_lockfile(const std::filesystem::path& path, const Lockfile& lock);

/// Refuses a lock whose config checksum is not the configuration's current one:
/// Errc::usage "LOCK is stale: config checksum sha256-A != sha256-B; run 'wisp lock CONFIG'"
/// (A from the lock, B from `config`). A lock without a checksum passes with a warning, as
/// apko does.
Status check_lockfile_current(const Lockfile& lock, std::string_view lock_path,
                              const ImageConfig& config);

/// The default lockfile path for a config: "dir/image.yaml" -> "dir/image.lock.json".
std::filesystem::path default_lockfile_path(const std::filesystem::path& config_path);

}  // namespace wisp::build
