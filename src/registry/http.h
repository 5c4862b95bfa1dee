// The HTTP layer of the registry client: any method, request bodies streamed from memory or
// from a range of a file, response bodies into memory or a Sink. Unlike io/http.h, every
// status is a value (registries speak in 202s, 401s, 404s and 416s); only transport failures
// are errors.
//
// Redirects of GET and HEAD are followed by hand so that each hop is checked: http/https only,
// no https -> http downgrade, and the Authorization header goes to the request's own origin
// only (a blob redirected to a CDN or bucket never sees the registry's credentials).
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/result.h"
#include "io/sink.h"

namespace wisp::registry {

using Headers = std::vector<std::pair<std::string, std::string>>;
struct Response;

/// A request body: bytes in memory, or `length` bytes of `file` from `offset` (read as the
/// transfer goes, so a 1 GiB layer is never held in memory).
struct Body {
  std::string bytes;
  std::filesystem::path file;
  uint64_t offset = 0;
  uint64_t length = 0;

  static Body of(std::string bytes);
  static Body of_file(std::filesystem::path file, uint64_t offset, uint64_t length);
  bool from_file() const { return !file.empty(); }
  uint64_t size() const { return from_file() ? length : bytes.size(); }
};

struct Request {
  std::string method = "GET";  // GET, HEAD, PUT, POST, PATCH, DELETE
  std::string url;             // http:// or https://, no userinfo
  Headers headers;
  /// The Authorization header value, sent to the origin of `url` only.
  std::string authorization;
  /// PUT/POST/PATCH bodies; absent means an empty body (Content-Length: 0).
  std::optional<Body> body;
  /// When set, a 2xx response body is streamed here instead of into Response::body.
  io::Sink* sink = nullptr;
  /// Limit for bodies kept in memory (2xx without a sink); larger is Errc::too_large.
  uint64_t max_body_size = uint64_t{16} << 20;
  bool follow_redirects = true;
  /// Called with the number of body bytes sent so far (from the transfer thread).
  std::function<void(uint64_t)> on_upload;
  /// Called once the final 2xx response's status and headers are in, before the first body
  /// byte reaches the sink (e.g. to learn whether a Range request got 206 or 200). An error
  /// aborts the transfer and is returned as it is.
  std::function<Status(const Response&)> on_headers;
};

struct Response {
  long status = 0;
  std::string url;  // after redirects
  /// Headers of the final response; names lowercased, values trimmed.
  Headers headers;
  /// The body when it was not streamed to a sink; non-2xx bodies are kept up to 64 KiB (for
  /// error messages).
  std::string body;

  /// The first value of header `name` (case-insensitive), or "".
  std::string header(std::string_view name) const;
  bool ok() const { return status >= 200 && status < 300; }
};

struct TransportOptions {
  std::string ca_file;      // extra trust: PEM file of CA certificates (--ca-cert)
  bool verify_tls = true;   // false: accept any certificate (--insecure)
  long connect_timeout_s = 30;
  /// A transfer moving under 1 byte/s for this long is aborted (a stalled server).
  long stall_timeout_s = 60;
};

class Transport {
 public:
  virtual ~Transport() = default;
  /// Sends `request`. Any HTTP status is a value. Errc::network for connection, TLS, timeout
  /// and redirect failures (naming the method and URL); Errc::too_large past max_body_size;
  /// Errc::io when the body file cannot be read; errors of the sink as they are. Safe to call
  /// from several threads at once.
  virtual Result<Response> send(const Request& request) = 0;
};

/// The libcurl transport: system CA certificates plus options.ca_file (and $SSL_CERT_FILE /
/// $SSL_CERT_DIR when set), proxies from the environment, connections reused per thread.
std::unique_ptr<Transport> make_curl_transport(TransportOptions options = {});

/// Resolves a Location header against the URL it came from (absolute, host-relative "/v2/..."
/// or path-relative). Errc::bad_format when it cannot be resolved.
Result<std::string> resolve_url(std::string_view base, std::string_view location);

/// The "scheme://host[:port]" of a URL (lowercased), "" when it has none.
std::string url_origin(std::string_view url);

/// `url` with `name=value` appended to its query (value percent-encoded).
std::string add_query(std::string_view url, std::string_view name, std::string_view value);

/// `url` for messages: its query dropped (upload locations carry long opaque state), except a
/// digest parameter.
std::string url_for_messages(std::string_view url);

/// Percent-encodes everything but RFC 3986 unreserved characters.
std::string url_encode(std::string_view text);

}  // namespace wisp::registry
