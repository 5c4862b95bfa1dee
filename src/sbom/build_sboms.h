// The SBOM files `wisp build` writes beside its output (apko's names): sbom-<arch>.spdx.json and
// sbom-<arch>.cdx.json per architecture, and sbom-index.spdx.json for a multi-arch index.
//
// Two steps, because the build hands out each rootfs before its image is committed: add_arch()
// (from the build's per-arch hook) reads what the rootfs holds; write() completes each arch from
// its manifest and config in the committed layout and writes the files (each atomically).
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>

#include "base/result.h"
#include "image/assemble.h"
#include "oci/descriptor.h"
#include "oci/objects.h"
#include "sbom/contents.h"

namespace wisp::sbom {

struct SbomOutput {
  std::filesystem::path dir;   // where the files go (created if missing)
  bool spdx = true;
  bool cyclonedx = true;
  std::string reference;       // the image's tag ("hello:latest", "ghcr.io/acme/app:1")
  bool docker_archive = false; // the image goes into a docker archive: the tag gains ":latest"
                               // when it has none, as the archive's RepoTags do
};

/// Reads a list such as "spdx,cyclonedx" into `out` (also "cdx"). Errc::usage for other names
/// or an empty list.
Status parse_sbom_formats(std::string_view list, SbomOutput& out);

class BuildSboms {
 public:
  explicit BuildSboms(SbomOutput output) : m_output(std::move(output)) {}

  /// Takes the OS, packages and embedded documents of one arch's rootfs. Errc::bad_format
  /// when its package database does not parse.
  Status add_arch(const image::Assembled& rootfs, const std::string& apk_arch, const oci::Descriptor& manifest);

  /// Writes every file. `layout_dir` is the committed layout holding the manifests; `index`
  /// is the multi-arch index when the build wrote one (its descriptor and object).
  Status write(const std::filesystem::path& layout_dir, const std::optional<oci::Descriptor>& index_descriptor,
               const oci::Index& index, int64_t created) const;

 private:
  struct Arch {
    ImageContents contents;
    oci::Descriptor manifest;
  };
  SbomOutput m_output;
  std::map<std::string, Arch> m_archs;  // by apk arch
};

}  // namespace wisp::sbom
