// Image references as Docker and every registry client write them:
//   [REGISTRY/]REPOSITORY[:TAG][@DIGEST]
// The first path component is a registry when it has a '.' or a ':' or is "localhost";
// otherwise the registry is Docker Hub ("docker.io"), where one-component names live under
// "library/". Repository components are lowercase [a-z0-9] runs joined by '.', '_', '__' or
// dashes (distribution-spec); tags are [A-Za-z0-9_][A-Za-z0-9._-]{0,127}; digests are what
// oci::check_digest accepts.
#pragma once

#include <string>
#include <string_view>

#include "base/result.h"

namespace wisp::registry {

struct Reference {
  std::string registry;    // "docker.io", "ghcr.io", "127.0.0.1:5000", "[::1]:5000"
  std::string repository;  // "library/alpine", "acme/app"
  std::string tag;         // empty when only a digest was given
  std::string digest;      // "sha256:..." or empty

  /// "registry/repository".
  std::string name() const;
  /// The reference written back: name[:tag][@digest].
  std::string str() const;
  /// What the manifest endpoints take: the digest when there is one, else the tag.
  std::string identifier() const { return digest.empty() ? tag : digest; }
  /// The host API requests go to (Docker Hub's is registry-1.docker.io).
  std::string api_host() const;

  bool operator==(const Reference&) const = default;
};

/// Parses a reference. Without a tag or digest the tag is "latest". Errc::usage naming the
/// reference and what is wrong with it.
Result<Reference> parse_reference(std::string_view text);

/// Parses a repository name ([REGISTRY/]REPOSITORY) for commands that take no tag (wisp tags);
/// a tag or digest is Errc::usage.
Result<Reference> parse_repository(std::string_view text);

/// True for a tag distribution accepts.
bool is_valid_tag(std::string_view tag);

/// True for localhost, 127.0.0.0/8 and ::1 (with or without a port): registries that may be
/// reached over plain HTTP without --insecure, as Docker allows.
bool is_loopback_host(std::string_view registry);

}  // namespace wisp::registry
