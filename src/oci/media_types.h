// Media types and annotation keys of the OCI image spec (image-spec:media-types.md,
// annotations.md) and their Docker schema 2 equivalents, for readers that meet both.
#pragma once

#include <string_view>

namespace wisp::oci {

constexpr std::string_view k_oci_index = "application/vnd.oci.image.index.v1+json";
constexpr std::string_view k_oci_manifest = "application/vnd.oci.image.manifest.v1+json";
constexpr std::string_view k_oci_config = "application/vnd.oci.image.config.v1+json";
constexpr std::string_view k_oci_layer_tar = "application/vnd.oci.image.layer.v1.tar";
constexpr std::string_view k_oci_layer_gzip = "application/vnd.oci.image.layer.v1.tar+gzip";
constexpr std::string_view k_oci_layer_zstd = "application/vnd.oci.image.layer.v1.tar+zstd";
constexpr std::string_view k_oci_layout_header = "application/vnd.oci.layout.header.v1+json";

constexpr std::string_view k_docker_manifest_list =
    "application/vnd.docker.distribution.manifest.list.v2+json";
constexpr std::string_view k_docker_manifest = "application/vnd.docker.distribution.manifest.v2+json";
constexpr std::string_view k_docker_config = "application/vnd.docker.container.image.v1+json";
constexpr std::string_view k_docker_layer_gzip = "application/vnd.docker.image.rootfs.diff.tar.gzip";

/// The tag of a manifest inside an image layout's index.json ("latest", "v1.0").
constexpr std::string_view k_ann_ref_name = "org.opencontainers.image.ref.name";
/// RFC 3339 build time of an image.
constexpr std::string_view k_ann_created = "org.opencontainers.image.created";
/// Full image name (repo:tag) containerd and Docker 25+ put beside ref.name in archives.
constexpr std::string_view k_ann_containerd_image_name = "io.containerd.image.name";

/// The imageLayoutVersion written to and accepted in oci-layout.
constexpr std::string_view k_layout_version = "1.0.0";

}  // namespace wisp::oci
