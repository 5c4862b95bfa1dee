// The contents of an image (packages, OS, identity) for scan and diff, from any location wisp
// reads: oci:DIR[:TAG], docker-archive:FILE, a layout path, or a registry (docker://... or a
// reference naming a registry host; pulled into a temporary layout first, every blob checked).
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "base/file.h"
#include "base/result.h"
#include "cli/registry_common.h"
#include "sbom/contents.h"
#include "sbom/image_source.h"

namespace wisp::cli {

/// An image opened for reading; a registry image lives in `scratch` as long as this does.
struct OpenedImage {
  std::optional<TempDir> scratch;
  std::unique_ptr<sbom::ImageSource> source;
};

/// True when `location` names a registry image: docker://..., or a reference that is not an
/// existing path and whose first component is a registry host (has '.' or ':', or "localhost").
bool is_registry_location(const std::string& location);

/// Opens `location`; a registry image is first copied into a temporary layout, only `arch`'s
/// image when it is given, else the whole index. Errors name `location`.
Result<OpenedImage> open_image(const std::string& location, const std::string& arch, const RegistryFlags& flags);

/// One platform's image: `arch` in apk or OCI spelling (empty: the only one, else this
/// machine's). Errors name `location`.
Result<sbom::ImageContents> read_image_contents(const std::string& location, const std::string& arch,
                                                const RegistryFlags& flags);

}  // namespace wisp::cli
