// DSSE envelopes and in-toto statements (signing-sbom.md §3): what cosign attest signs.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "sign/cosign_key.h"

namespace wisp::sign {

inline constexpr std::string_view k_in_toto_payload_type = "application/vnd.in-toto+json";
inline constexpr std::string_view k_dsse_media_type = "application/vnd.dsse.envelope.v1+json";
inline constexpr std::string_view k_statement_v01 = "https://in-toto.io/Statement/v0.1";
inline constexpr std::string_view k_statement_v1 = "https://in-toto.io/Statement/v1";

/// "DSSEv1 <len type> <type> <len body> <body>" with byte lengths in decimal.
std::string pae(std::string_view payload_type, std::string_view payload);

struct DsseSignature {
  std::string keyid;  // empty: omitted
  std::string sig;    // raw DER bytes (base64 in JSON)
};

struct DsseEnvelope {
  std::string payload_type;
  std::string payload;  // raw bytes (standard padded base64 in JSON)
  std::vector<DsseSignature> signatures;
};

/// Signs PAE(type, payload) with `key`: one signature, empty keyid.
Result<DsseEnvelope> dsse_sign(std::string_view payload_type, std::string payload, const PrivateKey& key);
/// True when some signature verifies over PAE with `key`.
bool dsse_verify(const DsseEnvelope& envelope, const PublicKey& key);

/// Compact JSON: {"payloadType":..,"payload":..,"signatures":[{"keyid":..,"sig":..}]} (keyid
/// left out when empty).
std::string serialize(const DsseEnvelope& envelope);
/// Errc::bad_format for anything else (standard base64 only).
Result<DsseEnvelope> parse_dsse(std::string_view json);

struct InTotoSubject {
  std::string name;        // cosign: the image repository
  std::string sha256_hex;  // bare hex, no "sha256:"

  bool operator==(const InTotoSubject&) const = default;
};

struct InTotoStatement {
  std::string type = std::string(k_statement_v01);  // `_type`
  std::vector<InTotoSubject> subjects;
  std::string predicate_type;  // e.g. https://spdx.dev/Document
  std::string predicate_json;  // the predicate object, as compact JSON text

  bool operator==(const InTotoStatement&) const = default;
};

/// Exactly `_type`, `subject`, `predicateType`, `predicate` (cosign parses with protojson,
/// which rejects unknown fields). Compact JSON.
std::string serialize(const InTotoStatement& statement);
/// Errc::bad_format unless a JSON object with `_type` (v0.1 or v1), a non-empty subject list
/// whose digests have sha256, a predicateType and an object (or string) predicate.
Result<InTotoStatement> parse_statement(std::string_view json);

}  // namespace wisp::sign
