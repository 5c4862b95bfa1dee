// What the maintainer scripts of a Debian system would have left behind, done natively for an
// image built from .deb packages without running any of them (debian-and-runtime.md §3), plus
// the scanner metadata Google's distroless writes:
//
//   /var/lib/dpkg/status.d/<pkg>          the package's control stanza (no Status line)
//   /var/lib/dpkg/status.d/<pkg>.md5sums  its md5sums member
//
// (no /var/lib/dpkg/status, no /var/lib/dpkg/info: distroless leaves them out on purpose).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "base/result.h"
#include "image/content_store.h"
#include "image/rootfs.h"

namespace wisp::image {

/// One installed .deb's metadata, as read from its control tar.
struct DebMetadata {
  std::string name;
  std::string control;  // the control member, verbatim
  std::string md5sums;  // "" when the package has none
};

/// Before any package: `/` 0755, `/tmp` 1777, `/root` 0700, `/home/nonroot` 0700 owned by
/// 65532, `/var/lib/dpkg/status.d`, and `/etc/passwd`, `/etc/group` as distroless writes them
/// (root 0, nobody 65534, nonroot 65532; groups root, nobody 65534,
/// tty 5, staff 50, nonroot 65532), `/etc/nsswitch.conf`. Everything gets `mtime`.
Status write_debian_skeleton(Rootfs& rootfs, int64_t mtime);

/// After the packages: status.d entries for each package (sorted by name), the CA bundle
/// `/etc/ssl/certs/ca-certificates.crt` from every `usr/share/ca-certificates/**/*.crt` (sorted by
/// path, as update-ca-certificates concatenates them) when the ca-certificates package put
/// any there, and `/etc/os-release` -> `../usr/lib/os-release` when base-files shipped only the
/// latter. Errors name the package or path.
Status finish_debian_rootfs(Rootfs& rootfs, const ContentStore& store,
                            const std::vector<DebMetadata>& packages, int64_t mtime);

}  // namespace wisp::image
