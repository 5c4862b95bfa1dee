// Content descriptors (image-spec:descriptor.md): what a blob is (media type), which bytes it
// is (digest) and how long it is (size), plus the platform of an index entry. Digests are
// "algorithm:encoded"; wisp writes sha256 and reads sha256 (64 lowercase hex) or sha512
// (128 lowercase hex), nothing else.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace wisp::oci {

struct Platform {
  std::string architecture;          // GOARCH value: amd64, arm64, arm, ppc64le, s390x, riscv64, 386
  std::string os = "linux";
  std::string variant;               // "v7" for arm/v7; empty = omitted
  std::string os_version;            // "os.version"; empty = omitted
  std::vector<std::string> os_features;  // "os.features"; empty = omitted

  bool operator==(const Platform&) const = default;
};

struct Descriptor {
  std::string media_type;
  std::string digest;          // "sha256:<64 lowercase hex>"
  uint64_t size = 0;
  std::string artifact_type;   // empty = omitted
  std::optional<Platform> platform;
  std::map<std::string, std::string> annotations;  // empty = omitted
  std::vector<std::string> urls;                   // empty = omitted

  bool operator==(const Descriptor&) const = default;
};

/// The descriptor of `bytes`: their sha256 digest and size, with `media_type`.
Descriptor describe(std::string_view bytes, std::string media_type);

/// True for "sha256:" + 64 or "sha512:" + 128 lowercase hex digits.
bool is_valid_digest(std::string_view digest);
/// Like is_valid_digest, with Errc::bad_format naming what is wrong.
Status check_digest(std::string_view digest);

/// The parts of a valid digest: "sha256" and the hex string (the path blobs/<alg>/<hex>).
/// Call only on digests that passed is_valid_digest.
std::string_view digest_algorithm(std::string_view digest);
std::string_view digest_hex(std::string_view digest);

/// Largest size a descriptor may state (OCI sizes are int64).
constexpr uint64_t k_max_descriptor_size = uint64_t{INT64_MAX};

}  // namespace wisp::oci
