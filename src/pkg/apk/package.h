// APK v2 package files (apk-format.md §1): reading with full verification, streaming the
// payload of a package already read, and writing signed, reproducible packages.
//
// A package is 2 or 3 gzip members whose decompressed contents form one tar stream:
// [signature member: .SIGN.* entries] control member: .PKGINFO + scripts, data member: payload.
// Every hash covers *compressed* member bytes: the identity (C:) is sha1(control member), the
// signature covers the control member (or control+data for packages without datahash) and
// datahash is sha256(data member).
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/result.h"
#include "io/tar.h"
#include "pkg/apk/index.h"
#include "pkg/apk/keys.h"
#include "pkg/apk/package_info.h"

namespace wisp::pkg::apk {

/// One entry of the data member.
struct PackageFile {
  std::string path;  // clean, relative, no trailing '/' ("usr/bin/hello")
  io::TarType type = io::TarType::file;
  uint32_t mode = 0644;  // permission and special bits (07777)
  uint32_t uid = 0;
  uint32_t gid = 0;
  std::string uname;
  std::string gname;
  int64_t mtime = 0;
  uint64_t size = 0;         // content size of regular files; 0 otherwise
  std::string link_target;   // symlink target as stored, or the clean path a hardlink points to
  uint32_t devmajor = 0;
  uint32_t devminor = 0;
  /// Raw 20-byte SHA-1: of the content for regular files and hardlinks (the target's), of the
  /// link target string for symlinks; empty for directories and special files. Always
  /// computed by the reader and checked against the PAX record when there is one.
  std::string sha1;
  bool has_checksum_record = false;  // the entry carried APK-TOOLS.checksum.SHA1
  std::map<std::string, std::string> xattrs;  // "user.foo" -> value (from SCHILY.xattr.*)
};

/// Where a part of the package lies in the .apk bytes (compressed).
struct MemberRange {
  size_t offset = 0;
  size_t size = 0;
};

struct Package {
  /// .PKGINFO, plus checksum = "Q1" + base64(sha1(control member)) and file_size = .apk size.
  PackageInfo info;
  std::vector<SignatureEntry> signatures;  // every .SIGN entry with a known algorithm
  std::string signed_key;  // name of the key that verified the package; empty if not verified
  /// Control dot-files other than .PKGINFO: ".post-install" -> script text, ".melange.yaml", ...
  std::map<std::string, std::string> scripts;
  std::vector<PackageFile> files;  // data entries in archive order
  /// Data entries apk-tools ignores because their name starts with '.' (e.g. "./usr/x").
  std::vector<std::string> skipped;
  MemberRange signature;  // all signature members together; size 0 when unsigned
  MemberRange control;
  MemberRange data;
  std::string data_sha256;  // raw sha256 of the data member (equals datahash when present)
};

struct PackageLimits {
  uint64_t max_decompressed = uint64_t{2} << 30;  // whole tar stream (gzip bomb guard)
  size_t max_entries = 1'000'000;                 // tar entries in all members
};

using DataEntryFn = std::function<Status(const PackageFile& file, std::string_view content)>;

struct PackageReadOptions {
  /// Trusted keys; null = don't verify the signature (the caller must have another trust
  /// anchor, e.g. an index C: line). Hashes (datahash, per-file SHA-1) are always checked.
  const Keyring* keyring = nullptr;
  PackageLimits limits;
  bool allow_devices = false;  // accept character/block devices and fifos in the payload
  /// Take a file's APK-TOOLS.checksum.SHA1 record as its SHA-1 instead of hashing its content,
  /// when `datahash` covers the data member (without datahash the content is hashed anyway).
  /// Only for callers that check the identity against a trusted index or the signature: the
  /// datahash itself is always checked.
  bool trust_checksum_records = false;
  /// When set, called for every entry of `files` with its content (as for_each_data_entry), after
  /// every check has passed: installers get the payload without inflating the package twice.
  DataEntryFn on_data;
};

/// Parses and verifies an .apk held in memory. Errors (each names the entry concerned):
/// Errc::bad_format for a layout apk-tools would refuse (member count, entries in the wrong
/// member, end-of-archive marker outside the data member, missing .PKGINFO, .INSTALL, hardlinks
/// to unknown files, duplicate paths), Errc::bad_signature when a keyring is given and no
/// signature by a trusted key verifies, Errc::digest_mismatch for datahash or per-file SHA-1,
/// Errc::unsafe_path for "..", absolute paths, writes through symlinks and (unless allowed)
/// device nodes, Errc::too_large past the limits.
Result<Package> read_package(std::string_view bytes, const PackageReadOptions& options);

/// Reads the file and calls read_package; messages are prefixed with the path.
Result<Package> load_package(const std::filesystem::path& path, const PackageReadOptions& options);


/// Calls `fn` for every entry of `package.files`, in order, with the entry's content (empty for
/// non-regular files). `bytes` must be the bytes `package` was read from: the data member's
/// sha256 is checked against the one recorded by read_package (Errc::digest_mismatch), which
/// makes every other check of read_package still hold. Stops at the first error of `fn`.
Status for_each_data_entry(std::string_view bytes, const Package& package, const DataEntryFn& fn,
                           const PackageLimits& limits = {});

/// The names apk-tools knows for control scripts (".pre-install", ..., ".trigger").
bool is_known_script_name(std::string_view name);

struct PackageWriteOptions {
  const PrivateKey* key = nullptr;  // null: unsigned package (control + data members only)
  SignAlg sign_alg = SignAlg::rsa_sha256;
  /// Clamps every mtime and the builddate (reproducible builds); unset: mtimes from disk,
  /// builddate = meta.build_time or now.
  std::optional<int64_t> source_date_epoch;
  /// Owner of every entry. Unset: 0:0 (root), or the input's owners when keep_owner is set.
  std::optional<std::pair<uint32_t, uint32_t>> owner;
  bool keep_owner = false;
  /// Control scripts: ".post-install" -> text. Names must satisfy is_known_script_name.
  std::map<std::string, std::string> scripts;
  int compression_level = 9;
};

/// Builds an .apk from the tree under `dir` (which itself is not an entry). `meta` provides the
/// .PKGINFO fields; size, datahash and builddate are computed. Entries are sorted by path bytes;
/// regular files and symlinks carry APK-TOOLS.checksum.SHA1; files sharing an inode become
/// hardlinks to the first. Errc::usage for missing name/version/arch, a field containing a
/// newline or an unknown script name; Errc::unsupported for sockets, fifos and device nodes in
/// `dir`; Errc::io when reading fails. The same tree, meta and options give the same bytes.
Result<std::string> write_package(const PackageInfo& meta, const std::filesystem::path& dir,
                                  const PackageWriteOptions& options);

}  // namespace wisp::pkg::apk
