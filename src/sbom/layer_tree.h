// The files SBOMs need from an image's layers, overlaid in order as a container runtime would
// (image-spec:layer.md): later layers replace earlier entries, ".wh.<name>" deletes <name> and
// ".wh..wh..opq" empties its directory of what lower layers put there. Only the metadata of
// every entry is kept, plus the bytes of the files SBOMs read (os-release, package databases,
// embedded SPDX documents), so memory stays small whatever the image size.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "base/result.h"
#include "io/tar.h"
#include "sbom/file_tree.h"

namespace wisp::sbom {

class LayerTree final : public FileTree {
 public:
  /// Applies one uncompressed layer tar on top of the previous ones. Entries whose paths
  /// escape the root ("..") are ignored; errors of the tar reader come back as they are.
  Status add_layer(std::string_view tar);

  std::optional<std::string> read(std::string_view path) const override;
  std::vector<std::string> list(std::string_view dir) const override;

  /// Whether add_layer keeps the bytes of a regular file at `path`.
  static bool wanted(std::string_view path);
  /// The largest file whose bytes are kept.
  static constexpr uint64_t k_max_kept = uint64_t{256} << 20;

 private:
  struct Node {
    io::TarType type = io::TarType::file;
    std::string link_target;
    std::optional<std::string> content;
    int layer = 0;
  };
  /// The canonical path of `path` with symlinks in every component resolved; nullopt on loops.
  std::optional<std::string> resolve(std::string_view path) const;
  void remove_below(const std::string& dir, int before_layer);

  std::map<std::string, Node, std::less<>> m_nodes;  // by clean path ("etc/os-release")
  int m_layers = 0;
};

/// Decompresses a layer blob to its tar: gzip and zstd are recognised by their magic bytes,
/// anything else is taken as a plain tar. Errc::too_large past `max_output` bytes.
Result<std::string> decompress_layer(std::string_view blob, uint64_t max_output = uint64_t{8} << 30);

}  // namespace wisp::sbom
