#include "registry/manifest_blob.h"

#include <nlohmann/json.hpp>

#include "base/digest.h"
#include "base/encoding.h"
#include "base/strings.h"
#include "oci/media_types.h"

namespace wisp::registry {

bool is_index_media_type(std::string_view media_type) {
  return media_type == oci::k_oci_index || media_type == oci::k_docker_manifest_list;
}

bool is_image_manifest_media_type(std::string_view media_type) {
  return media_type == oci::k_oci_manifest || media_type == oci::k_docker_manifest;
}

std::string_view manifest_accept_header() {
  static const std::string value = fmt::format("{}, {}, {}, {}", oci::k_oci_index, oci::k_oci_manifest,
                                               oci::k_docker_manifest_list, oci::k_docker_manifest);
  return value;
}

Result<ManifestBlob> make_manifest_blob(std::string bytes, std::string_view fallback_type,
                                        std::string_view digest_algorithm) {
  fallback_type = trim(fallback_type.substr(0, fallback_type.find(';')));
  if (fallback_type.starts_with("application/vnd.docker.distribution.manifest.v1"))
    return fail(Errc::unsupported, "Docker schema 1 manifests ({}) are not supported", fallback_type);
  auto doc = nlohmann::json::parse(bytes, nullptr, false);
  if (doc.is_discarded() || !doc.is_object()) return fail(Errc::bad_format, "manifest is not a JSON object");
  std::string media_type;
  if (auto it = doc.find("mediaType"); it != doc.end() && it->is_string()) media_type = it->get<std::string>();
  if (!media_type.empty() && !fallback_type.empty() && media_type != fallback_type &&
      fallback_type != "application/json" && fallback_type != "application/octet-stream")
    return fail(Errc::bad_format, "manifest says mediaType {} but was served as {}", media_type, fallback_type);
  if (media_type.empty()) media_type = std::string(fallback_type);
  if (media_type.empty() || media_type == "application/json") {
    // Old writers leave mediaType out: an index has "manifests", an image "config".
    media_type = std::string(doc.contains("manifests") ? oci::k_oci_index : oci::k_oci_manifest);
  }
  if (auto it = doc.find("schemaVersion"); it != doc.end() && it->is_number() && it->get<int>() == 1)
    return fail(Errc::unsupported, "Docker schema 1 manifests are not supported");
  ManifestBlob blob;
  DigestAlg alg = digest_algorithm == "sha512" ? DigestAlg::sha512 : DigestAlg::sha256;
  blob.descriptor.media_type = std::move(media_type);
  blob.descriptor.digest = fmt::format("{}:{}", digest_alg_name(alg), hex_encode(digest(alg, bytes)));
  blob.descriptor.size = bytes.size();
  blob.bytes = std::move(bytes);
  return blob;
}

}  // namespace wisp::registry
