#include "oci/json_writer.h"

#include <set>

namespace wisp::oci {

namespace {

constexpr char k_hex[] = "0123456789abcdef";

void append_u_escape(std::string& out, uint32_t code) {
  out += "\\u";
  for (int shift = 12; shift >= 0; shift -= 4) out += k_hex[(code >> shift) & 0xf];
}

/// Length of the valid UTF-8 sequence at `at`, or 0 if the bytes there are not one
/// (overlong forms, surrogates and code points past U+10FFFF are invalid, as in Go).
size_t utf8_length(std::string_view s, size_t at, uint32_t& code) {
  auto byte = [&](size_t i) { return static_cast<uint8_t>(s[i]); };
  uint8_t b0 = byte(at);
  size_t len;
  uint32_t min;
  if (b0 >= 0xc2 && b0 <= 0xdf) {
    len = 2, min = 0x80, code = b0 & 0x1f;
  } else if (b0 >= 0xe0 && b0 <= 0xef) {
    len = 3, min = 0x800, code = b0 & 0x0f;
  } else if (b0 >= 0xf0 && b0 <= 0xf4) {
    len = 4, min = 0x10000, code = b0 & 0x07;
  } else {
    return 0;
  }
  if (s.size() - at < len) return 0;
  for (size_t i = 1; i < len; ++i) {
    uint8_t b = byte(at + i);
    if ((b & 0xc0) != 0x80) return 0;
    code = code << 6 | (b & 0x3f);
  }
  if (code < min || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) return 0;
  return len;
}

}  // namespace

void append_json_string(std::string& out, std::string_view text) {
  out += '"';
  size_t i = 0;
  while (i < text.size()) {
    auto c = static_cast<uint8_t>(text[i]);
    if (c < 0x80) {
      switch (c) {
        case '"': out += "\\\""; break;
        case '\\': out += "\\\\"; break;
        case '\b': out += "\\b"; break;
        case '\f': out += "\\f"; break;
        case '\n': out += "\\n"; break;
        case '\r': out += "\\r"; break;
        case '\t': out += "\\t"; break;
        case '<': case '>': case '&': append_u_escape(out, c); break;
        default:
          if (c < 0x20) {
            append_u_escape(out, c);
          } else {
            out += static_cast<char>(c);
          }
      }
      ++i;
      continue;
    }
    uint32_t code = 0;
    size_t len = utf8_length(text, i, code);
    if (len == 0) {
      out += "\\ufffd";
      ++i;
    } else if (code == 0x2028 || code == 0x2029) {
      append_u_escape(out, code);
      i += len;
    } else {
      out.append(text.substr(i, len));
      i += len;
    }
  }
  out += '"';
}

void JsonWriter::before_value() {
  if (m_need_comma) m_out += ',';
  m_need_comma = true;
}

JsonWriter& JsonWriter::begin_object() {
  before_value();
  m_out += '{';
  m_need_comma = false;
  return *this;
}

JsonWriter& JsonWriter::end_object() {
  m_out += '}';
  m_need_comma = true;
  return *this;
}

JsonWriter& JsonWriter::begin_array() {
  before_value();
  m_out += '[';
  m_need_comma = false;
  return *this;
}

JsonWriter& JsonWriter::end_array() {
  m_out += ']';
  m_need_comma = true;
  return *this;
}

JsonWriter& JsonWriter::key(std::string_view name) {
  before_value();
  append_json_string(m_out, name);
  m_out += ':';
  m_need_comma = false;  // the value follows without a comma
  return *this;
}

JsonWriter& JsonWriter::string(std::string_view value) {
  before_value();
  append_json_string(m_out, value);
  return *this;
}

JsonWriter& JsonWriter::number(uint64_t value) {
  before_value();
  m_out += std::to_string(value);
  return *this;
}

JsonWriter& JsonWriter::boolean(bool value) {
  before_value();
  m_out += value ? "true" : "false";
  return *this;
}

JsonWriter& JsonWriter::string_array(const std::vector<std::string>& values) {
  begin_array();
  for (const auto& v : values) string(v);
  return end_array();
}

JsonWriter& JsonWriter::string_map(const std::map<std::string, std::string>& values) {
  begin_object();
  for (const auto& [k, v] : values) key(k).string(v);
  return end_object();
}

JsonWriter& JsonWriter::empty_object_set(const std::vector<std::string>& keys) {
  begin_object();
  for (const auto& k : std::set<std::string>(keys.begin(), keys.end())) key(k).begin_object().end_object();
  return end_object();
}

}  // namespace wisp::oci
