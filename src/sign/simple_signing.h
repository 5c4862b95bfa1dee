// cosign's "simple signing" payload (signing-sbom.md §1.1): the bytes a container image
// signature covers.
//   {"critical":{"identity":{"docker-reference":REPO},"image":{"docker-manifest-digest":"sha256:HEX"},
//    "type":"cosign container image signature"},"optional":null|{k:v,...}}
#pragma once

#include <map>
#include <string>
#include <string_view>

#include "base/result.h"

namespace wisp::sign {

inline constexpr std::string_view k_simple_signing_type = "cosign container image signature";
inline constexpr std::string_view k_simple_signing_media_type = "application/vnd.dev.cosign.simplesigning.v1+json";

struct SimpleSigningPayload {
  std::string docker_reference;  // repository, no tag or digest: "registry.example/team/app"
  std::string manifest_digest;   // "sha256:<64 lowercase hex>"
  std::map<std::string, std::string> annotations;  // `optional`; empty => null

  bool operator==(const SimpleSigningPayload&) const = default;
};

/// The exact bytes cosign writes (compact JSON, member order as above).
std::string serialize(const SimpleSigningPayload& payload);

/// Parses with containers/image's strictness: exactly these members, `optional` present (null
/// or an object of strings; other values are rejected), the constant type. Errc::bad_format.
Result<SimpleSigningPayload> parse_simple_signing(std::string_view json);

}  // namespace wisp::sign
