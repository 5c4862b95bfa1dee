#include "registry/http.h"

#include <curl/curl.h>
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "base/strings.h"
#include "io/curl_handle.h"

namespace wisp::registry {

namespace {

using io::curl_init_once;
using io::curl_thread_handle;
using io::CurlSlistFree;
using io::CurlStringFree;
using io::CurlUrlFree;

constexpr size_t k_max_error_body = 64 << 10;


std::string url_part(CURLU* url, CURLUPart part) {
  char* raw = nullptr;
  if (curl_url_get(url, part, &raw, 0) != CURLUE_OK || !raw) return "";
  std::unique_ptr<char, CurlStringFree> owned(raw);
  return std::string(raw);
}

bool is_redirect(long status) {
  return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
}

/// The file or memory a body is read from, positioned for libcurl's read and seek callbacks.
class BodyReader {
 public:
  explicit BodyReader(const Body& body) : m_body(body) {}
  ~BodyReader() {
    if (m_fd >= 0) ::close(m_fd);
  }
  BodyReader(const BodyReader&) = delete;
  BodyReader& operator=(const BodyReader&) = delete;

  Status open() {
    if (!m_body.from_file()) return {};
    m_fd = ::open(m_body.file.c_str(), O_RDONLY | O_CLOEXEC);
    if (m_fd < 0)
      return fail(errno == ENOENT ? Errc::not_found : Errc::io, "{}: open: {}", m_body.file.string(),
                  std::strerror(errno));
    return {};
  }

  /// Fills `out` with up to `n` bytes; 0 at the end. Sets error() on failure.
  size_t read(char* out, size_t n) {
    uint64_t left = m_body.size() - m_position;
    size_t want = static_cast<size_t>(std::min<uint64_t>(n, left));
    if (want == 0) return 0;
    if (!m_body.from_file()) {
      std::memcpy(out, m_body.bytes.data() + m_position, want);
    } else {
      ssize_t got;
      do {
        got = ::pread(m_fd, out, want, static_cast<off_t>(m_body.offset + m_position));
      } while (got < 0 && errno == EINTR);
      if (got <= 0) {
        m_error = Error{Errc::io, fmt::format("{}: read: {}", m_body.file.string(),
                                              got == 0 ? "file shorter than expected" : std::strerror(errno))};
        return CURL_READFUNC_ABORT;
      }
      want = static_cast<size_t>(got);
    }
    m_position += want;
    return want;
  }

  bool seek(uint64_t position) {
    if (position > m_body.size()) return false;
    m_position = position;
    return true;
  }
  uint64_t position() const { return m_position; }
  std::optional<Error>& error() { return m_error; }

 private:
  const Body& m_body;
  int m_fd = -1;
  uint64_t m_position = 0;
  std::optional<Error> m_error;
};

/// What one hop collects. Body bytes are routed by the status of the response being received.
struct Transfer {
  const Request* request = nullptr;
  Response* response = nullptr;
  BodyReader* reader = nullptr;
  long status = 0;
  uint64_t delivered = 0;
  bool headers_seen = false;
  std::optional<Error> error;
};

size_t on_header(char* data, size_t size, size_t count, void* user) {
  auto* t = static_cast<Transfer*>(user);
  std::string_view line = trim(std::string_view(data, size * count));
  if (line.starts_with("HTTP/")) {
    t->response->headers.clear();  // a new response (after 100 Continue or a redirect)
    t->status = 0;
    auto parts = split_whitespace(line);
    if (parts.size() >= 2)
      if (auto code = parse_u64(parts[1])) t->status = static_cast<long>(*code);
  } else if (size_t colon = line.find(':'); colon != std::string_view::npos) {
    t->response->headers.emplace_back(ascii_lower(trim(line.substr(0, colon))),
                                      std::string(trim(line.substr(colon + 1))));
  }
  return size * count;
}

size_t on_body(char* data, size_t size, size_t count, void* user) {
  auto* t = static_cast<Transfer*>(user);
  size_t n = size * count;
  std::string_view bytes(data, n);
  bool success = t->status >= 200 && t->status < 300;
  if (!success) {
    if (t->response->body.size() < k_max_error_body)
      t->response->body.append(bytes.substr(0, k_max_error_body - t->response->body.size()));
    return n;
  }
  if (!t->headers_seen) {
    t->headers_seen = true;
    if (t->request->on_headers) {
      t->response->status = t->status;
      if (auto accepted = t->request->on_headers(*t->response); !accepted) {
        t->error = std::move(accepted).error();
        return 0;
      }
    }
  }
  if (t->request->sink) {
    if (auto written = t->request->sink->write(bytes); !written) {
      t->error = std::move(written).error();
      return 0;
    }
    return n;
  }
  if (t->delivered + n > t->request->max_body_size) {
    t->error = Error{Errc::too_large, fmt::format("{} {}: response larger than {} bytes", t->request->method,
                                                  t->request->url, t->request->max_body_size)};
    return 0;
  }
  t->delivered += n;
  t->response->body.append(bytes);
  return n;
}

size_t on_read(char* out, size_t size, size_t count, void* user) {
  auto* t = static_cast<Transfer*>(user);
  size_t got = t->reader->read(out, size * count);
  if (got != CURL_READFUNC_ABORT && t->request->on_upload) t->request->on_upload(t->reader->position());
  return got;
}

int on_seek(void* user, curl_off_t offset, int origin) {
  auto* t = static_cast<Transfer*>(user);
  if (origin != SEEK_SET || offset < 0) return CURL_SEEKFUNC_CANTSEEK;
  return t->reader->seek(static_cast<uint64_t>(offset)) ? CURL_SEEKFUNC_OK : CURL_SEEKFUNC_FAIL;
}

class CurlTransport final : public Transport {
 public:
  explicit CurlTransport(TransportOptions options) : m_options(std::move(options)) { curl_init_once(); }

