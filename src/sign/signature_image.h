// The images cosign keeps beside a signed image (signing-sbom.md §1.3, §3.4): an OCI image
// manifest tagged "sha256-<hex>.sig" (signatures) or "sha256-<hex>.att" (attestations) with one
// layer per signature. A .sig layer is a simple-signing payload with its base64 signature in the
// layer annotation dev.cosignproject.cosign/signature; an .att layer is a DSSE envelope (the
// signature is inside), annotated with an empty signature and its predicateType. Signing is
// read-modify-write: the existing layers (other signers' too) are kept, a duplicate is not
// added twice. This file is the model only; the registry I/O lives with the commands.
#pragma once

#include <cstddef>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "oci/descriptor.h"
#include "sign/cosign_key.h"

namespace wisp::sign {

inline constexpr std::string_view k_signature_annotation = "dev.cosignproject.cosign/signature";
inline constexpr std::string_view k_predicate_type_annotation = "predicateType";
/// cosign refuses to add a layer beyond this many (pkg/oci/mutate/signatures.go).
inline constexpr size_t k_max_signature_layers = 1000;
/// Largest signature payload read back (a DSSE envelope holding an SBOM can be megabytes).
inline constexpr uint64_t k_max_signature_payload = uint64_t{64} << 20;

enum class AttachmentKind { signature, attestation };

/// ".sig" or ".att".
std::string_view attachment_suffix(AttachmentKind kind);

/// "sha256-<hex>.sig" / ".att" for "sha256:<hex>"; Errc::bad_format for anything but a valid
/// sha256 digest.
Result<std::string> attachment_tag(std::string_view digest, AttachmentKind kind);

/// One signature: the layer descriptor (media type, digest and size of `payload`, annotations)
/// and the payload bytes.
struct SignatureLayer {
  oci::Descriptor descriptor;
  std::string payload;

  /// A new layer for `payload` with these annotations.
  static SignatureLayer make(std::string media_type, std::string payload, std::map<std::string, std::string> annotations);
  /// The base64-decoded signature annotation; empty when absent or empty (attestations).
  Result<std::string> signature() const;
};

/// The bytes of a signature image, ready to push: config blob, then the manifest.
struct SerializedSignatureImage {
  oci::Descriptor config;
  std::string config_bytes;
  std::string manifest_bytes;  // an OCI image manifest, media type included
};

class SignatureImage {
 public:
  /// The layer descriptors of an existing .sig/.att manifest (OCI or Docker schema 2 image
  /// manifest). Errc::bad_format for anything else, Errc::too_large beyond the layer cap.
  static Result<std::vector<oci::Descriptor>> parse_layers(std::string_view manifest_json);

  /// An image from layers read back: descriptors from parse_layers() and each blob, in order
  /// (the caller checks each blob against its digest; here only counts and sizes are checked).
  static Result<SignatureImage> from_layers(std::vector<SignatureLayer> layers);

  const std::vector<SignatureLayer>& layers() const { return m_layers; }
  bool empty() const { return m_layers.empty(); }

  /// Adds `layer` unless it duplicates one already there, as cosign's dupe detector decides:
  /// same payload digest and media type, every annotation of `layer` but the signature present
  /// with the same value, and the existing layer's signature verifying over its payload under
  /// `signer` (the key that signed `layer`). Returns whether it was added; Errc::too_large at
  /// the layer cap.
  Result<bool> append(SignatureLayer layer, const PublicKey& signer);

  /// `attest --replace`: drops the DSSE layers whose statement's predicateType (read from the
  /// envelope payload, not the annotation) is `predicate_type`. Errc::bad_format naming the
  /// layer when one cannot be read as an envelope with an in-toto statement. Returns how many
  /// were dropped.
  Result<size_t> remove_predicate_type(std::string_view predicate_type);

  /// The image config go-containerregistry writes for such images (empty architecture and os,
  /// zero creation time, one empty history entry and one diff_id per layer), and the manifest.
  SerializedSignatureImage serialize() const;

 private:
  std::vector<SignatureLayer> m_layers;
};

/// The repository name cosign writes in payloads and statement subjects for a reference's
/// registry and repository: "registry/repository", Docker Hub as "index.docker.io".
std::string cosign_repository_name(std::string_view registry, std::string_view repository);

}  // namespace wisp::sign
