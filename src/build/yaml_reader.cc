#include "build/yaml_reader.h"

#include <algorithm>
#include <cctype>
#include <limits>
#include <set>

#include "base/strings.h"

namespace wisp::build {
namespace {

constexpr int k_max_merge_depth = 16;

// yaml-cpp marks plain scalars with the non-specific tag "?" and quoted ones with "!".
bool is_plain(const YAML::Node& node) { return node.Tag() == "?"; }

bool has_tag(const YAML::Node& node, std::string_view name) {
  return node.Tag() == fmt::format("tag:yaml.org,2002:{}", name);
}

std::string describe(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Null:
      return "null";
    case YAML::NodeType::Scalar:
      return is_plain(node) ? fmt::format("'{}'", node.Scalar())
                            : fmt::format("the quoted string \"{}\"", node.Scalar());
    case YAML::NodeType::Sequence:
      return "a list";
    case YAML::NodeType::Map:
      return "a mapping";
    case YAML::NodeType::Undefined:
      break;
  }
  return "nothing";
}

struct IntSpelling {
  bool negative = false;
  int base = 10;
  std::string digits;
};

IntSpelling split_int(std::string_view text) {
  IntSpelling out;
  std::string s;
  for (char c : text)
    if (c != '_') s.push_back(c);
  size_t i = 0;
  if (!s.empty() && (s[0] == '+' || s[0] == '-')) {
    out.negative = s[0] == '-';
    i = 1;
  }
  std::string_view rest = std::string_view(s).substr(i);
  if (rest.size() >= 2 && rest[0] == '0') {
    char p = static_cast<char>(rest[1] | 0x20);
    if (p == 'x') {
      out.base = 16;
      rest.remove_prefix(2);
    } else if (p == 'o') {
      out.base = 8;
      rest.remove_prefix(2);
    } else if (p == 'b') {
      out.base = 2;
      rest.remove_prefix(2);
    } else {
      out.base = 8;  // YAML 1.1 / Go: a leading zero means octal
      rest.remove_prefix(1);
    }
  }
  out.digits = std::string(rest);
  return out;
}

int digit_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string_view base_name(int base) {
  switch (base) {
    case 16:
      return "hex";
    case 8:
      return "octal";
    case 2:
      return "binary";
    default:
      return "decimal";
  }
}

}  // namespace

Result<int64_t> parse_yaml_int(std::string_view text) {
  if (text.empty() || !(std::isdigit(static_cast<unsigned char>(text[0])) || text[0] == '+' ||
                        text[0] == '-'))
    return fail(Errc::bad_format, "'{}' is not an integer", text);
  IntSpelling spelling = split_int(text);
  if (spelling.digits.empty()) return fail(Errc::bad_format, "'{}' has no digits", text);
  uint64_t value = 0;
  for (char c : spelling.digits) {
    int d = digit_value(c);
    if (d < 0 || d >= spelling.base) {
      if (spelling.base == 8 && d >= 8 && d <= 9 && text.find_first_of("oO") == std::string_view::npos)
        return fail(Errc::bad_format, "bad octal digit '{}' in '{}' (a leading 0 makes it octal)",
                    c, text);
      return fail(Errc::bad_format, "bad {} digit '{}' in '{}'", base_name(spelling.base), c, text);
    }
    const uint64_t base = static_cast<uint64_t>(spelling.base);
    if (value > (std::numeric_limits<uint64_t>::max() - static_cast<uint64_t>(d)) / base)
      return fail(Errc::bad_format, "'{}' is too large", text);
    value = value * base + static_cast<uint64_t>(d);
  }
  constexpr uint64_t k_max = static_cast<uint64_t>(std::numeric_limits<int64_t>::max());
  if (spelling.negative) {
    if (value > k_max + 1) return fail(Errc::bad_format, "'{}' is too small", text);
    return value == k_max + 1 ? std::numeric_limits<int64_t>::min() : -static_cast<int64_t>(value);
  }
  if (value > k_max) return fail(Errc::bad_format, "'{}' is too large", text);
  return static_cast<int64_t>(value);
}

bool yaml_int_is_plain_decimal(std::string_view text) { return split_int(text).base == 10; }

