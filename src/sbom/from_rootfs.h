// SBOM contents of an image a build has just assembled: read from its in-memory rootfs while
// the build still holds it (the `ArchHook` of cli/build_common.h), through the same FileTree
// reader `wisp sbom` uses on layers, so both describe the image alike.
#pragma once

#include "base/result.h"
#include "image/assemble.h"
#include "sbom/contents.h"
#include "sbom/file_tree.h"

namespace wisp::sbom {

/// The files of an assembled rootfs (bytes from its ContentStore).
class RootfsTree final : public FileTree {
 public:
  RootfsTree(const image::Rootfs& rootfs, const image::ContentStore& store) : m_rootfs(rootfs), m_store(store) {}
  std::optional<std::string> read(std::string_view path) const override;
  std::vector<std::string> list(std::string_view dir) const override;

 private:
  const image::Rootfs& m_rootfs;
  const image::ContentStore& m_store;
};

/// The OS, packages and embedded documents of `assembled` (read_image_files). The image's
/// identity, layers and date come later from its manifest (describe_image in image_source.h).
Result<ImageContents> contents_from_rootfs(const image::Assembled& assembled);

}  // namespace wisp::sbom
