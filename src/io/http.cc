#include "io/http.h"

#include <curl/curl.h>

#include <cstdlib>
#include <memory>
#include <optional>

#include "base/strings.h"
#include "io/curl_handle.h"

namespace wisp::io {

namespace {

struct ParsedUrl {
  std::string scheme;  // lowercase
  std::string host;    // lowercase
  std::string port;    // empty when not written
  std::string user;
  std::string password;
  std::string clean;  // the URL without userinfo: what is requested and shown
};

std::string url_part(CURLU* url, CURLUPart part, unsigned flags = 0) {
  char* raw = nullptr;
  if (curl_url_get(url, part, &raw, flags) != CURLUE_OK || !raw) return "";
  std::unique_ptr<char, CurlStringFree> owned(raw);
  return std::string(raw);
}

Result<ParsedUrl> parse_url(const std::string& text) {
  std::unique_ptr<CURLU, CurlUrlFree> url(curl_url());
  if (!url) return fail(Errc::internal, "out of memory parsing a URL");
  if (curl_url_set(url.get(), CURLUPART_URL, text.c_str(), 0) != CURLUE_OK)
    return fail(Errc::usage, "'{}' is not a valid URL", redact_url(text));
  ParsedUrl out;
  out.scheme = ascii_lower(url_part(url.get(), CURLUPART_SCHEME));
  out.host = ascii_lower(url_part(url.get(), CURLUPART_HOST));
  out.port = url_part(url.get(), CURLUPART_PORT);
  out.user = url_part(url.get(), CURLUPART_USER, CURLU_URLDECODE);
  out.password = url_part(url.get(), CURLUPART_PASSWORD, CURLU_URLDECODE);
  curl_url_set(url.get(), CURLUPART_USER, nullptr, 0);
  curl_url_set(url.get(), CURLUPART_PASSWORD, nullptr, 0);
  out.clean = url_part(url.get(), CURLUPART_URL);
  if (out.clean.empty()) return fail(Errc::usage, "'{}' is not a valid URL", redact_url(text));
  return out;
}

bool same_origin(const ParsedUrl& a, const ParsedUrl& b) {
  return a.scheme == b.scheme && a.host == b.host && a.port == b.port;
}

/// What one transfer collects; the callbacks route the body by the status of the response
/// being received (redirect and error bodies are dropped).
struct Transfer {
  const HttpRequest* request = nullptr;
  HttpResponse* response = nullptr;
  long status = 0;
  std::string reason;
  uint64_t delivered = 0;
  std::optional<Error> error;
};

size_t on_header(char* data, size_t size, size_t count, void* user) {
  auto* t = static_cast<Transfer*>(user);
  std::string_view line(data, size * count);
  line = trim(line);
  if (line.starts_with("HTTP/")) {
    // A new response (after 1xx or on each redirect hop): start over.
    t->response->headers.clear();
    t->status = 0;
    t->reason.clear();
    std::vector<std::string_view> parts = split_whitespace(line);
    if (parts.size() >= 2) {
      if (auto code = parse_u64(parts[1])) t->status = static_cast<long>(*code);
      size_t reason_at = line.find(parts[1]) + parts[1].size();
      t->reason = std::string(trim(line.substr(reason_at)));
    }
  } else if (size_t colon = line.find(':'); colon != std::string_view::npos) {
    t->response->headers.emplace_back(ascii_lower(trim(line.substr(0, colon))),
                                      std::string(trim(line.substr(colon + 1))));
  }
  return size * count;
}

size_t on_body(char* data, size_t size, size_t count, void* user) {
  auto* t = static_cast<Transfer*>(user);
  size_t n = size * count;
  if (t->status < 200 || t->status >= 300) return n;  // not a body we deliver
  if (t->delivered + n > t->request->max_body_size) {
    t->error = Error{Errc::too_large, fmt::format("{}: body larger than {} bytes",
                                                  redact_url(t->request->url),
                                                  t->request->max_body_size)};
    return 0;
  }
  t->delivered += n;
  std::string_view bytes(data, n);
  if (t->request->sink) {
    if (auto written = t->request->sink->write(bytes); !written) {
      t->error = std::move(written).error();
      return 0;
    }
  } else {
    t->response->body.append(bytes);
  }
  return n;
}


bool is_redirect(long status) {
  return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
}

class CurlClient final : public HttpClient {
 public:
  explicit CurlClient(std::vector<HostCredential> credentials)
      : m_credentials(std::move(credentials)) {
    curl_init_once();
  }

  Result<HttpResponse> get(const HttpRequest& request) override {
    TRY_ASSIGN(ParsedUrl origin, parse_url(request.url));
    if (origin.scheme != "http" && origin.scheme != "https")
      return fail(Errc::usage, "{}: only http and https URLs can be downloaded", origin.clean);
    ParsedUrl hop = origin;
    for (int redirects = 0;; ++redirects) {
      HttpResponse response;
      Transfer transfer;
      transfer.request = &request;
      transfer.response = &response;
      std::string location;
      TRY(perform(request, origin, hop, transfer, location));
      response.status = transfer.status;
      response.final_url = hop.clean;
      if (is_redirect(transfer.status)) {
        if (location.empty())
          return fail(Errc::network, "{}: HTTP {} without a Location", hop.clean, transfer.status);
        if (redirects >= request.max_redirects)
          return fail(Errc::network, "{}: more than {} redirects", origin.clean,
                      request.max_redirects);
        TRY_ASSIGN(ParsedUrl next, with_context(parse_url(location),
                                                fmt::format("{}: redirect", hop.clean)));
        if (next.scheme != "http" && next.scheme != "https")
          return fail(Errc::network, "{}: redirect to a non-HTTP URL refused ({})", hop.clean,
                      next.clean);
        if (hop.scheme == "https" && next.scheme == "http")
          return fail(Errc::network, "{}: redirect from https to http refused ({})", hop.clean,
                      next.clean);
        hop = std::move(next);
        continue;
      }
      if ((transfer.status >= 200 && transfer.status < 300) || transfer.status == 304)
        return response;
      std::string what = fmt::format("{}: HTTP {}{}{}", hop.clean, transfer.status,
                                     transfer.reason.empty() ? "" : " ", transfer.reason);
      if (transfer.status == 401 || transfer.status == 403) {
        bool sent = !credential_for(origin, hop).first.empty();
        return fail(Errc::unauthorized, "{} ({})", what,
                    sent ? "credentials refused" : "no credentials for this host; set HTTP_AUTH");
      }
      if (transfer.status == 404 || transfer.status == 410) return fail(Errc::not_found, "{}", what);
      return fail(Errc::network, "{}", what);
    }
  }

