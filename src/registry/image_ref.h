// Where an image is, in skopeo's transport:reference syntax:
//   docker://[REGISTRY/]REPO[:TAG][@DIGEST]   a registry (the default when no transport is given)
//   oci:DIR[:TAG]                             an OCI image layout directory (TAG = ref.name)
//   oci-archive:FILE[:TAG]                    a tar of an OCI image layout
//   docker-archive:FILE[:NAME:TAG]            a `docker save`/`docker load` tar (one platform)
#pragma once

#include <string>
#include <string_view>

#include "base/result.h"
#include "registry/reference.h"

namespace wisp::registry {

enum class TransportKind { docker, oci, oci_archive, docker_archive };

std::string_view transport_name(TransportKind kind);  // "docker", "oci", ...

struct ImageLocation {
  TransportKind kind = TransportKind::docker;
  Reference reference;  // docker
  std::string path;     // oci, oci-archive, docker-archive
  /// oci and oci-archive: the ref.name (empty: the only image there). docker-archive: the
  /// repo:tag written into or looked up in RepoTags (empty: none / the first image).
  std::string tag;
  std::string text;  // as the user wrote it, for messages
};

/// Parses `text`. A string without a known transport prefix is a docker reference.
/// Errc::usage for an empty path or a malformed reference.
Result<ImageLocation> parse_image_location(std::string_view text);

}  // namespace wisp::registry
