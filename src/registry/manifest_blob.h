// A manifest or index exactly as stored: its bytes are its identity, so they travel with their
// descriptor and are never re-serialized on the way between transports.
#pragma once

#include <string>
#include <string_view>

#include "base/result.h"
#include "oci/descriptor.h"

namespace wisp::registry {

struct ManifestBlob {
  oci::Descriptor descriptor;  // media type, digest and size of `bytes`
  std::string bytes;
};

/// True for OCI image indexes and Docker manifest lists.
bool is_index_media_type(std::string_view media_type);
/// True for OCI image manifests and Docker schema 2 manifests.
bool is_image_manifest_media_type(std::string_view media_type);

/// The Accept header value for manifest requests: every type wisp reads.
std::string_view manifest_accept_header();

/// A ManifestBlob for `bytes`: the media type is the JSON's "mediaType", else `fallback_type`
/// (a registry's Content-Type, without parameters); the digest is sha256 unless
/// `digest_algorithm` is "sha512". Errc::bad_format when the bytes are not a JSON object or
/// "mediaType" and a non-empty `fallback_type` disagree; Errc::unsupported for Docker schema 1.
/// Without either, an object with "manifests" is an OCI index, anything else an OCI manifest.
Result<ManifestBlob> make_manifest_blob(std::string bytes, std::string_view fallback_type,
                                        std::string_view digest_algorithm = "sha256");

}  // namespace wisp::registry
