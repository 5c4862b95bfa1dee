// The contents of an image (packages, OS, identity) for scan and diff, from any location wisp
// reads: oci:DIR[:TAG], docker-archive:FILE, a layout path, or a registry (docker://... or a bare
// reference; pulled into a temporary layout first, every blob checked).
#pragma once

#include <string>

#include "base/result.h"
#include "cli/registry_common.h"
#include "sbom/contents.h"

namespace wisp::cli {

/// One platform's image: `arch` in apk or OCI spelling (empty: the only one, else this
/// machine's). Errors name `location`.
Result<sbom::ImageContents> read_image_contents(const std::string& location, const std::string& arch,
                                                const RegistryFlags& flags);

}  // namespace wisp::cli
