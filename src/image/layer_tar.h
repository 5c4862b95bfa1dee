// A Rootfs as a layer tar: pre-order walk with children in byte-wise name order, no "./"
// prefix, the nodes' own modes, owners and mtimes, user and group names from the image's own
// /etc/passwd and /etc/group, xattrs as SCHILY.xattr PAX records, hardlinks as typeflag 1.
// Nothing else (no atime/ctime, no apk checksum records) so the bytes depend only on the tree.
#pragma once

#include <functional>
#include <string>

#include "base/result.h"
#include "image/content_store.h"
#include "image/rootfs.h"
#include "io/sink.h"

namespace wisp::image {

/// Chooses the nodes of a layer; null = all.
using NodeFilter = std::function<bool(const std::string& path, const Node& node)>;

/// Writes the tar (with its end-of-archive blocks) to `out`.
Status write_layer_tar(const Rootfs& rootfs, const ContentStore& store, io::Sink& out,
                       const NodeFilter& filter = nullptr);

}  // namespace wisp::image
