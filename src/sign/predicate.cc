#include "sign/predicate.h"

#include <array>
#include <utility>

#include <nlohmann/json.hpp>

namespace wisp::sign {

namespace {

// cmd/cosign/cli/options/predicate.go: cosign's names for the in-toto predicate URIs.
constexpr std::array<std::pair<std::string_view, std::string_view>, 10> k_types = {{
    {"custom", k_custom_predicate_type},
    {"slsaprovenance", "https://slsa.dev/provenance/v0.2"},
    {"slsaprovenance02", "https://slsa.dev/provenance/v0.2"},
    {"slsaprovenance1", "https://slsa.dev/provenance/v1"},
    {"link", "https://in-toto.io/Link/v1"},
    {"spdx", "https://spdx.dev/Document"},
    {"spdxjson", "https://spdx.dev/Document"},
    {"cyclonedx", "https://cyclonedx.org/bom"},
    {"vuln", "https://cosign.sigstore.dev/attestation/vuln/v1"},
    {"openvex", "https://openvex.dev/ns"},
}};

std::string dump(const nlohmann::ordered_json& value) {
  return value.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

}  // namespace

Result<std::string> predicate_type_uri(std::string_view type) {
  for (const auto& [name, uri] : k_types)
    if (name == type) return std::string(uri);
  if (type.find("://") != std::string_view::npos) return std::string(type);
  return fail(Errc::usage,
              "predicate type '{}': want spdx, spdxjson, cyclonedx, slsaprovenance, slsaprovenance02, "
              "slsaprovenance1, link, vuln, openvex, custom or a URI",
              type);
}

Result<std::string> make_predicate(std::string_view type, std::string_view file_text, std::string_view timestamp) {
  TRY_ASSIGN(std::string uri, predicate_type_uri(type));
  if (type == "spdx") return dump(nlohmann::ordered_json(std::string(file_text)));
  if (uri == k_custom_predicate_type) {
    nlohmann::ordered_json custom;
    custom["Data"] = std::string(file_text);
    custom["Timestamp"] = std::string(timestamp);
    return dump(custom);
  }
  auto parsed = nlohmann::ordered_json::parse(file_text, nullptr, false);
  if (parsed.is_discarded() || !parsed.is_object())
    return fail(Errc::bad_format, "a --type {} predicate must be a JSON object", type);
  return dump(parsed);
}

}  // namespace wisp::sign
