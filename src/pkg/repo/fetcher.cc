#include "pkg/repo/fetcher.h"

#include <unistd.h>

#include <cctype>
#include <chrono>
#include <cstdio>
#include <mutex>

#include "base/file.h"
#include "base/log.h"
#include "base/thread_pool.h"
#include "io/http_auth.h"

namespace wisp::pkg::repo {

namespace fs = std::filesystem;

namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

Result<std::string> percent_decode(std::string_view text, std::string_view whole) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '%') {
      out.push_back(text[i]);
      continue;
    }
    int hi = i + 2 < text.size() ? hex_value(text[i + 1]) : -1;
    int lo = i + 2 < text.size() ? hex_value(text[i + 2]) : -1;
    if (hi < 0 || lo < 0) return fail(Errc::usage, "'{}': bad %-escape", whole);
    char c = static_cast<char>(hi * 16 + lo);
    if (c == '\0') return fail(Errc::usage, "'{}': NUL byte in path", whole);
    out.push_back(c);
    i += 2;
  }
  return out;
}

int64_t now_seconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

Status check(const FetchRequest& request, std::string_view bytes) {
  if (!request.verify) return {};
  return request.verify(bytes);
}

}  // namespace

Result<std::optional<fs::path>> local_path(std::string_view location) {
  if (io::is_http_url(location)) return std::optional<fs::path>();
  size_t scheme_end = location.find("://");
  if (scheme_end == std::string_view::npos) return std::optional<fs::path>(fs::path(location));
  std::string scheme(location.substr(0, scheme_end));
  for (char& c : scheme) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (scheme != "file")
    return fail(Errc::usage, "'{}': unsupported URL scheme '{}' (use http, https, file or a path)",
                io::redact_url(location), scheme);
  std::string_view rest = location.substr(scheme_end + 3);
  size_t slash = rest.find('/');
  std::string_view host = rest.substr(0, slash);
  if (!host.empty() && host != "localhost")
    return fail(Errc::usage, "'{}': file URLs on another host are not supported", location);
  if (slash == std::string_view::npos) return fail(Errc::usage, "'{}': no path", location);
  TRY_ASSIGN(std::string path, percent_decode(rest.substr(slash), location));
  return std::optional<fs::path>(fs::path(path));
}

Result<std::unique_ptr<Fetcher>> Fetcher::create(FetcherOptions options) {
  fs::path dir = options.cache_dir;
  if (dir.empty()) {
    TRY_ASSIGN(dir, Cache::default_dir());
  }
  std::shared_ptr<io::HttpClient> client = std::move(options.client);
  if (!client) {
    TRY_ASSIGN(auto credentials, io::http_auth_from_env());
    client = io::make_curl_client(std::move(credentials));
  }
  return std::unique_ptr<Fetcher>(new Fetcher(Cache(std::move(dir)), options.offline, std::move(client)));
}

Result<std::string> Fetcher::fetch(std::string_view location, Freshness freshness) {
  FetchRequest request;
  request.location = std::string(location);
  request.freshness = freshness;
  return fetch(request);
}

Result<std::string> Fetcher::fetch(const FetchRequest& request) {
  TRY_ASSIGN(auto path, local_path(request.location));
  if (!path) return fetch_http(request);
  TRY_ASSIGN(std::string bytes, read_file(*path, request.max_size));
  TRY_CTX(check(request, bytes), "{}", path->string());
  return bytes;
}

void Fetcher::remember(const std::string& url, std::string_view bytes, const std::string& etag) {
  auto stored = [&]() -> Status {
    TRY_ASSIGN(std::string hex, m_cache.write_blob(bytes));
    return m_cache.write_record(UrlRecord{url, etag, hex, now_seconds()});
  }();
  if (!stored && !m_warned_cache.exchange(true))
    log::warn("not caching downloads: {}", stored.error().message);
}

Result<std::string> Fetcher::fetch_http(const FetchRequest& request) {
  const std::string& url = request.location;
  std::string shown = io::redact_url(url);
  std::optional<UrlRecord> record = m_cache.find_record(shown);
  std::optional<std::string> cached;
  if (record) {
    auto blob = m_cache.read_blob(record->sha256);
    if (blob && *blob && blob->value().size() <= request.max_size) cached = std::move(**blob);
  }
  if (cached && request.verify) {
    if (auto ok = request.verify(*cached); !ok) {
      log::debug("cache: {} fails its check ({}); fetching it again", shown, ok.error().message);
      cached.reset();
    }
  }
  if (cached && (request.freshness == Freshness::immutable || m_offline)) {
    ++m_stats.cache_hits;
    return std::move(*cached);
  }
  if (m_offline) return fail(Errc::not_found, "offline and not cached: {}", shown);

  io::HttpRequest http;
  http.url = url;
  http.max_body_size = request.max_size;
  bool conditional = cached && !record->etag.empty();
  if (conditional) http.headers.emplace_back("If-None-Match", record->etag);
  ++m_stats.requests;
  auto response = m_client->get(http);
  if (!response) {
    Error error = std::move(response).error();
    if (cached && error.code == Errc::network) error.message += " (a cached copy exists: use --offline)";
    return std::unexpected(std::move(error));
  }
  if (response->status == 304) {
    if (!conditional)
      return fail(Errc::network, "{}: HTTP 304 Not Modified to an unconditional request", shown);
    ++m_stats.not_modified;
    record->fetched_at = now_seconds();
    if (auto ok = m_cache.write_record(*record); !ok) log::debug("cache: {}", ok.error().message);
    return std::move(*cached);
  }
  TRY_CTX(check(request, response->body), "{}", shown);
  remember(shown, response->body, response->header("etag"));
  return std::move(response->body);
}

void fetch_all(Fetcher& fetcher, const std::vector<FetchRequest>& requests,
               const std::function<void(size_t, Result<std::string>)>& on_done, size_t parallelism) {
  bool progress = requests.size() > 1 && ::isatty(STDERR_FILENO) == 1 &&
                  log::level() >= log::Level::warn;
  std::mutex mutex;
  size_t done = 0;
  auto draw = [&](std::string_view last) {
    constexpr size_t k_width = 30;
    size_t filled = requests.empty() ? k_width : done * k_width / requests.size();
    std::string name(last.substr(last.rfind('/') == std::string_view::npos ? 0 : last.rfind('/') + 1));
    if (name.size() > 40) name = name.substr(0, 37) + "...";
    fmt::print(stderr, "\r\033[K[{}{}] {}/{} {}", std::string(filled, '#'),
               std::string(k_width - filled, ' '), done, requests.size(), name);
    std::fflush(stderr);
  };
  parallel_for(
      requests.size(),
      [&](size_t i) {
        Result<std::string> result = fetcher.fetch(requests[i]);
        std::lock_guard lock(mutex);
        ++done;
        if (progress) draw(requests[i].location);
        on_done(i, std::move(result));
      },
      parallelism);
  if (progress) {
    fmt::print(stderr, "\r\033[K");
    std::fflush(stderr);
  }
}

}  // namespace wisp::pkg::repo
