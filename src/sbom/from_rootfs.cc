#include "sbom/from_rootfs.h"

#include "image/customize.h"

namespace wisp::sbom {

std::optional<std::string> RootfsTree::read(std::string_view path) const {
  auto bytes = image::read_tree_file(m_rootfs, m_store, path);
  if (!bytes) return std::nullopt;
  return std::move(*bytes);
}

std::vector<std::string> RootfsTree::list(std::string_view dir) const {
  std::vector<std::string> out;
  // find_following is not const only because it can hand out a mutable node.
  const image::Node* node = const_cast<image::Rootfs&>(m_rootfs).find_following(dir);
  if (!node || !node->is_dir()) return out;
  for (const auto& [name, child] : node->children)
    if (child->kind == image::NodeKind::file) out.push_back(name);
  return out;
}

Result<ImageContents> contents_from_rootfs(const image::Assembled& assembled) {
  ImageContents out;
  TRY(read_image_files(RootfsTree(assembled.rootfs, assembled.store), out));
  return out;
}

}  // namespace wisp::sbom
