// A Debian repository written as a sources.list line (sources.list(5), one-line style):
//
//   deb [signed-by=/usr/share/keyrings/x.gpg arch=amd64,arm64] http://deb.debian.org/debian bookworm main
//   deb [trusted=yes] file:///srv/repo ./          (a flat repository: Packages beside the pool)
//
// URI is http(s)://, file:// or a plain path.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace wisp::pkg::deb {

struct SourceLine {
  std::string uri;    // without a trailing '/'
  std::string suite;  // "bookworm"; for a flat repository the directory, ending in '/' ("./")
  std::vector<std::string> components;  // empty for a flat repository
  std::string signed_by;                // keyring file; "" = apt's trusted keyrings
  bool trusted = false;                 // [trusted=yes]: no signature check at all
  std::vector<std::string> archs;       // [arch=...]; empty = any
  std::string line;                     // as written, for messages

  bool flat() const { return suite.ends_with('/'); }
  /// Where Release/InRelease live: URI/dists/SUITE, or URI/SUITE for a flat repository.
  std::string release_dir() const;
};

/// Errc::usage naming the line for anything but `deb [options] URI SUITE [COMPONENT...]`:
/// deb-src, a missing suite, components after a flat suite or none after a dists suite, an
/// option other than signed-by, trusted, arch (lang, target, check-valid-until, by-hash and
/// pdiffs are accepted and ignored), a signed-by fingerprint (only keyring files are supported).
Result<SourceLine> parse_source_line(std::string_view line);

}  // namespace wisp::pkg::deb