  Result<Response> send(const Request& request) override {
    std::string origin = url_origin(request.url);
    if (!origin.starts_with("http://") && !origin.starts_with("https://"))
      return fail(Errc::usage, "{}: only http and https URLs are supported", request.url);
    std::string url = request.url;
    const bool may_redirect = request.follow_redirects && (request.method == "GET" || request.method == "HEAD");
    for (int hops = 0;; ++hops) {
      Response response;
      std::string location;
      bool send_auth = url_origin(url) == origin;
      TRY(perform(request, url, send_auth, response, location));
      response.url = url;
      if (!may_redirect || !is_redirect(response.status)) return response;
      if (location.empty())
        return fail(Errc::network, "{} {}: HTTP {} without a Location", request.method, url, response.status);
      if (hops >= 10) return fail(Errc::network, "{} {}: more than 10 redirects", request.method, request.url);
      TRY_ASSIGN(std::string next, resolve_url(url, location));
      std::string next_origin = url_origin(next);
      if (!next_origin.starts_with("http://") && !next_origin.starts_with("https://"))
        return fail(Errc::network, "{} {}: redirect to a non-HTTP URL refused", request.method, url);
      if (url.starts_with("https://") && next_origin.starts_with("http://"))
        return fail(Errc::network, "{} {}: redirect from https to http refused ({})", request.method, url, next);
      url = std::move(next);
    }
  }

 private:
  Status perform(const Request& request, const std::string& url, bool send_auth, Response& response,
                 std::string& location) const {
    CURL* curl = curl_thread_handle();
    if (!curl) return fail(Errc::internal, "libcurl could not create a handle");
    BodyReader reader(request.body ? *request.body : m_empty);
    TRY(reader.open());
    Transfer transfer;
    transfer.request = &request;
    transfer.response = &response;
    transfer.reader = &reader;

    char error_buffer[CURL_ERROR_SIZE] = {};
    curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, error_buffer);
    curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
    curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl, CURLOPT_USERAGENT, "wisp/0.1");
    curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT, m_options.connect_timeout_s);
    curl_easy_setopt(curl, CURLOPT_LOW_SPEED_LIMIT, 1L);
    curl_easy_setopt(curl, CURLOPT_LOW_SPEED_TIME, m_options.stall_timeout_s);
    if (const char* ca_file = std::getenv("SSL_CERT_FILE"); ca_file && *ca_file)
      curl_easy_setopt(curl, CURLOPT_CAINFO, ca_file);
    if (const char* ca_dir = std::getenv("SSL_CERT_DIR"); ca_dir && *ca_dir)
      curl_easy_setopt(curl, CURLOPT_CAPATH, ca_dir);
    if (!m_options.ca_file.empty()) curl_easy_setopt(curl, CURLOPT_CAINFO, m_options.ca_file.c_str());
    if (!m_options.verify_tls) {
      curl_easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, 0L);
      curl_easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, 0L);
    }

    const std::string& method = request.method;
    const bool has_body = method == "PUT" || method == "POST" || method == "PATCH";
    if (method == "HEAD") {
      curl_easy_setopt(curl, CURLOPT_NOBODY, 1L);
    } else if (method == "POST") {
      curl_easy_setopt(curl, CURLOPT_POST, 1L);
      curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(reader_size(request)));
    } else if (method == "PUT" || method == "PATCH") {
      curl_easy_setopt(curl, CURLOPT_UPLOAD, 1L);
      curl_easy_setopt(curl, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(reader_size(request)));
      if (method == "PATCH") curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, "PATCH");
    } else if (method != "GET") {
      curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, method.c_str());
    }
    if (has_body) {
      curl_easy_setopt(curl, CURLOPT_READFUNCTION, on_read);
      curl_easy_setopt(curl, CURLOPT_READDATA, &transfer);
      curl_easy_setopt(curl, CURLOPT_SEEKFUNCTION, on_seek);
      curl_easy_setopt(curl, CURLOPT_SEEKDATA, &transfer);
    }

    std::unique_ptr<curl_slist, CurlSlistFree> headers;
    auto add_header = [&](const std::string& line) -> Status {
      curl_slist* grown = curl_slist_append(headers.get(), line.c_str());
      if (!grown) return fail(Errc::internal, "out of memory building request headers");
      (void)headers.release();
      headers.reset(grown);
      return {};
    };
    for (const auto& [name, value] : request.headers) TRY(add_header(fmt::format("{}: {}", name, value)));
    if (send_auth && !request.authorization.empty())
      TRY(add_header("Authorization: " + request.authorization));
    // No "Expect: 100-continue" round trip before uploads; and POST without a form type.
    if (has_body) TRY(add_header("Expect:"));
    if (method == "POST" && !has_header(request, "content-type")) TRY(add_header("Content-Type:"));
    if (headers) curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers.get());

    curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(curl, CURLOPT_HEADERDATA, &transfer);
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, &transfer);

    CURLcode rc = curl_easy_perform(curl);
    // Nothing may keep pointing at this frame once we return.
    curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, nullptr);
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, nullptr);
    if (transfer.error) return std::unexpected(std::move(*transfer.error));
    if (reader.error()) return std::unexpected(std::move(*reader.error()));
    if (rc != CURLE_OK) {
      std::string detail = error_buffer[0] ? std::string(trim(error_buffer)) : curl_easy_strerror(rc);
      return fail(Errc::network, "{} {}: {}", method, url_for_messages(url), detail);
    }
    long code = 0;
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &code);
    response.status = code;
    char* redirect = nullptr;
    if (curl_easy_getinfo(curl, CURLINFO_REDIRECT_URL, &redirect) == CURLE_OK && redirect) location = redirect;
    return {};
  }

  static uint64_t reader_size(const Request& request) { return request.body ? request.body->size() : 0; }
  static bool has_header(const Request& request, std::string_view name) {
    for (const auto& [key, value] : request.headers)
      if (ascii_lower(key) == name) return true;
    return false;
  }

  TransportOptions m_options;
  Body m_empty;
};

}  // namespace

