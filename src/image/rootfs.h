// The image's filesystem while it is assembled: a tree of nodes in memory (metadata only; file
// bytes live in a ContentStore or, for small generated files, inline). Paths are relative to
// the root, without a leading '/' ("usr/bin/hello"); "" is the root itself.
//
// Children are kept sorted by name, so a pre-order walk yields the order layers are written in
// (apko's fs.WalkDir order: "etc/apk", "etc/apk/arch", "etc/apk-tools", ...).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "base/result.h"
#include "image/content_store.h"

namespace wisp::image {

enum class NodeKind { directory, file, symlink, hardlink, chardev, blockdev, fifo };

struct Node {
  NodeKind kind = NodeKind::directory;
  uint32_t mode = 0755;  // permission and special bits (07777)
  uint32_t uid = 0;
  uint32_t gid = 0;
  int64_t mtime = 0;
  std::string link_target;  // symlink target as written; hardlink: the root-relative path
  uint32_t devmajor = 0;
  uint32_t devminor = 0;
  uint64_t size = 0;                 // regular files
  std::optional<ContentRef> stored;  // regular files whose bytes are in the ContentStore
  std::string data;                  // regular files made by wisp: the bytes themselves
  std::string sha1;                  // raw SHA-1 of the content (files) or target (symlinks)
  int owner = -1;                    // index of the package that wrote it; -1: made by wisp
  std::map<std::string, std::string> xattrs;
  std::map<std::string, std::unique_ptr<Node>, std::less<>> children;  // directories only

  bool is_dir() const { return kind == NodeKind::directory; }
};

/// A node's parent directory and its name in it.
struct Slot {
  Node* dir = nullptr;
  std::string name;
  std::string path;  // the canonical path of the slot (symlinks of the parents resolved)
};

class Rootfs {
 public:
  Rootfs();

  Node& root() { return *m_root; }
  const Node& root() const { return *m_root; }

  /// The node at `path`, following symlinks in every component but the last (so a symlink
  /// itself can be found); null if some component does not exist.
  Node* find(std::string_view path);
  const Node* find(std::string_view path) const;
  /// Like find, but also follows a symlink in the last component.
  Node* find_following(std::string_view path);

  /// Where `path` would live: the parent directory (symlinks resolved, never leaving the root:
  /// ".." stops at "/", absolute targets start at the root), which must exist unless
  /// `create_parents` (then missing directories are made from `parent_template`).
  /// Errc::not_found for a missing parent, Errc::bad_format when a parent is not a directory,
  /// Errc::unsafe_path for a symlink loop.
  Result<Slot> slot(std::string_view path, bool create_parents = false,
                    const Node* parent_template = nullptr);

  /// Inserts or replaces the node at `path` (parents made as in slot with create_parents). A
  /// directory replacing a directory keeps its children. Returns the node in the tree.
  Result<Node*> put(std::string_view path, Node node, const Node* parent_template = nullptr);
  /// `mkdir -p` with the given metadata for the directories it creates; existing ones are kept.
  Result<Node*> make_dirs(std::string_view path, const Node& dir_template);
  /// A regular file made by wisp, content inline.
  Result<Node*> put_file(std::string_view path, std::string data, uint32_t mode, int64_t mtime,
                         uint32_t uid = 0, uint32_t gid = 0);
  /// Removes the node (and its subtree); false if there was none.
  bool remove(std::string_view path);

  /// Visits every node except the root in pre-order, children by byte-wise name order.
  /// The callback gets the path ("etc/apk/arch") and may not modify the tree.
  Status walk(const std::function<Status(const std::string& path, const Node& node)>& fn) const;

  /// Number of nodes, root excluded.
  size_t size() const;

 private:
  std::unique_ptr<Node> m_root;
};

}  // namespace wisp::image
