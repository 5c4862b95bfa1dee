// A Rootfs as a layer tar: pre-order walk with children in byte-wise name order, no "./"
// prefix, the nodes' own modes, owners and mtimes, user and group names from the image's own
// /etc/passwd and /etc/group, xattrs as SCHILY.xattr PAX records, hardlinks as typeflag 1.
// Nothing else (no atime/ctime, no apk checksum records) so the bytes depend only on the tree.
#pragma once

#include <functional>
#include <map>
#include <string>

#include "base/result.h"
#include "image/content_store.h"
#include "image/rootfs.h"
#include "io/sink.h"

namespace wisp::image {

/// Which part of the tree a layer holds, and how it differs from the tree.
struct LayerView {
  /// Chooses the nodes of the layer; null = all.
  std::function<bool(const std::string& path, const Node& node)> include;
  /// mtimes to write instead of the node's (layering synthesises them for directories and
  /// its slice of the installed database).
  std::map<std::string, int64_t> mtimes;
  /// Regular files whose content this layer replaces (each package layer's slice of the
  /// installed database).
  std::map<std::string, std::string> contents;
};

/// Writes the tar (with its end-of-archive blocks) to `out`.
Status write_layer_tar(const Rootfs& rootfs, const ContentStore& store, io::Sink& out,
                       const LayerView& view = {});

}  // namespace wisp::image