Body Body::of(std::string bytes) {
  Body b;
  b.bytes = std::move(bytes);
  return b;
}

Body Body::of_file(std::filesystem::path file, uint64_t offset, uint64_t length) {
  Body b;
  b.file = std::move(file);
  b.offset = offset;
  b.length = length;
  return b;
}

std::string Response::header(std::string_view name) const {
  std::string want = ascii_lower(name);
  for (const auto& [key, value] : headers)
    if (key == want) return value;
  return "";
}

std::unique_ptr<Transport> make_curl_transport(TransportOptions options) {
  return std::make_unique<CurlTransport>(std::move(options));
}

Result<std::string> resolve_url(std::string_view base, std::string_view location) {
  curl_init_once();
  std::unique_ptr<CURLU, CurlUrlFree> url(curl_url());
  if (!url) return fail(Errc::internal, "out of memory parsing a URL");
  std::string base_text(base), location_text(location);
  if (curl_url_set(url.get(), CURLUPART_URL, base_text.c_str(), 0) != CURLUE_OK)
    return fail(Errc::bad_format, "'{}' is not a valid URL", base);
  // curl resolves a relative URL against the one already set.
  if (curl_url_set(url.get(), CURLUPART_URL, location_text.c_str(), 0) != CURLUE_OK)
    return fail(Errc::bad_format, "Location '{}' (from {}) is not a valid URL", location, base);
  std::string out = url_part(url.get(), CURLUPART_URL);
  if (out.empty()) return fail(Errc::bad_format, "Location '{}' (from {}) is not a valid URL", location, base);
  return out;
}

std::string url_origin(std::string_view url) {
  size_t scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos) return "";
  size_t end = url.find_first_of("/?#", scheme_end + 3);
  return ascii_lower(url.substr(0, end));
}

std::string url_for_messages(std::string_view url) {
  size_t query = url.find('?');
  if (query == std::string_view::npos) return std::string(url);
  std::string out(url.substr(0, query));
  for (auto part : split(url.substr(query + 1), '&'))
    if (part.starts_with("digest=")) out += fmt::format("?{}", part);
  return out;
}

std::string url_encode(std::string_view text) {
  std::string out;
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') out += static_cast<char>(c);
    else out += fmt::format("%{:02X}", c);
  }
  return out;
}

std::string add_query(std::string_view url, std::string_view name, std::string_view value) {
  size_t fragment = url.find('#');
  std::string_view head = url.substr(0, fragment);
  std::string out(head);
  if (head.find('?') == std::string_view::npos) out += '?';
  else if (!head.ends_with('?') && !head.ends_with('&')) out += '&';
  out += fmt::format("{}={}", url_encode(name), url_encode(value));
  return out;
}

}  // namespace wisp::registry
