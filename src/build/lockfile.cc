#include "build/lockfile.h"

#include <nlohmann/json.hpp>

#include "base/encoding.h"
#include "base/file.h"
#include "base/log.h"
#include "base/strings.h"

namespace wisp::build {

namespace {

using nlohmann::json;
using nlohmann::ordered_json;

constexpr uint64_t k_max_lockfile_size = uint64_t{256} << 20;

/// Reads fields of one JSON object, naming the path in every error.
class Reader {
 public:
  Reader(std::string_view file, std::string path) : m_file(file), m_path(std::move(path)) {}

  std::unexpected<Error> error(std::string_view field, std::string_view problem) const {
    return fail(Errc::bad_format, "{}: {}: {}", m_file, join_path(field), problem);
  }
  std::string join_path(std::string_view field) const {
    if (m_path.empty()) return std::string(field);
    if (field.empty()) return m_path;
    return field.front() == '[' ? m_path + std::string(field) : m_path + "." + std::string(field);
  }
  Reader child(std::string_view field) const { return Reader(m_file, join_path(field)); }

  /// A string member; "" when absent or null. Errc::bad_format for another type.
  Result<std::string> string(const json& object, const char* key) const {
    auto it = object.find(key);
    if (it == object.end() || it->is_null()) return std::string();
    if (!it->is_string()) return error(key, fmt::format("expected a string, got {}", it->type_name()));
    return it->get<std::string>();
  }
  /// An object member; null when absent or null.
  Result<const json*> object(const json& parent, const char* key) const {
    auto it = parent.find(key);
    if (it == parent.end() || it->is_null()) return static_cast<const json*>(nullptr);
    if (!it->is_object()) return error(key, fmt::format("expected an object, got {}", it->type_name()));
    return &*it;
  }
  /// An array member; null when absent or null (Go decodes both to a nil slice).
  Result<const json*> array(const json& parent, const char* key) const {
    auto it = parent.find(key);
    if (it == parent.end() || it->is_null()) return static_cast<const json*>(nullptr);
    if (!it->is_array()) return error(key, fmt::format("expected an array, got {}", it->type_name()));
    return &*it;
  }

