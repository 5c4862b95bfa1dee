#include "sign/simple_signing.h"

#include <nlohmann/json.hpp>

#include "sign/strict_json.h"

namespace wisp::sign {

using json = nlohmann::ordered_json;

std::string serialize(const SimpleSigningPayload& payload) {
  json critical = json::object();
  critical["identity"] = json{{"docker-reference", payload.docker_reference}};
  critical["image"] = json{{"docker-manifest-digest", payload.manifest_digest}};
  critical["type"] = k_simple_signing_type;
  json root = json::object();
  root["critical"] = std::move(critical);
  // Go marshals a nil annotations map as null; containers/image requires the member.
  json optional = nullptr;
  if (!payload.annotations.empty()) {
    optional = json::object();
    for (const auto& [key, value] : payload.annotations) optional[key] = value;
  }
  root["optional"] = std::move(optional);
  return dump_go(root);
}

namespace {

Result<std::string> string_member(const json& object, const char* key, std::string_view what) {
  const json& value = object.at(key);
  if (!value.is_string())
    return fail(Errc::bad_format, "{}.{}: expected a string, got {}", what, key, value.type_name());
  return value.get<std::string>();
}

}  // namespace

Result<SimpleSigningPayload> parse_simple_signing(std::string_view text) {
  constexpr std::string_view what = "simple signing payload";
  TRY_ASSIGN(json root, parse_strict_json(text, what));
  TRY(expect_members(root, {"critical", "optional"}, what));
  const json& critical = root.at("critical");
  TRY(expect_members(critical, {"type", "image", "identity"}, "simple signing payload: critical"));
  TRY_ASSIGN(std::string type, string_member(critical, "type", "critical"));
  if (type != k_simple_signing_type)
    return fail(Errc::bad_format, "{}: critical.type is \"{}\", not \"{}\"", what, type, k_simple_signing_type);
  const json& image = critical.at("image");
  TRY(expect_members(image, {"docker-manifest-digest"}, "simple signing payload: critical.image"));
  const json& identity = critical.at("identity");
  TRY(expect_members(identity, {"docker-reference"}, "simple signing payload: critical.identity"));

  SimpleSigningPayload payload;
  TRY_ASSIGN(payload.manifest_digest, string_member(image, "docker-manifest-digest", "critical.image"));
  TRY_ASSIGN(payload.docker_reference, string_member(identity, "docker-reference", "critical.identity"));
  const json& optional = root.at("optional");
  if (!optional.is_null()) {
    if (!optional.is_object())
      return fail(Errc::bad_format, "{}: optional: expected null or an object, got {}", what, optional.type_name());
    for (const auto& [key, value] : optional.items()) {
      if (!value.is_string())
        return fail(Errc::bad_format, "{}: optional.{}: expected a string, got {}", what, key, value.type_name());
      payload.annotations[key] = value.get<std::string>();
    }
  }
  return payload;
}

}  // namespace wisp::sign
