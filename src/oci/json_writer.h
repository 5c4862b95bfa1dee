// A compact JSON writer whose bytes match Go's encoding/json (what go-containerregistry and
// so apko emit): no whitespace, fields in the order written, strings escaped the Go way.
// Internal to the oci module; the callers choose the field order.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace wisp::oci {

/// Appends `text` as a JSON string the way Go's json.Marshal does: '"' and '\\' escaped,
/// \b \f \n \r \t, other control bytes as \u00xx, '<' '>' '&' as \u003c \u003e \u0026,
/// U+2028/U+2029 as \u2028/\u2029, and each invalid UTF-8 byte as \ufffd.
void append_json_string(std::string& out, std::string_view text);

class JsonWriter {
 public:
  JsonWriter& begin_object();
  JsonWriter& end_object();
  JsonWriter& begin_array();
  JsonWriter& end_array();
  /// The key of the next value inside an object.
  JsonWriter& key(std::string_view name);
  JsonWriter& string(std::string_view value);
  JsonWriter& number(uint64_t value);
  JsonWriter& boolean(bool value);

  JsonWriter& string_array(const std::vector<std::string>& values);
  JsonWriter& string_map(const std::map<std::string, std::string>& values);
  /// {"a":{},"b":{}} with sorted, unique keys (Volumes, ExposedPorts).
  JsonWriter& empty_object_set(const std::vector<std::string>& keys);

  const std::string& str() const { return m_out; }
  std::string take() { return std::move(m_out); }

 private:
  void before_value();
  std::string m_out;
  bool m_need_comma = false;  // a value was written in the current container
};

}  // namespace wisp::oci
