// Strict field access for the OCI parsers: every error names the field's path
// ("image manifest: layers[2].digest: ..."). Absent and null members read as empty, like Go's
// decoder; a member of the wrong type is Errc::bad_format. Internal to the oci module.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "base/result.h"
#include "oci/descriptor.h"

namespace wisp::oci {

class JsonReader {
 public:
  using json = nlohmann::json;

  /// Parses `text` as one JSON object; `what` names it in errors ("image manifest").
  static Result<json> parse_object(std::string_view text, std::string_view what);

  JsonReader(std::string_view what, std::string path) : m_what(what), m_path(std::move(path)) {}
  JsonReader child(std::string_view field) const { return JsonReader(m_what, join(field)); }
  JsonReader element(size_t i) const { return JsonReader(m_what, m_path + fmt::format("[{}]", i)); }

  std::unexpected<Error> error(std::string_view field, std::string_view problem) const;

  /// Presence of a member that is not null.
  static bool has(const json& object, const char* key);
  Result<std::string> string(const json& object, const char* key) const;
  Result<std::string> required_string(const json& object, const char* key) const;
  Result<bool> boolean(const json& object, const char* key) const;
  Result<std::vector<std::string>> string_array(const json& object, const char* key) const;
  Result<std::map<std::string, std::string>> string_map(const json& object, const char* key) const;
  /// The keys of {"k":{},...} (Volumes, ExposedPorts), sorted; values must be objects.
  Result<std::vector<std::string>> object_keys(const json& object, const char* key) const;
  /// The member as an object, or nullptr when absent or null.
  Result<const json*> object(const json& object, const char* key) const;
  /// The member as an array, or nullptr when absent or null.
  Result<const json*> array(const json& object, const char* key) const;
  Result<uint64_t> size(const json& object, const char* key) const;
  /// A required "schemaVersion": 2.
  Status schema_version_2(const json& object) const;

  /// A descriptor object (mediaType, size, digest required; platform, annotations, urls,
  /// artifactType optional).
  Result<Descriptor> descriptor(const json& value) const;

 private:
  std::string join(std::string_view field) const;
  std::string_view m_what;
  std::string m_path;
};

}  // namespace wisp::oci
