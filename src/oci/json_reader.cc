#include "oci/json_reader.h"

#include <set>

namespace wisp::oci {

namespace {
/// Manifests are capped at 4 MiB by registries; configs of huge histories stay far below this.
constexpr size_t k_max_json_size = size_t{64} << 20;
}  // namespace

Result<nlohmann::json> JsonReader::parse_object(std::string_view text, std::string_view what) {
  if (text.size() > k_max_json_size)
    return fail(Errc::too_large, "{}: larger than {} bytes", what, k_max_json_size);
  json root = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (root.is_discarded()) return fail(Errc::bad_format, "{}: not valid JSON", what);
  if (!root.is_object()) return fail(Errc::bad_format, "{}: expected a JSON object, got {}", what, root.type_name());
  return root;
}

std::string JsonReader::join(std::string_view field) const {
  if (m_path.empty()) return std::string(field);
  if (field.empty()) return m_path;
  return m_path + "." + std::string(field);
}

std::unexpected<Error> JsonReader::error(std::string_view field, std::string_view problem) const {
  std::string where = join(field);
  if (where.empty()) return fail(Errc::bad_format, "{}: {}", m_what, problem);
  return fail(Errc::bad_format, "{}: {}: {}", m_what, where, problem);
}

bool JsonReader::has(const json& object, const char* key) {
  auto it = object.find(key);
  return it != object.end() && !it->is_null();
}

Result<std::string> JsonReader::string(const json& object, const char* key) const {
  auto it = object.find(key);
  if (it == object.end() || it->is_null()) return std::string();
  if (!it->is_string()) return error(key, fmt::format("expected a string, got {}", it->type_name()));
  return it->get<std::string>();
}

Result<std::string> JsonReader::required_string(const json& object, const char* key) const {
  TRY_ASSIGN(std::string value, string(object, key));
  if (value.empty()) return error(key, "missing or empty");
  return value;
}

Result<bool> JsonReader::boolean(const json& object, const char* key) const {
  auto it = object.find(key);
  if (it == object.end() || it->is_null()) return false;
  if (!it->is_boolean()) return error(key, fmt::format("expected true or false, got {}", it->type_name()));
  return it->get<bool>();
}

Result<const nlohmann::json*> JsonReader::object(const json& parent, const char* key) const {
  auto it = parent.find(key);
  if (it == parent.end() || it->is_null()) return static_cast<const json*>(nullptr);
  if (!it->is_object()) return error(key, fmt::format("expected an object, got {}", it->type_name()));
  return &*it;
}

Result<const nlohmann::json*> JsonReader::array(const json& parent, const char* key) const {
  auto it = parent.find(key);
  if (it == parent.end() || it->is_null()) return static_cast<const json*>(nullptr);
  if (!it->is_array()) return error(key, fmt::format("expected an array, got {}", it->type_name()));
  return &*it;
}

Result<std::vector<std::string>> JsonReader::string_array(const json& parent, const char* key) const {
  std::vector<std::string> out;
  TRY_ASSIGN(const json* list, array(parent, key));
  if (!list) return out;
  for (size_t i = 0; i < list->size(); ++i) {
    const json& v = (*list)[i];
    if (!v.is_string())
      return error(fmt::format("{}[{}]", key, i), fmt::format("expected a string, got {}", v.type_name()));
    out.push_back(v.get<std::string>());
  }
  return out;
}

Result<std::map<std::string, std::string>> JsonReader::string_map(const json& parent,
                                                                  const char* key) const {
  std::map<std::string, std::string> out;
  TRY_ASSIGN(const json* map, object(parent, key));
  if (!map) return out;
  for (const auto& [k, v] : map->items()) {
    if (!v.is_string())
      return error(fmt::format("{}.{}", key, k), fmt::format("expected a string, got {}", v.type_name()));
    out[k] = v.get<std::string>();
  }
  return out;
}

Result<std::vector<std::string>> JsonReader::object_keys(const json& parent, const char* key) const {
  TRY_ASSIGN(const json* map, object(parent, key));
  if (!map) return std::vector<std::string>();
  std::set<std::string> keys;
  for (const auto& [k, v] : map->items()) {
    if (!v.is_object() && !v.is_null())
      return error(fmt::format("{}.{}", key, k), fmt::format("expected {{}}, got {}", v.type_name()));
    keys.insert(k);
  }
  return std::vector<std::string>(keys.begin(), keys.end());
}

Result<uint64_t> JsonReader::size(const json& parent, const char* key) const {
  auto it = parent.find(key);
  if (it == parent.end() || it->is_null()) return error(key, "missing");
  if (it->is_number_unsigned()) {
    auto value = it->get<uint64_t>();
    if (value > k_max_descriptor_size) return error(key, fmt::format("{} is out of range", value));
    return value;
  }
  if (it->is_number_integer()) return error(key, "negative size");
  return error(key, fmt::format("expected a non-negative integer, got {}", it->dump()));
}

Status JsonReader::schema_version_2(const json& object) const {
  auto it = object.find("schemaVersion");
  if (it == object.end()) return error("schemaVersion", "missing");
  if (!it->is_number_integer() || it->get<int64_t>() != 2)
    return error("schemaVersion", fmt::format("expected 2, got {}", it->dump()));
  return {};
}

Result<Descriptor> JsonReader::descriptor(const json& value) const {
  if (!value.is_object()) return error("", fmt::format("expected an object, got {}", value.type_name()));
  Descriptor d;
  TRY_ASSIGN(d.media_type, required_string(value, "mediaType"));
  TRY_ASSIGN(d.size, size(value, "size"));
  TRY_ASSIGN(d.digest, required_string(value, "digest"));
  if (auto st = check_digest(d.digest); !st) return error("digest", st.error().message);
  TRY_ASSIGN(d.urls, string_array(value, "urls"));
  TRY_ASSIGN(d.annotations, string_map(value, "annotations"));
  TRY_ASSIGN(const json* platform, object(value, "platform"));
  if (platform) {
    JsonReader r = child("platform");
    Platform p;
    TRY_ASSIGN(p.architecture, r.required_string(*platform, "architecture"));
    TRY_ASSIGN(p.os, r.required_string(*platform, "os"));
    TRY_ASSIGN(p.os_version, r.string(*platform, "os.version"));
    TRY_ASSIGN(p.os_features, r.string_array(*platform, "os.features"));
    TRY_ASSIGN(p.variant, r.string(*platform, "variant"));
    d.platform = std::move(p);
  }
  TRY_ASSIGN(d.artifact_type, string(value, "artifactType"));
  return d;
}

}  // namespace wisp::oci
