// Debian Release files (dists/SUITE/Release, or its signed forms InRelease and Release.gpg):
// the list of index files with their sizes and SHA-256 sums, which is what makes a signature
// over Release cover every Packages file.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace wisp::pkg::deb {

struct ReleaseFile {
  std::string sha256;  // lowercase hex
  uint64_t size = 0;
};

struct Release {
  std::string suite;
  std::string codename;
  std::vector<std::string> architectures;
  std::vector<std::string> components;
  std::map<std::string, ReleaseFile> files;  // by path relative to the Release file's directory
};

/// Parses the (already verified) Release text. Errc::bad_format for malformed SHA256 lines or
/// when there is no SHA256 field (MD5-only Release files are refused).
Result<Release> parse_release(std::string_view text);

/// The signed text of a clearsigned message (InRelease) WITHOUT checking the signature: only for
/// [trusted=yes] repositories. Errc::bad_format if the armor is malformed.
Result<std::string> clearsigned_text(std::string_view message);

/// Runs gpgv to check a signature against `keyrings` (binary or ASCII-armored keyring files).
/// Clearsigned form: `detached_signature` empty, `data` is the whole InRelease, and the result
/// is the text gpgv vouches for. Detached form: `data` is Release, `detached_signature`
/// Release.gpg; the result is `data`. Errc::bad_signature with gpgv's reason otherwise;
/// Errc::not_found when gpgv is not installed.
Result<std::string> verify_with_gpgv(std::string_view data, std::string_view detached_signature,
                                     const std::vector<std::string>& keyrings);

}  // namespace wisp::pkg::deb