 private:
  std::string_view m_file;
  std::string m_path;
};

Status check_digest(const Reader& r, const char* field, std::string_view checksum,
                    std::string_view prefix, size_t digest_size) {
  if (!checksum.starts_with(prefix))
    return r.error(field, fmt::format("'{}' does not start with '{}'", checksum, prefix));
  auto raw = base64_decode(checksum.substr(prefix.size()));
  if (!raw || raw->size() != digest_size)
    return r.error(field, fmt::format("'{}' is not {} followed by the base64 of {} bytes", checksum,
                                      prefix, digest_size));
  return {};
}

Result<LockedPart> read_part(const Reader& parent, const json& package, const char* key,
                             std::string_view prefix, size_t digest_size, bool optional) {
  TRY_ASSIGN(const json* object, parent.object(package, key));
  Reader r = parent.child(key);
  LockedPart part;
  if (object) {
    TRY_ASSIGN(part.range, r.string(*object, "range"));
    TRY_ASSIGN(part.checksum, r.string(*object, "checksum"));
  }
  if (optional && part.range.empty() && part.checksum.empty()) return part;
  auto range = parse_byte_range(part.range);
  if (!range) return r.error("range", range.error().message);
  if (std::string_view(key) == "signature" && range->first != 0)
    return r.error("range", "the signature must start at byte 0");
  TRY(check_digest(r, "checksum", part.checksum, prefix, digest_size));
  return part;
}

Result<LockedPackage> read_package(const Reader& r, const json& value) {
  if (!value.is_object()) return r.error("", fmt::format("expected an object, got {}", value.type_name()));
  LockedPackage p;
  TRY_ASSIGN(p.name, r.string(value, "name"));
  TRY_ASSIGN(p.url, r.string(value, "url"));
  TRY_ASSIGN(p.version, r.string(value, "version"));
  TRY_ASSIGN(p.architecture, r.string(value, "architecture"));
  for (auto [field, text] : {std::pair{"name", &p.name}, std::pair{"url", &p.url},
                             std::pair{"version", &p.version}, std::pair{"architecture", &p.architecture}}) {
    if (text->empty()) return r.error(field, "missing or empty");
  }
  TRY_ASSIGN(p.signature, read_part(r, value, "signature", "sha1-", 20, /*optional=*/true));
  // A Debian package (.deb) has no separate control member to lock: its data part covers the
  // whole file (checksum = the SHA-256 its Packages index promised) and control stays empty.
  const bool deb = p.url.ends_with(".deb");
  TRY_ASSIGN(p.control, read_part(r, value, "control", "sha1-", 20, deb));
  TRY_ASSIGN(p.data, read_part(r, value, "data", "sha256-", 32, false));
  TRY_ASSIGN(p.checksum, r.string(value, "checksum"));
  // Older apko wrote no checksum; when present it is an apk identity.
  if (!p.checksum.empty()) {
    if (p.checksum.starts_with("Q2")) {
      TRY(check_digest(r, "checksum", p.checksum, "Q2", 32));
    } else {
      TRY(check_digest(r, "checksum", p.checksum, "Q1", 20));
    }
  }
  return p;
}

Result<std::vector<LockedRepository>> read_repositories(const Reader& parent, const json& contents,
                                                        const char* key) {
  std::vector<LockedRepository> out;
  TRY_ASSIGN(const json* list, parent.array(contents, key));
  if (!list) return out;
  for (size_t i = 0; i < list->size(); ++i) {
    Reader r = parent.child(key).child(fmt::format("[{}]", i));
    const json& value = (*list)[i];
    if (!value.is_object()) return r.error("", fmt::format("expected an object, got {}", value.type_name()));
    LockedRepository repo;
    TRY_ASSIGN(repo.name, r.string(value, "name"));
    TRY_ASSIGN(repo.url, r.string(value, "url"));
    TRY_ASSIGN(repo.architecture, r.string(value, "architecture"));
    out.push_back(std::move(repo));
  }
  return out;
}

ordered_json part_json(const LockedPart& part) {
  return ordered_json{{"range", part.range}, {"checksum", part.checksum}};
}

ordered_json repositories_json(const std::vector<LockedRepository>& repos) {
  ordered_json out = ordered_json::array();
  for (const auto& repo : repos)
    out.push_back({{"name", repo.name}, {"url", repo.url}, {"architecture", repo.architecture}});
  return out;
}

}  // namespace

std::string byte_range(uint64_t offset, uint64_t size) {
  return fmt::format("bytes={}-{}", offset, offset + size - 1);
}

Result<std::pair<uint64_t, uint64_t>> parse_byte_range(std::string_view range) {
  auto bad = [&] { return fail(Errc::bad_format, "'{}' is not bytes=FIRST-LAST", range); };
  if (!range.starts_with("bytes=")) return bad();
  std::string_view rest = range.substr(6);
  size_t dash = rest.find('-');
  if (dash == std::string_view::npos) return bad();
  auto first = parse_u64(rest.substr(0, dash));
  auto last = parse_u64(rest.substr(dash + 1));
  if (!first || !last || *last < *first || *last == UINT64_MAX) return bad();
  return std::pair<uint64_t, uint64_t>{*first, *last - *first + 1};
}

Result<Lockfile> parse_lockfile(std::string_view text, std::string_view file_name) {
  if (text.size() > k_max_lockfile_size)
    return fail(Errc::too_large, "{}: larger than {} bytes", file_name, k_max_lockfile_size);
  json root = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (root.is_discarded()) return fail(Errc::bad_format, "{}: not valid JSON", file_name);
  Reader r(file_name, "");
  if (!root.is_object()) return fail(Errc::bad_format, "{}: expected a JSON object", file_name);
  Lockfile lock;
  TRY_ASSIGN(lock.version, r.string(root, "version"));
  if (lock.version != "v1")
    return r.error("version", fmt::format("'{}' is not a lockfile version wisp reads (v1)", lock.version));
  TRY_ASSIGN(const json* config, r.object(root, "config"));
  if (config) {
    Reader rc = r.child("config");
    TRY_ASSIGN(lock.config_name, rc.string(*config, "name"));
    TRY_ASSIGN(lock.config_checksum, rc.string(*config, "checksum"));
    if (!lock.config_checksum.empty())
      TRY(check_digest(rc, "checksum", lock.config_checksum, "sha256-", 32));
  }
  TRY_ASSIGN(const json* contents, r.object(root, "contents"));
  if (!contents) return r.error("contents", "missing");
  Reader rc = r.child("contents");
  TRY_ASSIGN(const json* keyring, rc.array(*contents, "keyring"));
  if (keyring) {
    for (size_t i = 0; i < keyring->size(); ++i) {
      Reader rk = rc.child("keyring").child(fmt::format("[{}]", i));
      const json& value = (*keyring)[i];
      if (!value.is_object()) return rk.error("", fmt::format("expected an object, got {}", value.type_name()));
      LockedKey key;
      TRY_ASSIGN(key.name, rk.string(value, "name"));
      TRY_ASSIGN(key.url, rk.string(value, "url"));
      TRY_ASSIGN(key.content, rk.string(value, "content"));
      lock.keyring.push_back(std::move(key));
    }
  }
  TRY_ASSIGN(lock.build_repositories, read_repositories(rc, *contents, "build_repositories"));
  TRY_ASSIGN(lock.runtime_repositories, read_repositories(rc, *contents, "runtime_repositories"));
  TRY_ASSIGN(lock.repositories, read_repositories(rc, *contents, "repositories"));
  TRY_ASSIGN(const json* packages, rc.array(*contents, "packages"));
  if (packages) {
    for (size_t i = 0; i < packages->size(); ++i) {
      TRY_ASSIGN(auto package,
                 read_package(rc.child("packages").child(fmt::format("[{}]", i)), (*packages)[i]));
      lock.packages.push_back(std::move(package));
    }
  }
  return lock;
}

Result<Lockfile> load_lockfile(const std::filesystem::path& path) {
  TRY_ASSIGN(std::string text, read_file(path, k_max_lockfile_size));
  return parse_lockfile(text, path.string());
}

std::string format_lockfile(const Lockfile& lock) {
  ordered_json keyring = ordered_json::array();
  for (const auto& key : lock.keyring) {
    ordered_json entry = {{"name", key.name}, {"url", key.url}};
    if (!key.content.empty()) entry["content"] = key.content;
    keyring.push_back(std::move(entry));
  }
  ordered_json packages = ordered_json::array();
  for (const auto& p : lock.packages) {
    packages.push_back({{"name", p.name},
                        {"url", p.url},
                        {"version", p.version},
                        {"architecture", p.architecture},
                        {"signature", part_json(p.signature)},
                        {"control", part_json(p.control)},
                        {"data", part_json(p.data)},
                        {"checksum", p.checksum}});
  }
  ordered_json root = {{"version", lock.version}};
  if (!lock.config_name.empty() || !lock.config_checksum.empty()) {
    ordered_json config = ordered_json::object();
    if (!lock.config_name.empty()) config["name"] = lock.config_name;
    if (!lock.config_checksum.empty()) config["checksum"] = lock.config_checksum;
    root["config"] = std::move(config);
  }
  root["contents"] = {{"keyring", std::move(keyring)},
                      {"build_repositories", repositories_json(lock.build_repositories)},
                      {"runtime_repositories", repositories_json(lock.runtime_repositories)},
                      {"repositories", repositories_json(lock.repositories)},
                      {"packages", std::move(packages)}};
  // Index text may hold bytes that are not UTF-8; replace them rather than fail.
  return root.dump(2, ' ', false, json::error_handler_t::replace) + "\n";
}

Status write_lockfile(const std::filesystem::path& path, const Lockfile& lock) {
  return write_file_atomic(path, format_lockfile(lock));
}

Status check_lockfile_current(const Lockfile& lock, std::string_view lock_path,
                              const ImageConfig& config) {
  if (lock.config_checksum.empty()) {
    log::warn("{} has no config checksum; cannot tell whether it matches {}", lock_path,
              config.config_file);
    return {};
  }
  if (lock.config_checksum != config.config_checksum)
    return fail(Errc::usage, "{} is stale: config checksum {} != {}; run 'wisp lock {}'", lock_path,
                lock.config_checksum, config.config_checksum, config.config_file);
  return {};
}

std::filesystem::path default_lockfile_path(const std::filesystem::path& config_path) {
  std::filesystem::path out = config_path;
  out.replace_extension(".lock.json");
  return out;
}

}  // namespace wisp::build
