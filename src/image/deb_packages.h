// Fetching and unpacking the .deb packages of one arch for an image, in parallel, into the same
// shapes the APK path uses (ExtractedPackage + ContentStore), so the Installer, layers and SBOMs
// work unchanged. The .deb's control fields map onto the apk PackageInfo the installer reads
// (name, version, arch, origin = Source, replaces = Replaces names, description, license
// unknown), and each package's control stanza and md5sums are kept for status.d.
//
// xz is slow to decompress, so the decompressed data tar of each .deb is cached in the download
// cache, keyed by the .deb's SHA-256 (a URL record "deb-data:<sha256>" naming the tar's blob):
// a warm build reads plain tars.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "base/result.h"
#include "image/assemble.h"
#include "image/debian_rootfs.h"
#include "pkg/repo/fetcher.h"

namespace wisp::image {

/// A .deb to install: where it is and the SHA-256 the (verified) Packages index promised.
struct DebSource {
  std::string location;  // URL or path
  std::string sha256;    // lowercase hex; the fetched bytes must match it
  uint64_t size = 0;     // from the index; 0: unknown
  std::string name;      // package name, for messages
};

struct FetchedDebs {
  FetchedPackages packages;          // install order = the order of `sources`
  std::vector<DebMetadata> metadata; // same order
};

/// Fetches (immutable, through the cache), checks the SHA-256, unpacks and spools every package
/// with `threads` workers (0: hardware threads, at least 4). newest_build_time is the newest
/// file mtime in any package. Errors name the package and location.
Result<FetchedDebs> fetch_debs(const std::vector<DebSource>& sources, pkg::repo::Fetcher& fetcher,
                               size_t threads = 0);

}  // namespace wisp::image
