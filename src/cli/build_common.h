// The build pipeline shared by `wisp build` and `wisp publish`: plan (resolver or lockfile),
// fetch and unpack every arch, assemble each rootfs, write each arch's image into an OCI layout
// and the multi-arch index, then commit the layout.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "base/result.h"
#include "build/arch.h"
#include "build/image_config.h"
#include "cli/resolve_common.h"
#include "image/assemble.h"
#include "oci/objects.h"

namespace wisp::cli {

struct BuildRequest {
  std::string config_path;
  RepoFlags flags;
  build::Overrides more;          // --annotations, --build-date
  std::string lock_path;          // --lockfile; empty: resolve
  std::string compression = "gzip";
  size_t threads = 0;
  std::filesystem::path layout_dir;
  std::string ref_name;           // the tag written in index.json
  /// index.json lists the per-arch manifests themselves (docker-tar) instead of one entry
  /// naming the multi-arch index (the default, which skopeo/umoci/containerd select from).
  bool flat_index = false;

  /// The options `wisp build` and `wisp publish` share: --compression, --lockfile,
  /// --annotations, --build-date, -j/--jobs (described by `jobs_help`).
  void add_build_options(CLI::App& app, const std::string& jobs_help);
};

struct BuiltArch {
  build::Arch arch;
  oci::Descriptor manifest;  // with its platform
  size_t packages = 0;
};

struct BuiltImage {
  build::ImageConfig config;
  int64_t created = 0;                  // the build date
  oci::Index index;                     // the multi-arch index (manifests sorted by platform)
  std::optional<oci::Descriptor> index_descriptor;  // its blob, unless flat_index
  std::vector<BuiltArch> archs;
};

/// Called for each arch once its image is in the staged layout, while its rootfs is still in
/// memory (e.g. to write SBOMs). An error stops the build; nothing is committed.
using ArchHook = std::function<Status(const image::Assembled& rootfs, const BuiltArch& built,
                                      const build::ImageConfig& config, int64_t created)>;

/// Runs the whole build and commits the layout at request.layout_dir. Errors carry the image
/// file's name.
Result<BuiltImage> build_layout(const BuildRequest& request, const ArchHook& hook = nullptr);

/// One SBOM file sbom::BuildSboms wrote, and the cosign predicate type name it is attested as.
struct SbomFile {
  std::filesystem::path path;
  std::string type;  // "spdxjson" or "cyclonedx"
};

/// The SBOM files in `sbom_dir` (as sbom::BuildSboms names them) that describe `digest`: the
/// index SPDX document for the index, an arch's SPDX and CycloneDX documents for its manifest,
/// nothing for other digests. Only files that exist are listed.
std::vector<SbomFile> sbom_files_for(const BuiltImage& built, const std::string& digest,
                                     const std::filesystem::path& sbom_dir);

/// "image" for "dir/image.yaml": the default tag.
std::string default_tag(const std::string& config_path);

}  // namespace wisp::cli
