// Existing images `wisp sbom` reads: an OCI image layout directory (oci:DIR[:TAG]) or a
// `docker save` / `wisp build --format docker-tar` archive (docker-archive:FILE), in either of
// its two forms: with oci-layout/index.json (Docker 25+, wisp) or with manifest.json only (older
// Docker, whose layers are plain tars and which has no manifest blob). The image's layers are
// overlaid (layer_tree.h) to find its package databases; every blob is checked against its digest.
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

#include "base/result.h"
#include "oci/objects.h"
#include "sbom/contents.h"

namespace wisp::sbom {

struct ImageRef {
  enum class Kind { oci_layout, docker_archive };
  Kind kind = Kind::oci_layout;
  std::filesystem::path path;
  std::string tag;  // oci: the ref.name to pick from index.json; empty: the only image
};

/// "oci:DIR[:TAG]" (TAG is everything after the first ':' following DIR, so "oci:out:app:1"
/// names tag "app:1"), "docker-archive:FILE", or a plain path: a directory with an oci-layout
/// file is a layout, a regular file a docker archive. Errc::usage for other transports and
/// Errc::not_found for a plain path that does not exist.
Result<ImageRef> parse_image_ref(std::string_view text);

/// An opened image reference.
class ImageSource {
 public:
  /// Reads the reference's top-level description (index.json or manifest.json). Errc::not_found
  /// when the path is missing or is not a layout/archive, Errc::bad_format when it is broken.
  static Result<std::unique_ptr<ImageSource>> open(const ImageRef& ref);
  virtual ~ImageSource() = default;

  /// The image for `arch` (apk or OCI spelling; empty: the only one, else this machine's):
  /// identity, layers and date from its manifest and config, OS and packages from its layers.
  /// Errc::not_found naming the archs there are when `arch` is not among them; Errc::usage
  /// when the reference holds several images and does not say which.
  virtual Result<ImageContents> read_image(std::string_view arch) = 0;
  /// The multi-arch index the reference names. Errc::not_found when it names a single image.
  virtual Result<IndexContents> read_index() = 0;
};

/// Sets what an image's manifest and config say: digest and media type (of `descriptor`),
/// layers with their diff_ids, OCI and apk arch, and `created` (the config's, 0 when absent).
/// Errc::bad_format for a config `created` that is not RFC 3339.
Status describe_image(ImageContents& out, const oci::Descriptor& descriptor, const oci::Manifest& manifest,
                      const oci::ImageConfig& config);

/// Seconds since the epoch of an RFC 3339 time ("2023-11-14T22:13:20Z", fractions and offsets
/// allowed); nullopt when it is not one.
std::optional<int64_t> parse_rfc3339(std::string_view text);

}  // namespace wisp::sbom
