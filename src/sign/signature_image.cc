#include "sign/signature_image.h"

#include <algorithm>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "base/encoding.h"
#include "oci/media_types.h"
#include "oci/objects.h"
#include "sign/dsse.h"

namespace wisp::sign {

namespace {

// Go's zero time.Time, which go-containerregistry writes for created and history entries.
constexpr std::string_view k_zero_time = "0001-01-01T00:00:00Z";

/// The predicateType of the statement inside a DSSE envelope, as `cosign attest --replace`
/// reads it: only that member matters, so foreign statements with extra members still count.
Result<std::string> envelope_predicate_type(std::string_view envelope_json) {
  TRY_ASSIGN(DsseEnvelope envelope, parse_dsse(envelope_json));
  if (envelope.payload_type != k_in_toto_payload_type)
    return fail(Errc::bad_format, "payloadType is '{}', not '{}'", envelope.payload_type, k_in_toto_payload_type);
  auto statement = nlohmann::json::parse(envelope.payload, nullptr, false);
  if (!statement.is_object()) return fail(Errc::bad_format, "the envelope payload is not a JSON object");
  auto it = statement.find("predicateType");
  if (it == statement.end() || !it->is_string()) return fail(Errc::bad_format, "the statement has no predicateType");
  return it->get<std::string>();
}

}  // namespace

std::string_view attachment_suffix(AttachmentKind kind) {
  return kind == AttachmentKind::signature ? ".sig" : ".att";
}

Result<std::string> attachment_tag(std::string_view digest, AttachmentKind kind) {
  TRY(oci::check_digest(digest));
  if (oci::digest_algorithm(digest) != "sha256")
    return fail(Errc::bad_format, "{}: cosign attaches signatures to sha256 digests only", digest);
  return fmt::format("sha256-{}{}", oci::digest_hex(digest), attachment_suffix(kind));
}

SignatureLayer SignatureLayer::make(std::string media_type, std::string payload,
                                    std::map<std::string, std::string> annotations) {
  SignatureLayer layer;
  layer.descriptor = oci::describe(payload, std::move(media_type));
  layer.descriptor.annotations = std::move(annotations);
  layer.payload = std::move(payload);
  return layer;
}

Result<std::string> SignatureLayer::signature() const {
  auto it = descriptor.annotations.find(std::string(k_signature_annotation));
  if (it == descriptor.annotations.end() || it->second.empty()) return std::string();
  TRY_ASSIGN_CTX(std::string raw, base64_decode(it->second), "annotation {}", k_signature_annotation);
  return raw;
}

Result<std::vector<oci::Descriptor>> SignatureImage::parse_layers(std::string_view manifest_json) {
  TRY_ASSIGN(oci::Manifest manifest, oci::parse_manifest(manifest_json));
  if (manifest.layers.size() > k_max_signature_layers)
    return fail(Errc::too_large, "{} layers, more than the {} a signature image may have", manifest.layers.size(),
                k_max_signature_layers);
  for (size_t i = 0; i < manifest.layers.size(); ++i) {
    if (manifest.layers[i].size > k_max_signature_payload)
      return fail(Errc::too_large, "layers[{}]: {} bytes, more than a signature payload may have", i,
                  manifest.layers[i].size);
  }
  return std::move(manifest.layers);
}

Result<SignatureImage> SignatureImage::from_layers(std::vector<SignatureLayer> layers) {
  if (layers.size() > k_max_signature_layers)
    return fail(Errc::too_large, "{} layers, more than the {} a signature image may have", layers.size(),
                k_max_signature_layers);
  for (size_t i = 0; i < layers.size(); ++i) {
    if (layers[i].payload.size() != layers[i].descriptor.size)
      return fail(Errc::bad_format, "layers[{}]: the payload has {} bytes, its descriptor says {}", i,
                  layers[i].payload.size(), layers[i].descriptor.size);
  }
  SignatureImage image;
  image.m_layers = std::move(layers);
  return image;
}

Result<bool> SignatureImage::append(SignatureLayer layer, const PublicKey& signer) {
  auto duplicates = [&](const SignatureLayer& existing) {
    if (existing.descriptor.digest != layer.descriptor.digest) return false;
    if (existing.descriptor.media_type != layer.descriptor.media_type) return false;
    for (const auto& [key, value] : layer.descriptor.annotations) {
      if (key == k_signature_annotation) continue;  // compared by verifying, below
      auto it = existing.descriptor.annotations.find(key);
      if (it == existing.descriptor.annotations.end() || it->second != value) return false;
    }
    auto signature = existing.signature();
    return signature && !signature->empty() && signer.verify(existing.payload, *signature);
  };
  if (std::any_of(m_layers.begin(), m_layers.end(), duplicates)) return false;
  if (m_layers.size() >= k_max_signature_layers)
    return fail(Errc::too_large, "the signature image already has {} layers, the most cosign allows",
                k_max_signature_layers);
  m_layers.push_back(std::move(layer));
  return true;
}

Result<size_t> SignatureImage::remove_predicate_type(std::string_view predicate_type) {
  std::vector<SignatureLayer> kept;
  for (size_t i = 0; i < m_layers.size(); ++i) {
    TRY_ASSIGN_CTX(std::string type, envelope_predicate_type(m_layers[i].payload), "attestation layer {} ({})", i,
                   m_layers[i].descriptor.digest);
    if (type != predicate_type) kept.push_back(std::move(m_layers[i]));
  }
  size_t removed = m_layers.size() - kept.size();
  m_layers = std::move(kept);
  return removed;
}

SerializedSignatureImage SignatureImage::serialize() const {
  // Hand-written in go-containerregistry's ConfigFile member order; every value is a constant
  // or a validated digest, so nothing needs escaping.
  std::string history, diff_ids;
  for (const SignatureLayer& layer : m_layers) {
    if (!history.empty()) {
      history += ',';
      diff_ids += ',';
    }
    history += fmt::format(R"({{"created":"{}"}})", k_zero_time);
    diff_ids += fmt::format(R"("{}")", layer.descriptor.digest);
  }
  SerializedSignatureImage out;
  out.config_bytes = fmt::format(R"({{"architecture":"","created":"{}",)", k_zero_time);
  if (!history.empty()) out.config_bytes += fmt::format(R"("history":[{}],)", history);
  out.config_bytes += fmt::format(R"("os":"","rootfs":{{"type":"layers","diff_ids":[{}]}},"config":{{}}}})", diff_ids);
  out.config = oci::describe(out.config_bytes, std::string(oci::k_oci_config));

  oci::Manifest manifest;
  manifest.config = out.config;
  for (const SignatureLayer& layer : m_layers) manifest.layers.push_back(layer.descriptor);
  out.manifest_bytes = oci::serialize(manifest);
  return out;
}

std::string cosign_repository_name(std::string_view registry, std::string_view repository) {
  // go-containerregistry names Docker Hub "index.docker.io", as cosign's payloads show.
  std::string_view host = registry == "docker.io" ? std::string_view("index.docker.io") : registry;
  return fmt::format("{}/{}", host, repository);
}

}  // namespace wisp::sign
