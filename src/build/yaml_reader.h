// Strict, location-aware reading of yaml-cpp nodes for configuration files: every accessor
// checks the node's kind and reports "file:line:col: 'a.b[2]': expected ..." on a mismatch.
// Internal to wisp_build (image and, later, melange configs). Nothing here throws: yaml-cpp calls
// that could are only made on nodes whose kind was checked first.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "base/result.h"
#include "build/image_config.h"

namespace wisp::build {

/// Reads an integer the way yaml.v3 resolves a plain scalar into an integer field: '_' removed,
/// optional sign, then 0x (hex), 0o or a leading 0 (octal), 0b (binary) or decimal. Returns the
/// value, or a message naming the problem ("bad octal digit '8'"). Values beyond int64 fail.
Result<int64_t> parse_yaml_int(std::string_view text);

/// How an integer was spelled, for rules that care (permissions reject large plain decimals).
bool yaml_int_is_plain_decimal(std::string_view text);

/// Checks what YAML itself forbids and yaml-cpp lets through: bytes that are not UTF-8, and
/// control characters other than tab, LF and CR (YAML's printable set). Errc::bad_format with the
/// 1-based line and column of the first offender.
Status check_yaml_text(std::string_view text, std::string_view file);

/// One key of a mapping, in document order.
struct YamlEntry {
  std::string key;
  YAML::Node key_node;
  YAML::Node value;
};

class YamlReader {
 public:
  /// `file` names the document in messages; `budget` bounds the number of nodes visited, which
  /// keeps alias-heavy documents ("billion laughs") from taking unbounded time.
  explicit YamlReader(std::string file, uint64_t budget = 1'000'000)
      : m_file(std::move(file)), m_budget(budget) {}

  const std::string& file() const { return m_file; }
  SourceLoc loc(const YAML::Node& node) const;

  /// Errc::bad_format "<loc>: '<path>': <message>" (the path part is left out when empty).
  std::unexpected<Error> error(const YAML::Node& node, std::string_view path,
                               std::string_view message) const;

  /// The entries of a mapping whose keys must all be in `known`. Null gives no entries. Merge
  /// keys (`<<: *anchor` or `<<: [*a, *b]`) are expanded, explicit keys winning. Errors: not a
  /// mapping, a non-scalar key, a duplicated key, an unknown key ("unknown key 'x' in 'path'",
  /// with a did-you-mean when one is close), or the node budget exhausted (Errc::too_large).
  Result<std::vector<YamlEntry>> entries(const YAML::Node& node, std::string_view path,
                                         std::span<const std::string_view> known);
  /// Like entries() but any scalar key is allowed (environment, annotations, services).
  Result<std::vector<YamlEntry>> any_entries(const YAML::Node& node, std::string_view path);

  /// The items of a sequence (null gives none).
  Result<std::vector<YAML::Node>> items(const YAML::Node& node, std::string_view path);

  /// Any scalar, as written; null gives "".
  Result<std::string> string(const YAML::Node& node, std::string_view path);
  /// A sequence of scalars (null items are refused).
  Result<std::vector<std::string>> string_list(const YAML::Node& node, std::string_view path);
  /// A mapping of scalar keys to scalar values (null values give "").
  Result<std::map<std::string, std::string>> string_map(const YAML::Node& node,
                                                        std::string_view path);
  /// A plain integer in [min, max]; nullopt for null. Quoted strings are refused with a hint.
  Result<std::optional<int64_t>> integer(const YAML::Node& node, std::string_view path,
                                         int64_t min, int64_t max);
  /// A plain boolean (true/false/yes/no/on/off/y/n in yaml.v3's spellings); null gives false.
  Result<bool> boolean(const YAML::Node& node, std::string_view path);

  /// "a.b" / "b" when `path` is empty.
  static std::string child(std::string_view path, std::string_view key);
  /// "a[3]".
  static std::string item(std::string_view path, size_t index);

 private:
  Status spend(const YAML::Node& node);
  Status collect(const YAML::Node& node, std::string_view path, int depth,
                 std::vector<YamlEntry>& out, std::vector<YamlEntry>& merged);

  std::string m_file;
  uint64_t m_budget;
};

}  // namespace wisp::build
