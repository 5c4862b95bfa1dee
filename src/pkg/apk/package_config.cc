#include "pkg/apk/package_config.h"

#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <cstdlib>
#include <exception>
#include <set>

#include "base/file.h"
#include "base/strings.h"
#include "pkg/apk/package.h"

namespace wisp::pkg::apk {

namespace {

class ConfigParser {
 public:
  ConfigParser(std::string_view file_name, const std::filesystem::path& base_dir)
      : m_file(file_name), m_base(base_dir) {}

  Result<PackageConfig> parse(const YAML::Node& root) {
    PackageConfig config;
    if (!root.IsDefined() || root.IsNull()) return config;
    if (!root.IsMap()) return error(root, "expected a mapping of package fields");
    PackageInfo& info = config.info;
    std::set<std::string> seen;
    for (const auto& item : root) {
      const YAML::Node& key_node = item.first;
      const YAML::Node& value = item.second;
      if (!key_node.IsScalar()) return error(key_node, "keys must be strings");
      const std::string key = key_node.Scalar();
      if (!seen.insert(key).second) return error(key_node, fmt::format("duplicate key '{}'", key));
      if (key == "name") { TRY_ASSIGN(info.name, scalar(value, key)); }
      else if (key == "version") { TRY_ASSIGN(info.version, scalar(value, key)); }
      else if (key == "arch") { TRY_ASSIGN(info.arch, scalar(value, key)); }
      else if (key == "description") { TRY_ASSIGN(info.description, scalar(value, key)); }
      else if (key == "license") { TRY_ASSIGN(info.license, scalar(value, key)); }
      else if (key == "origin") { TRY_ASSIGN(info.origin, scalar(value, key)); }
      else if (key == "url") { TRY_ASSIGN(info.url, scalar(value, key)); }
      else if (key == "maintainer") { TRY_ASSIGN(info.maintainer, scalar(value, key)); }
      else if (key == "commit") { TRY_ASSIGN(info.commit, scalar(value, key)); }
      else if (key == "depends") { TRY_ASSIGN(info.depends, list(value, key)); }
      else if (key == "provides") { TRY_ASSIGN(info.provides, list(value, key)); }
      else if (key == "replaces") { TRY_ASSIGN(info.replaces, list(value, key)); }
      else if (key == "install_if") { TRY_ASSIGN(info.install_if, list(value, key)); }
      else if (key == "triggers") { TRY_ASSIGN(info.triggers, list(value, key)); }
      else if (key == "provider_priority") { TRY_ASSIGN(info.provider_priority, integer(value, key)); }
      else if (key == "replaces_priority") { TRY_ASSIGN(info.replaces_priority, integer(value, key)); }
      else if (key == "scripts") { TRY_ASSIGN(config.scripts, scripts(value)); }
      else return error(key_node, fmt::format("unknown key '{}'", key));
    }
    return config;
  }

 private:
  std::unexpected<Error> error(const YAML::Node& node, std::string_view message) const {
    return fail(Errc::bad_format, "{}:{}: {}", m_file, node.Mark().line + 1, message);
  }

  Result<std::string> scalar(const YAML::Node& node, std::string_view key) const {
    if (node.IsNull()) return std::string();
    if (!node.IsScalar()) return error(node, fmt::format("'{}' must be a string", key));
    return node.Scalar();
  }

  /// A YAML list of strings, or one string of whitespace-separated items.
  Result<std::vector<std::string>> list(const YAML::Node& node, std::string_view key) const {
    std::vector<std::string> out;
    if (node.IsNull()) return out;
    if (node.IsScalar()) {
      for (auto part : split_whitespace(node.Scalar())) out.emplace_back(part);
      return out;
    }
    if (!node.IsSequence()) return error(node, fmt::format("'{}' must be a list of strings", key));
    for (const auto& item : node) {
      if (!item.IsScalar() || trim(item.Scalar()).empty())
        return error(item, fmt::format("'{}' entries must be non-empty strings", key));
      // apk lists are whitespace-separated, so "a b" in one item is two atoms.
      for (auto part : split_whitespace(item.Scalar())) out.emplace_back(part);
    }
    return out;
  }

  Result<std::optional<int64_t>> integer(const YAML::Node& node, std::string_view key) const {
    if (!node.IsScalar()) return error(node, fmt::format("'{}' must be an integer", key));
    auto value = parse_i64(node.Scalar());
    if (!value) return error(node, fmt::format("'{}' must be an integer, not '{}'", key, node.Scalar()));
    return std::optional<int64_t>(*value);
  }

  Result<std::map<std::string, std::filesystem::path>> scripts(const YAML::Node& node) const {
    std::map<std::string, std::filesystem::path> out;
    if (node.IsNull()) return out;
    if (!node.IsMap()) return error(node, "'scripts' must map script names to files");
    for (const auto& item : node) {
      if (!item.first.IsScalar()) return error(item.first, "script names must be strings");
      auto name = normalize_script_name(item.first.Scalar());
      if (!name) return error(item.first, name.error().message);
      if (!item.second.IsScalar() || item.second.Scalar().empty())
        return error(item.second, fmt::format("script '{}' must name a file", item.first.Scalar()));
      std::filesystem::path file(item.second.Scalar());
      if (file.is_relative()) file = m_base / file;
      out[*name] = file;
    }
    return out;
  }

  std::string m_file;
  std::filesystem::path m_base;
};

}  // namespace

Result<std::string> normalize_script_name(std::string_view name) {
  std::string dotted = name.starts_with('.') ? std::string(name) : "." + std::string(name);
  if (!is_known_script_name(dotted))
    return fail(Errc::usage,
                "unknown script '{}' (expected pre-install, post-install, pre-deinstall, "
                "post-deinstall, pre-upgrade, post-upgrade or trigger)",
                name);
  return dotted;
}

Result<PackageConfig> parse_package_config(std::string_view text, std::string_view file_name,
                                           const std::filesystem::path& base_dir) {
  // yaml-cpp reports errors by throwing; library code returns them as values.
  try {
    YAML::Node root = YAML::Load(std::string(text));
    return ConfigParser(file_name, base_dir).parse(root);
  } catch (const YAML::Exception& e) {
    return fail(Errc::bad_format, "{}:{}: {}", file_name, e.mark.line + 1, e.msg);
  } catch (const std::exception& e) {
    return fail(Errc::bad_format, "{}: {}", file_name, e.what());
  }
}

Result<std::optional<int64_t>> source_date_epoch_from_env() {
  const char* value = std::getenv("SOURCE_DATE_EPOCH");
  if (!value || !*value) return std::optional<int64_t>();
  auto seconds = parse_u64(value);
  if (!seconds || *seconds > uint64_t{INT64_MAX})
    return fail(Errc::usage, "SOURCE_DATE_EPOCH '{}' is not a number of seconds", value);
  return std::optional<int64_t>(static_cast<int64_t>(*seconds));
}

Result<PackageConfig> load_package_config(const std::filesystem::path& path) {
  TRY_ASSIGN_CTX(std::string text, read_file(path, 1 << 20), "{}", path.string());
  return parse_package_config(text, path.string(), path.parent_path());
}

}  // namespace wisp::pkg::apk
