// The OCI JSON objects wisp writes and reads: image config, image manifest, image index
// (image-spec:config.md, manifest.md, image-index.md).
//
// serialize() writes canonical compact JSON: fields in go-containerregistry's struct order
// (the order apko's images have), empty optional fields omitted, map keys sorted, strings
// escaped as Go's encoding/json does (<, >, & as \u003c.., invalid UTF-8 as U+FFFD). The bytes
// are the identity of the object (its digest), so they are produced once and never rewritten.
//
// The parsers read untrusted bytes: they are strict about what they model (types, digests,
// sizes, RFC 3339 times; Errc::bad_format naming the field, e.g. "layers[2].digest: ...") and
// ignore fields they do not model, as the spec requires. For every value x a parser returns,
// parse(serialize(x)) == x and serialize() of that is the same bytes again (fuzz/oci_json_fuzz).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "oci/descriptor.h"
#include "oci/media_types.h"

namespace wisp::oci {

struct HistoryEntry {
  std::string created;     // RFC 3339; empty = omitted
  std::string author;
  std::string created_by;
  std::string comment;
  bool empty_layer = false;

  bool operator==(const HistoryEntry&) const = default;
};

/// The "config" object of an image config: how to run a container. Empty fields are omitted.
struct ContainerConfig {
  std::vector<std::string> entrypoint, cmd, env;
  std::string user, working_dir, stop_signal;
  std::vector<std::string> volumes;        // written as {"/v":{}}, sorted, duplicates once
  std::vector<std::string> exposed_ports;  // same form ("8080/tcp")
  std::map<std::string, std::string> labels;

  bool operator==(const ContainerConfig&) const = default;
};

/// The OCI config blob.
struct ImageConfig {
  std::string created;  // RFC 3339 UTC "2023-11-14T22:13:20Z"; empty = omitted
  std::string author, architecture, variant, os = "linux";
  ContainerConfig config;
  std::vector<std::string> diff_ids;  // "sha256:..." of each uncompressed layer, base first
  std::vector<HistoryEntry> history;

  bool operator==(const ImageConfig&) const = default;
};

struct Manifest {
  Descriptor config;
  std::vector<Descriptor> layers;
  std::map<std::string, std::string> annotations;
  std::string media_type = std::string(k_oci_manifest);  // empty = omitted (old writers)
  std::string artifact_type;                             // empty = omitted
  std::optional<Descriptor> subject;                     // the referrers API's link

  bool operator==(const Manifest&) const = default;
};

struct Index {
  std::vector<Descriptor> manifests;
  std::map<std::string, std::string> annotations;
  std::string media_type = std::string(k_oci_index);  // empty = omitted (old writers)
  std::string artifact_type;                          // empty = omitted
  std::optional<Descriptor> subject;

  bool operator==(const Index&) const = default;
};

std::string serialize(const ImageConfig& config);
/// {"schemaVersion":2,"mediaType":...,"config":...,"layers":[...],...}
std::string serialize(const Manifest& manifest);
std::string serialize(const Index& index);

/// "2023-11-14T22:13:20Z" (UTC, whole seconds) for years 0..9999; times outside are clamped.
std::string rfc3339_utc(int64_t unix_seconds);
/// True for an RFC 3339 date-time ("2023-11-14T22:13:20Z", fractional seconds and numeric
/// offsets allowed), as Go's time.Time reads it.
bool is_rfc3339(std::string_view text);

/// Index and manifest media types accepted: absent, OCI, or the Docker schema 2 equivalent.
Result<Index> parse_index(std::string_view json);
Result<Manifest> parse_manifest(std::string_view json);
/// Reads what serialize(ImageConfig) writes; rootfs.type must be "layers".
Result<ImageConfig> parse_image_config(std::string_view json);

}  // namespace wisp::oci
