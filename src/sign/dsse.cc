#include "sign/dsse.h"

#include <nlohmann/json.hpp>

#include "base/encoding.h"
#include "sign/strict_json.h"

namespace wisp::sign {

namespace {

using json = nlohmann::ordered_json;

constexpr std::string_view k_what = "DSSE envelope";

Result<std::string> string_member(const json& object, const char* key, std::string_view where) {
  const json& value = object.at(key);
  if (!value.is_string())
    return fail(Errc::bad_format, "{}: {}{}: expected a string, got {}", k_what, where, key, value.type_name());
  return value.get<std::string>();
}

Result<std::string> base64_member(const json& object, const char* key, std::string_view where) {
  TRY_ASSIGN(std::string text, string_member(object, key, where));
  auto bytes = base64_decode(text);
  if (!bytes)
    return fail(Errc::bad_format, "{}: {}{}: not standard padded base64: {}", k_what, where, key,
                bytes.error().message);
  return std::move(*bytes);
}

Result<DsseSignature> parse_signature(const json& value, size_t index) {
  std::string where = fmt::format("signatures[{}].", index);
  if (!value.is_object())
    return fail(Errc::bad_format, "{}: {}: expected an object, got {}", k_what, where, value.type_name());
  for (const auto& [key, member] : value.items())
    if (key != "keyid" && key != "sig") return fail(Errc::bad_format, "{}: {}: unexpected member \"{}\"", k_what, where, key);
  if (!value.contains("sig")) return fail(Errc::bad_format, "{}: {}sig: missing", k_what, where);
  DsseSignature signature;
  TRY_ASSIGN(signature.sig, base64_member(value, "sig", where));
  if (value.contains("keyid")) {
    TRY_ASSIGN(signature.keyid, string_member(value, "keyid", where));
  }
  return signature;
}

}  // namespace

std::string pae(std::string_view payload_type, std::string_view payload) {
  return fmt::format("DSSEv1 {} {} {} {}", payload_type.size(), payload_type, payload.size(), payload);
}

Result<DsseEnvelope> dsse_sign(std::string_view payload_type, std::string payload, const PrivateKey& key) {
  TRY_ASSIGN_CTX(std::string signature, key.sign(pae(payload_type, payload)), "signing the DSSE envelope");
  DsseEnvelope envelope;
  envelope.payload_type = std::string(payload_type);
  envelope.payload = std::move(payload);
  envelope.signatures.push_back(DsseSignature{"", std::move(signature)});
  return envelope;
}

bool dsse_verify(const DsseEnvelope& envelope, const PublicKey& key) {
  const std::string signed_bytes = pae(envelope.payload_type, envelope.payload);
  for (const DsseSignature& signature : envelope.signatures)
    if (key.verify(signed_bytes, signature.sig)) return true;
  return false;
}

std::string serialize(const DsseEnvelope& envelope) {
  json root = json::object();
  root["payloadType"] = envelope.payload_type;
  root["payload"] = base64_encode(envelope.payload);
  json signatures = json::array();
  for (const DsseSignature& signature : envelope.signatures) {
    json entry = json::object();
    if (!signature.keyid.empty()) entry["keyid"] = signature.keyid;
    entry["sig"] = base64_encode(signature.sig);
    signatures.push_back(std::move(entry));
  }
  root["signatures"] = std::move(signatures);
  return dump_go(root);
}

Result<DsseEnvelope> parse_dsse(std::string_view text) {
  TRY_ASSIGN(json root, parse_strict_json(text, k_what));
  TRY(expect_members(root, {"payloadType", "payload", "signatures"}, k_what));
  DsseEnvelope envelope;
  TRY_ASSIGN(envelope.payload_type, string_member(root, "payloadType", ""));
  TRY_ASSIGN(envelope.payload, base64_member(root, "payload", ""));
  const json& signatures = root.at("signatures");
  if (!signatures.is_array())
    return fail(Errc::bad_format, "{}: signatures: expected an array, got {}", k_what, signatures.type_name());
  if (signatures.empty()) return fail(Errc::bad_format, "{}: no signatures", k_what);
  for (size_t i = 0; i < signatures.size(); ++i) {
    TRY_ASSIGN(DsseSignature signature, parse_signature(signatures[i], i));
    envelope.signatures.push_back(std::move(signature));
  }
  return envelope;
}

}  // namespace wisp::sign
