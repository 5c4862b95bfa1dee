// One architecture's assembled rootfs as an OCI image in a layout being written: the layer
// blob(s), the config blob and the manifest (apko-melange.md §3, oci-registries-scanners.md §1).
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "base/result.h"
#include "build/arch.h"
#include "build/image_config.h"
#include "image/assemble.h"
#include "oci/layer_writer.h"
#include "oci/layout.h"
#include "oci/objects.h"

namespace wisp::image {

struct ImageOptions {
  oci::LayerOptions layer;
  int64_t created = 0;  // the build date: config `created`, history and the created annotation
};

/// The annotations of manifests and the index (and the config's Labels): the image file's,
/// org.opencontainers.image.created, and source/revision from `vcs-url` ("<url>@<revision>").
std::map<std::string, std::string> image_annotations(const build::ImageConfig& config, int64_t created);

/// The OCI config's `config` section: Entrypoint (shell-fragment wins over command), Cmd, Env
/// (the image file's plus PATH and SSL_CERT_FILE defaults, sorted), User, WorkingDir,
/// StopSignal, Volumes, Labels. Errc::usage for an entrypoint or cmd that does not shell-split.
Result<oci::ContainerConfig> container_config(const build::ImageConfig& config, const std::string& user,
                                              const std::map<std::string, std::string>& labels);

/// Writes the layers, config and manifest of `image` into `layout`; returns the manifest's
/// descriptor with its platform set (for the index).
Result<oci::Descriptor> write_arch_image(oci::LayoutWriter& layout, const Assembled& image,
                                         const build::ImageConfig& config, const build::Arch& arch,
                                         const ImageOptions& options);

}  // namespace wisp::image
