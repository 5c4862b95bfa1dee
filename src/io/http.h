// HTTP(S) GET for repositories, indexes, packages and keys. One interface (HttpClient) so tests
// and callers can substitute their own transport, and one libcurl implementation.
//
// Redirects are followed by hand rather than by libcurl so that every hop is checked: only
// http/https targets, no https -> http downgrade, and credentials are attached per hop by host
// (a redirect to another host never carries the first host's password).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/result.h"
#include "io/http_auth.h"
#include "io/sink.h"

namespace wisp::io {

struct HttpRequest {
  std::string url;  // http:// or https://; userinfo ("user:pass@") is used as Basic auth
  /// Extra request headers, e.g. {"If-None-Match", "\"abc\""}.
  std::vector<std::pair<std::string, std::string>> headers;
  /// When set, a 2xx body is streamed here instead of into HttpResponse::body. On failure the
  /// sink may have received part of the body: the caller discards it.
  Sink* sink = nullptr;
  uint64_t max_body_size = uint64_t{4} << 30;
  long connect_timeout_s = 30;
  /// The transfer is aborted when it moves fewer than 1 byte/s for this long (a stalled server);
  /// large downloads on slow links are not cut off by a total deadline.
  long stall_timeout_s = 60;
  long total_timeout_s = 0;  // 0: no overall deadline
  int max_redirects = 10;
};

struct HttpResponse {
  long status = 0;        // a 2xx code, or 304 (Not Modified)
  std::string final_url;  // after redirects, without credentials
  /// Headers of the final response in arrival order; names lowercased, values trimmed.
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;  // empty when HttpRequest::sink was set, and for 304

  /// The first value of header `name` (case-insensitive), or "".
  std::string header(std::string_view name) const;
};

class HttpClient {
 public:
  virtual ~HttpClient() = default;
  /// Performs a GET. A 2xx or 304 status is a value. Errors, each naming the URL with any
  /// password redacted: Errc::unauthorized for 401/403, Errc::not_found for 404/410,
  /// Errc::network for other statuses, transport, TLS and timeout failures and bad redirects,
  /// Errc::too_large past max_body_size, Errc::usage for a URL that is not http(s); an error
  /// of the sink is returned as it is. Safe to call from several threads at once.
  virtual Result<HttpResponse> get(const HttpRequest& request) = 0;
};

/// The libcurl client: system CA certificates (or $SSL_CERT_FILE / $SSL_CERT_DIR when set),
/// proxies from the usual environment variables, Basic auth from `credentials` for matching
/// hosts only. Connections are reused per thread.
std::unique_ptr<HttpClient> make_curl_client(std::vector<HostCredential> credentials = {});

/// `url` with the password of its userinfo replaced by "***" ("https://u:***@host/x"); other
/// URLs are returned unchanged. For every message that shows a URL.
std::string redact_url(std::string_view url);

/// True for URLs wisp fetches over HTTP ("http://", "https://", any case).
bool is_http_url(std::string_view location);

}  // namespace wisp::io
