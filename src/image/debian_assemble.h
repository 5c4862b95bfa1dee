// One architecture's root filesystem from Debian packages: the distroless skeleton, the .debs
// installed in order (no maintainer script runs), what their scripts would have done
// (debian_rootfs.h), then the image file's accounts, paths and certificates, as for APK images.
#pragma once

#include <cstdint>
#include <string>

#include "base/result.h"
#include "build/image_config.h"
#include "image/assemble.h"
#include "image/deb_packages.h"

namespace wisp::image {

Result<Assembled> assemble_debian_rootfs(const build::ImageConfig& config, const std::string& apk_arch,
                                         int64_t mtime, FetchedDebs fetched);

}  // namespace wisp::image
