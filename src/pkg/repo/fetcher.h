// Getting bytes from a repository location: a local path, a file:// URL, or http(s) through the
// download cache (pkg/repo/cache.h).
//
// Two kinds of remote content:
//  - mutable (APKINDEX, keys): revalidated on every use with If-None-Match and the stored ETag;
//    a 304 reuses the cached blob;
//  - immutable (packages): a cached copy that passes the caller's check (e.g. its identity
//    matches the index) is used without any request.
// Offline, only the cache is used; a miss is "offline and not cached: URL".
#pragma once

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "io/http.h"
#include "pkg/repo/cache.h"

namespace wisp::pkg::repo {

enum class Freshness {
  revalidate,  // may change under the same URL: ask the server (conditionally) every time
  immutable,   // never changes under the same URL: a verified cached copy is final
};

struct FetchRequest {
  std::string location;  // "https://...", "http://...", "file:///...", or a local path
  Freshness freshness = Freshness::revalidate;
  /// Checks the content (e.g. a package's control hash against the index). Downloaded content
  /// that fails it is an error and is not cached; a cached copy that fails it is fetched again.
  std::function<Status(std::string_view bytes)> verify;
  uint64_t max_size = uint64_t{2} << 30;
};

struct FetcherOptions {
  std::filesystem::path cache_dir;  // empty: Cache::default_dir()
  bool offline = false;
  /// The transport; null: a libcurl client with the credentials of $HTTP_AUTH.
  std::shared_ptr<io::HttpClient> client;
};

/// Counters for tests and -v output.
struct FetchStats {
  std::atomic<uint64_t> requests{0};      // HTTP GETs sent
  std::atomic<uint64_t> not_modified{0};  // 304 answers
  std::atomic<uint64_t> cache_hits{0};    // served from the cache without a request
};

class Fetcher {
 public:
  /// Errc::usage when no cache directory can be determined or $HTTP_AUTH is malformed.
  static Result<std::unique_ptr<Fetcher>> create(FetcherOptions options);

  /// The content at request.location. Errors name the location (passwords redacted):
  /// those of the HttpClient (Errc::network, unauthorized, not_found, too_large), Errc::not_found
  /// for a missing local file or "offline and not cached: URL", the verify function's error.
  /// A cache that cannot be written is only warned about. Safe to call from several threads.
  Result<std::string> fetch(const FetchRequest& request);
  Result<std::string> fetch(std::string_view location, Freshness freshness = Freshness::revalidate);

  const Cache& cache() const { return m_cache; }
  bool offline() const { return m_offline; }
  const FetchStats& stats() const { return m_stats; }

 private:
  Fetcher(Cache cache, bool offline, std::shared_ptr<io::HttpClient> client)
      : m_cache(std::move(cache)), m_offline(offline), m_client(std::move(client)) {}
  Result<std::string> fetch_http(const FetchRequest& request);
  void remember(const std::string& url, std::string_view bytes, const std::string& etag);

  Cache m_cache;
  bool m_offline = false;
  std::shared_ptr<io::HttpClient> m_client;
  FetchStats m_stats;
  std::atomic<bool> m_warned_cache{false};
};

/// The local path a location names: the path itself, or the path of a file:// URL ("file:///a",
/// "file://localhost/a", %XX decoded); nullopt for http(s). Errc::usage for another scheme or
/// a file URL with a remote host.
Result<std::optional<std::filesystem::path>> local_path(std::string_view location);

/// Fetches every request with up to `parallelism` downloads in flight and calls
/// on_done(index, result) as each finishes (from worker threads, one call at a time).
/// While it runs, a one-line progress bar is drawn on stderr if stderr is a terminal (and
/// logging is not quieted); nothing is printed otherwise.
void fetch_all(Fetcher& fetcher, const std::vector<FetchRequest>& requests,
               const std::function<void(size_t index, Result<std::string> result)>& on_done,
               size_t parallelism = 8);

}  // namespace wisp::pkg::repo
