#include "sign/strict_json.h"

#include <set>
#include <string>
#include <vector>

namespace wisp::sign {

namespace {
constexpr size_t k_max_json_size = size_t{16} << 20;
}  // namespace

Result<nlohmann::ordered_json> parse_strict_json(std::string_view text, std::string_view what) {
  using json = nlohmann::ordered_json;
  if (text.size() > k_max_json_size)
    return fail(Errc::too_large, "{}: larger than {} bytes", what, k_max_json_size);
  std::vector<std::set<std::string>> open_objects;
  std::string duplicate;
  bool has_duplicate = false;
  auto watch = [&](int, json::parse_event_t event, json& parsed) {
    switch (event) {
      case json::parse_event_t::object_start: open_objects.emplace_back(); break;
      case json::parse_event_t::object_end:
        if (!open_objects.empty()) open_objects.pop_back();
        break;
      case json::parse_event_t::key:
        if (!open_objects.empty() && parsed.is_string() &&
            !open_objects.back().insert(parsed.get<std::string>()).second && !has_duplicate) {
          has_duplicate = true;
          duplicate = parsed.get<std::string>();
        }
        break;
      default: break;
    }
    return true;
  };
  json root = json::parse(text, watch, /*allow_exceptions=*/false);
  if (root.is_discarded()) return fail(Errc::bad_format, "{}: not valid JSON", what);
  if (has_duplicate) return fail(Errc::bad_format, "{}: duplicate member \"{}\"", what, duplicate);
  return root;
}

std::string dump_compact(const nlohmann::ordered_json& value) {
  return value.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

std::string dump_go(const nlohmann::ordered_json& value) {
  std::string text = dump_compact(value);
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    switch (text[i]) {
      case '<': out += "\\u003c"; break;
      case '>': out += "\\u003e"; break;
      case '&': out += "\\u0026"; break;
      case '\xe2':
        // U+2028 is E2 80 A8 and U+2029 is E2 80 A9 in UTF-8.
        if (i + 2 < text.size() && text[i + 1] == '\x80' && (text[i + 2] == '\xa8' || text[i + 2] == '\xa9')) {
          out += text[i + 2] == '\xa8' ? "\\u2028" : "\\u2029";
          i += 2;
          break;
        }
        out.push_back(text[i]);
        break;
      default: out.push_back(text[i]);
    }
  }
  return out;
}

Status expect_members(const nlohmann::ordered_json& object, std::initializer_list<std::string_view> names,
                      std::string_view what) {
  if (!object.is_object()) return fail(Errc::bad_format, "{}: expected an object, got {}", what, object.type_name());
  for (std::string_view name : names)
    if (!object.contains(name)) return fail(Errc::bad_format, "{}: missing member \"{}\"", what, name);
  for (const auto& [key, value] : object.items()) {
    bool known = false;
    for (std::string_view name : names) known = known || key == name;
    if (!known) return fail(Errc::bad_format, "{}: unexpected member \"{}\"", what, key);
  }
  return {};
}

}  // namespace wisp::sign
