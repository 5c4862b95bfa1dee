// Read access to an image's filesystem, whatever holds it: the rootfs a build assembles in
// memory (from_rootfs.h) or the layers of an existing image (layer_tree.h). The SBOM producers
// read the same files through it, so a build and a later `wisp sbom` describe an image alike.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "sbom/contents.h"

namespace wisp::sbom {

class FileTree {
 public:
  virtual ~FileTree() = default;
  /// The bytes of the regular file at `path` (relative to the root, "etc/os-release"), symlinks
  /// followed; nullopt when there is none.
  virtual std::optional<std::string> read(std::string_view path) const = 0;
  /// The names of the regular files directly inside directory `dir`, sorted; empty when none.
  virtual std::vector<std::string> list(std::string_view dir) const = 0;
};

/// Fills `out.os` (etc/os-release, else usr/lib/os-release), `out.packages` (the apk database at
/// usr/lib/apk/db/installed, else lib/apk/db/installed; plus dpkg's var/lib/dpkg/status and
/// var/lib/dpkg/status.d/*) and `out.embedded` (each apk package's own SPDX document).
/// Errc::bad_format naming the database file when it does not parse.
Status read_image_files(const FileTree& files, ImageContents& out);

}  // namespace wisp::sbom
