// The download cache: content-addressed blobs plus one small record per URL.
//
//   <dir>/blobs/sha256/<hex>          the bytes, named by their SHA-256
//   <dir>/urls/<sha256(url)>.json     {"url", "etag", "sha256", "fetched_at"}
//
// Every file is written to a temp file and renamed into place, so a reader sees a whole file
// or none. Blobs are checked against their name when read: a blob torn by a crash (the cache
// does not fsync; it is only a cache) or edited by hand is a miss, never wrong content.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "base/result.h"

namespace wisp::pkg::repo {

/// What the cache remembers about one URL.
struct UrlRecord {
  std::string url;         // as requested, without credentials
  std::string etag;        // the server's ETag as sent (quotes included); empty if none
  std::string sha256;      // lowercase hex of the content
  int64_t fetched_at = 0;  // seconds since the epoch of the last download or revalidation
};

class Cache {
 public:
  explicit Cache(std::filesystem::path dir) : m_dir(std::move(dir)) {}

  /// $XDG_CACHE_HOME/wisp, else $HOME/.cache/wisp. Errc::usage when neither variable is set.
  static Result<std::filesystem::path> default_dir();

  const std::filesystem::path& dir() const { return m_dir; }
  std::filesystem::path blob_path(std::string_view sha256_hex) const;
  std::filesystem::path record_path(std::string_view url) const;

  /// The blob's bytes, or nullopt when it is absent or does not hash to its name (such a blob
  /// is removed). Errc::io when it exists but cannot be read; Errc::usage for a name that is
  /// not 64 lowercase hex digits.
  Result<std::optional<std::string>> read_blob(std::string_view sha256_hex) const;

  /// Stores `bytes` (atomically; an existing identical blob is kept) and returns its hex name.
  Result<std::string> write_blob(std::string_view bytes) const;

  /// The record for `url`, or nullopt when there is none or it is unreadable (a damaged record
  /// is a miss: the next download rewrites it).
  std::optional<UrlRecord> find_record(std::string_view url) const;

  /// Stores the record for record.url atomically, replacing any previous one.
  Status write_record(const UrlRecord& record) const;

 private:
  Status make_dirs(const std::filesystem::path& dir) const;
  std::filesystem::path m_dir;
};

}  // namespace wisp::pkg::repo