 private:
  /// User and password for a hop: the URL's own userinfo only while on the origin, else a
  /// matching HTTP_AUTH entry.
  std::pair<std::string, std::string> credential_for(const ParsedUrl& origin,
                                                     const ParsedUrl& hop) const {
    if (!origin.user.empty() && same_origin(origin, hop)) return {origin.user, origin.password};
    if (const HostCredential* c = find_credential(m_credentials, hop.scheme, hop.host, hop.port))
      return {c->user, c->password};
    return {};
  }

  Status perform(const HttpRequest& request, const ParsedUrl& origin, const ParsedUrl& hop,
                 Transfer& transfer, std::string& location) const {
    CURL* curl = curl_thread_handle();
    if (!curl) return fail(Errc::internal, "libcurl could not create a handle");
    char error_buffer[CURL_ERROR_SIZE] = {};
    curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, error_buffer);
    curl_easy_setopt(curl, CURLOPT_URL, hop.clean.c_str());
    curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);  // required with threads
    curl_easy_setopt(curl, CURLOPT_USERAGENT, "wisp/0.1");
    curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT, request.connect_timeout_s);
    curl_easy_setopt(curl, CURLOPT_LOW_SPEED_LIMIT, 1L);
    curl_easy_setopt(curl, CURLOPT_LOW_SPEED_TIME, request.stall_timeout_s);
    curl_easy_setopt(curl, CURLOPT_TIMEOUT, request.total_timeout_s);
    if (const char* ca_file = std::getenv("SSL_CERT_FILE"); ca_file && *ca_file)
      curl_easy_setopt(curl, CURLOPT_CAINFO, ca_file);
    if (const char* ca_dir = std::getenv("SSL_CERT_DIR"); ca_dir && *ca_dir)
      curl_easy_setopt(curl, CURLOPT_CAPATH, ca_dir);

    std::unique_ptr<curl_slist, CurlSlistFree> headers;
    for (const auto& [name, value] : request.headers) {
      std::string line = fmt::format("{}: {}", name, value);
      curl_slist* grown = curl_slist_append(headers.get(), line.c_str());
      if (!grown) return fail(Errc::internal, "out of memory building request headers");
      (void)headers.release();
      headers.reset(grown);
    }
    if (headers) curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers.get());

    auto [user, password] = credential_for(origin, hop);
    if (!user.empty()) {
      curl_easy_setopt(curl, CURLOPT_HTTPAUTH, static_cast<long>(CURLAUTH_BASIC));
      curl_easy_setopt(curl, CURLOPT_USERNAME, user.c_str());
      curl_easy_setopt(curl, CURLOPT_PASSWORD, password.c_str());
    }

    curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(curl, CURLOPT_HEADERDATA, &transfer);
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, &transfer);

    CURLcode rc = curl_easy_perform(curl);
    // Nothing may keep pointing at this frame once we return.
    curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, nullptr);
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, nullptr);
    if (transfer.error) return std::unexpected(std::move(*transfer.error));
    if (rc != CURLE_OK) {
      std::string detail = error_buffer[0] ? std::string(trim(error_buffer)) : curl_easy_strerror(rc);
      return fail(Errc::network, "{}: {}", hop.clean, detail);
    }
    long code = 0;
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &code);
    transfer.status = code;
    char* redirect = nullptr;
    if (curl_easy_getinfo(curl, CURLINFO_REDIRECT_URL, &redirect) == CURLE_OK && redirect)
      location = redirect;
    return {};
  }

  std::vector<HostCredential> m_credentials;
};

}  // namespace

std::string HttpResponse::header(std::string_view name) const {
  std::string want = ascii_lower(name);
  for (const auto& [key, value] : headers)
    if (key == want) return value;
  return "";
}

std::unique_ptr<HttpClient> make_curl_client(std::vector<HostCredential> credentials) {
  return std::make_unique<CurlClient>(std::move(credentials));
}

std::string redact_url(std::string_view url) {
  size_t scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos) return std::string(url);
  size_t authority_start = scheme_end + 3;
  size_t authority_end = url.find_first_of("/?#", authority_start);
  if (authority_end == std::string_view::npos) authority_end = url.size();
  std::string_view authority = url.substr(authority_start, authority_end - authority_start);
  size_t at = authority.rfind('@');
  if (at == std::string_view::npos) return std::string(url);
  std::string_view userinfo = authority.substr(0, at);
  size_t colon = userinfo.find(':');
  if (colon == std::string_view::npos) return std::string(url);
  return fmt::format("{}{}:***{}", url.substr(0, authority_start), userinfo.substr(0, colon),
                     url.substr(authority_start + at));
}

bool is_http_url(std::string_view location) {
  std::string prefix = ascii_lower(location.substr(0, 8));
  return prefix.starts_with("http://") || prefix.starts_with("https://");
}

}  // namespace wisp::io