Status check_yaml_text(std::string_view text, std::string_view file) {
  int line = 1;
  int column = 1;
  auto bad = [&](std::string_view what, unsigned value) {
    return fail(Errc::bad_format, "{}:{}:{}: {} 0x{:02x} is not allowed in YAML", file, line, column,
                what, value);
  };
  size_t i = 0;
  while (i < text.size()) {
    const auto b = static_cast<unsigned char>(text[i]);
    if (b < 0x80) {
      if ((b < 0x20 && b != '\t' && b != '\n' && b != '\r') || b == 0x7f)
        return bad("control character", b);
      ++i;
      if (b == '\n') {
        ++line;
        column = 1;
      } else {
        ++column;
      }
      continue;
    }
    // A UTF-8 sequence: the lead byte says how many continuation bytes follow.
    size_t length = 0;
    if (b >= 0xc2 && b <= 0xdf) {
      length = 2;
    } else if (b >= 0xe0 && b <= 0xef) {
      length = 3;
    } else if (b >= 0xf0 && b <= 0xf4) {
      length = 4;
    } else {
      return bad("invalid UTF-8 byte", b);
    }
    if (i + length > text.size()) return bad("truncated UTF-8 sequence at byte", b);
    uint32_t cp = b & (length == 2 ? 0x1f : length == 3 ? 0x0f : 0x07);
    for (size_t k = 1; k < length; ++k) {
      const auto c = static_cast<unsigned char>(text[i + k]);
      if ((c & 0xc0) != 0x80) return bad("invalid UTF-8 continuation byte", c);
      cp = (cp << 6) | (c & 0x3f);
    }
    const bool overlong = (length == 3 && cp < 0x800) || (length == 4 && cp < 0x10000);
    if (overlong || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
      return bad("invalid UTF-8 sequence starting with byte", b);
    if ((cp >= 0x80 && cp <= 0x9f && cp != 0x85) || cp == 0xfffe || cp == 0xffff)
      return fail(Errc::bad_format, "{}:{}:{}: non-printable character U+{:04X} is not allowed in YAML",
                  file, line, column, cp);
    i += length;
    ++column;
  }
  return {};
}

SourceLoc YamlReader::loc(const YAML::Node& node) const {
  SourceLoc out{m_file, 0, 0};
  YAML::Mark mark = node.Mark();
  if (!mark.is_null()) {
    out.line = mark.line + 1;
    out.column = mark.column + 1;
  }
  return out;
}

std::unexpected<Error> YamlReader::error(const YAML::Node& node, std::string_view path,
                                         std::string_view message) const {
  if (path.empty()) return fail(Errc::bad_format, "{}: {}", loc(node).str(), message);
  return fail(Errc::bad_format, "{}: '{}': {}", loc(node).str(), path, message);
}

std::string YamlReader::child(std::string_view path, std::string_view key) {
  return path.empty() ? std::string(key) : fmt::format("{}.{}", path, key);
}

std::string YamlReader::item(std::string_view path, size_t index) {
  return fmt::format("{}[{}]", path, index);
}

Status YamlReader::spend(const YAML::Node& node) {
  if (m_budget == 0)
    return fail(Errc::too_large, "{}: the document expands to too many nodes (alias bomb?)",
                loc(node).str());
  --m_budget;
  return {};
}

Status YamlReader::collect(const YAML::Node& node, std::string_view path, int depth,
                           std::vector<YamlEntry>& out, std::vector<YamlEntry>& merged) {
  if (depth > k_max_merge_depth) return error(node, path, "merge keys nest too deeply");
  if (!node.IsMap()) {
    if (depth == 0) return error(node, path, fmt::format("expected a mapping, found {}", describe(node)));
    return error(node, path, fmt::format("a merge key '<<' needs mappings, found {}", describe(node)));
  }
  std::set<std::string> seen;
  std::vector<YAML::Node> sources;
  for (const auto& pair : node) {
    TRY(spend(pair.first));
    const YAML::Node& key = pair.first;
    if (!key.IsScalar()) return error(key, path, fmt::format("a key must be a string, found {}", describe(key)));
    if (key.Scalar().find('\0') != std::string::npos)
      return error(key, path, "a key contains a NUL character");
    if (!is_valid_utf8(key.Scalar())) return error(key, path, "a key is not valid UTF-8");
    if (key.Scalar() == "<<" && is_plain(key)) {
      const YAML::Node& value = pair.second;
      if (value.IsSequence()) {
        for (const auto& source : value) {
          TRY(spend(source));
          sources.push_back(source);
        }
      } else {
        sources.push_back(value);
      }
      continue;
    }
    if (!seen.insert(key.Scalar()).second)
      return error(key, path, fmt::format("key '{}' is given twice", key.Scalar()));
    out.push_back(YamlEntry{key.Scalar(), key, pair.second});
  }
  // Merged keys come after, and lose to, the mapping's own keys; earlier sources win.
  for (const YAML::Node& source : sources) {
    std::vector<YamlEntry> own;
    std::vector<YamlEntry> nested;
    TRY(collect(source, path, depth + 1, own, nested));
    own.insert(own.end(), nested.begin(), nested.end());
    for (YamlEntry& entry : own) {
      if (seen.contains(entry.key)) continue;
      bool already = false;
      for (const YamlEntry& m : merged) already = already || m.key == entry.key;
      if (!already) merged.push_back(std::move(entry));
    }
  }
  return {};
}

Result<std::vector<YamlEntry>> YamlReader::any_entries(const YAML::Node& node,
                                                       std::string_view path) {
  TRY(spend(node));
  if (node.IsNull()) return std::vector<YamlEntry>{};
  std::vector<YamlEntry> out;
  std::vector<YamlEntry> merged;
  TRY(collect(node, path, 0, out, merged));
  out.insert(out.end(), merged.begin(), merged.end());
  return out;
}

Result<std::vector<YamlEntry>> YamlReader::entries(const YAML::Node& node, std::string_view path,
                                                   std::span<const std::string_view> known) {
  TRY_ASSIGN(std::vector<YamlEntry> out, any_entries(node, path));
  for (const YamlEntry& entry : out) {
    bool ok = false;
    for (std::string_view k : known) ok = ok || k == entry.key;
    if (ok) continue;
    std::string where = path.empty() ? "at top level" : fmt::format("in '{}'", path);
    std::string_view best;
    // Suggest only close names: up to a third of the key's letters wrong, at most 3.
    size_t best_distance = std::min<size_t>(3, entry.key.size() / 3) + 1;
    for (std::string_view k : known) {
      size_t d = edit_distance(entry.key, k);
      if (d < best_distance) {
        best = k;
        best_distance = d;
      }
    }
    std::string hint = best.empty() ? "" : fmt::format(" (did you mean '{}'?)", best);
    return fail(Errc::bad_format, "{}: unknown key '{}' {}{}", loc(entry.key_node).str(),
                entry.key, where, hint);
  }
  return out;
}

Result<std::vector<YAML::Node>> YamlReader::items(const YAML::Node& node, std::string_view path) {
  TRY(spend(node));
  std::vector<YAML::Node> out;
  if (node.IsNull()) return out;
  if (!node.IsSequence())
    return error(node, path, fmt::format("expected a list, found {}", describe(node)));
  for (const auto& element : node) {
    TRY(spend(element));
    out.push_back(element);
  }
  return out;
}

Result<std::string> YamlReader::string(const YAML::Node& node, std::string_view path) {
  TRY(spend(node));
  if (node.IsNull()) return std::string();
  if (!node.IsScalar())
    return error(node, path, fmt::format("expected a string, found {}", describe(node)));
  // A NUL (written "\0" in a double-quoted scalar) would truncate paths and commands later.
  if (node.Scalar().find('\0') != std::string::npos)
    return error(node, path, "contains a NUL character");
  // Checked per scalar, not per file: escapes such as "\x85" can make invalid UTF-8 out of
  // valid text, and every string ends up in JSON (lockfile, OCI config, SBOM).
  if (!is_valid_utf8(node.Scalar())) return error(node, path, "is not valid UTF-8");
  return node.Scalar();
}

Result<std::vector<std::string>> YamlReader::string_list(const YAML::Node& node,
                                                         std::string_view path) {
  TRY_ASSIGN(std::vector<YAML::Node> elements, items(node, path));
  std::vector<std::string> out;
  out.reserve(elements.size());
  for (size_t i = 0; i < elements.size(); ++i) {
    const YAML::Node& element = elements[i];
    if (!element.IsScalar())
      return error(element, item(path, i), fmt::format("expected a string, found {}", describe(element)));
    TRY_ASSIGN(std::string value, string(element, item(path, i)));
    out.push_back(std::move(value));
  }
  return out;
}

Result<std::map<std::string, std::string>> YamlReader::string_map(const YAML::Node& node,
                                                                  std::string_view path) {
  TRY_ASSIGN(std::vector<YamlEntry> pairs, any_entries(node, path));
  std::map<std::string, std::string> out;
  for (const YamlEntry& entry : pairs) {
    TRY_ASSIGN(std::string value, string(entry.value, child(path, entry.key)));
    out.emplace(entry.key, std::move(value));
  }
  return out;
}

Result<std::optional<int64_t>> YamlReader::integer(const YAML::Node& node, std::string_view path,
                                                   int64_t min, int64_t max) {
  TRY(spend(node));
  if (node.IsNull()) return std::optional<int64_t>();
  if (!node.IsScalar())
    return error(node, path, fmt::format("expected an integer, found {}", describe(node)));
  if (!is_plain(node) && !has_tag(node, "int")) {
    if (node.Tag() == "!" || has_tag(node, "str"))
      return error(node, path,
                   fmt::format("expected an integer, found {} (apko refuses strings here too; "
                               "write it without quotes)",
                               describe(node)));
    return error(node, path, fmt::format("expected an integer, found a value tagged {}", node.Tag()));
  }
  auto value = parse_yaml_int(node.Scalar());
  if (!value) return error(node, path, fmt::format("expected an integer: {}", value.error().message));
  if (*value < min || *value > max)
    return error(node, path, fmt::format("{} is out of range ({}..{})", node.Scalar(), min, max));
  return std::optional<int64_t>(*value);
}

Result<bool> YamlReader::boolean(const YAML::Node& node, std::string_view path) {
  TRY(spend(node));
  if (node.IsNull()) return false;
  if (node.IsScalar() && (is_plain(node) || has_tag(node, "bool"))) {
    const std::string& s = node.Scalar();
    for (std::string_view t : {"true", "True", "TRUE", "y", "Y", "yes", "Yes", "YES", "on", "On", "ON"})
      if (s == t) return true;
    for (std::string_view f : {"false", "False", "FALSE", "n", "N", "no", "No", "NO", "off", "Off", "OFF"})
      if (s == f) return false;
  }
  return error(node, path, fmt::format("expected true or false, found {}", describe(node)));
}

}  // namespace wisp::build
