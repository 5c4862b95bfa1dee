#include "pkg/repo/cache.h"

#include <cstdlib>
#include <system_error>

#include <nlohmann/json.hpp>

#include "base/digest.h"
#include "base/encoding.h"
#include "base/file.h"
#include "base/log.h"

namespace wisp::pkg::repo {

namespace fs = std::filesystem;

namespace {

bool is_sha256_hex(std::string_view s) {
  if (s.size() != 64) return false;
  for (char c : s)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  return true;
}

// Cache entries hold nothing secret and are shared by concurrent wisp runs of one user.
constexpr unsigned k_file_mode = 0644;
constexpr uint64_t k_max_record_size = 64 << 10;

}  // namespace

Result<fs::path> Cache::default_dir() {
  if (const char* xdg = std::getenv("XDG_CACHE_HOME"); xdg && *xdg) return fs::path(xdg) / "wisp";
  if (const char* home = std::getenv("HOME"); home && *home)
    return fs::path(home) / ".cache" / "wisp";
  return fail(Errc::usage, "no cache directory: set XDG_CACHE_HOME or HOME, or pass --cache-dir");
}

fs::path Cache::blob_path(std::string_view sha256_hex) const {
  return m_dir / "blobs" / "sha256" / std::string(sha256_hex);
}

fs::path Cache::record_path(std::string_view url) const {
  return m_dir / "urls" / (hex_encode(sha256(url)) + ".json");
}

Status Cache::make_dirs(const fs::path& dir) const {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return fail(Errc::io, "cache {}: cannot create {}: {}", m_dir.string(), dir.string(), ec.message());
  return {};
}

Result<std::optional<std::string>> Cache::read_blob(std::string_view sha256_hex) const {
  if (!is_sha256_hex(sha256_hex))
    return fail(Errc::usage, "cache: '{}' is not a sha256 hex digest", sha256_hex);
  fs::path path = blob_path(sha256_hex);
  auto bytes = read_file(path);
  if (!bytes) {
    if (bytes.error().code == Errc::not_found) return std::optional<std::string>();
    return std::unexpected(std::move(bytes).error().wrap("cache"));
  }
  if (hex_encode(sha256(*bytes)) != sha256_hex) {
    log::debug("cache: {} does not match its digest; removing it", path.string());
    std::error_code ec;
    fs::remove(path, ec);
    return std::optional<std::string>();
  }
  return std::optional<std::string>(std::move(*bytes));
}

Result<std::string> Cache::write_blob(std::string_view bytes) const {
  std::string hex = hex_encode(sha256(bytes));
  fs::path path = blob_path(hex);
  std::error_code ec;
  if (fs::exists(path, ec)) {
    // Keep the existing blob only if it is intact; otherwise replace it below.
    auto existing = read_blob(hex);
    if (existing && *existing) return hex;
  }
  TRY(make_dirs(path.parent_path()));
  TRY_ASSIGN(auto file, AtomicFile::create(path, k_file_mode));
  TRY(file.write(bytes));
  TRY(file.commit(Durability::no_fsync));
  return hex;
}

std::optional<UrlRecord> Cache::find_record(std::string_view url) const {
  fs::path path = record_path(url);
  auto text = read_file(path, k_max_record_size);
  if (!text) return std::nullopt;
  nlohmann::json json = nlohmann::json::parse(*text, nullptr, /*allow_exceptions=*/false);
  if (!json.is_object()) return std::nullopt;
  UrlRecord record;
  auto get_string = [&](const char* key, std::string& out) {
    auto it = json.find(key);
    if (it == json.end() || !it->is_string()) return false;
    out = it->get<std::string>();
    return true;
  };
  if (!get_string("url", record.url) || !get_string("sha256", record.sha256)) return std::nullopt;
  get_string("etag", record.etag);
  if (auto it = json.find("fetched_at"); it != json.end() && it->is_number_integer())
    record.fetched_at = it->get<int64_t>();
  if (record.url != url || !is_sha256_hex(record.sha256)) return std::nullopt;
  return record;
}

Status Cache::write_record(const UrlRecord& record) const {
  fs::path path = record_path(record.url);
  TRY(make_dirs(path.parent_path()));
  nlohmann::ordered_json json = {{"url", record.url},
                                 {"etag", record.etag},
                                 {"sha256", record.sha256},
                                 {"fetched_at", record.fetched_at}};
  std::string text = json.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
  TRY_ASSIGN(auto file, AtomicFile::create(path, k_file_mode));
  TRY(file.write(text));
  return file.commit(Durability::no_fsync);
}

}  // namespace wisp::pkg::repo
