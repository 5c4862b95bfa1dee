// An in-memory registry behind the Transport interface, for unit tests of the client: the
// distribution-spec endpoints the client uses (ping, blobs with Range, uploads with mount,
// PATCH chunks and PUT, manifests, tags with Link pages, referrers), optional Basic or Bearer
// auth (with its token endpoint), a request log, and a hook that injects faults. Test-only
// (header-only so that only the test binary compiles it).
#pragma once

#include <algorithm>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "base/digest.h"
#include "base/encoding.h"
#include "base/file.h"
#include "base/strings.h"
#include "registry/http.h"

namespace wisp::registry::testing {

class FakeRegistry final : public Transport {
 public:
  static constexpr std::string_view k_origin = "http://127.0.0.1:5000";

  struct Options {
    std::string user, password;  // Basic auth when set (or the token endpoint's credentials)
    bool bearer = false;         // Bearer tokens from http://127.0.0.1:5000/token
    bool referrers = true;       // the referrers API (else 404: the tag fallback)
    bool relative_locations = true;
    uint64_t chunk_min = 0;      // OCI-Chunk-Min-Length
    bool ignore_range = false;   // answer Range requests with the whole blob (200)
  };

  FakeRegistry() = default;
  explicit FakeRegistry(Options options) : m_options(std::move(options)) {}

  /// Called before each request is handled with its kind ("blob-get", "upload-patch", ...) and
  /// how many of that kind came before; a value replaces the answer.
  std::function<std::optional<Result<Response>>(const Request&, const std::string& kind, int nth)> fault;
  /// Called with what a streamed GET would deliver; tests may cut it short.
  std::function<std::string(const std::string& body, int nth)> shape_blob;

  std::vector<std::string> log() {
    std::lock_guard lock(m_mutex);
    return m_log;
  }
  int count(std::string_view prefix) {
    std::lock_guard lock(m_mutex);
    return static_cast<int>(std::count_if(m_log.begin(), m_log.end(), [&](const std::string& l) { return l.starts_with(prefix); }));
  }
  void put_blob(const std::string& repo, const std::string& bytes) {
    std::lock_guard lock(m_mutex);
    std::string d = sha256_digest_string(bytes);
    m_blobs[d] = bytes;
    m_links[repo].insert(d);
  }
  void corrupt_blob(const std::string& digest) {
    std::lock_guard lock(m_mutex);
    m_blobs[digest] += "!";
  }
  bool has_blob(const std::string& repo, const std::string& digest) {
    std::lock_guard lock(m_mutex);
    return m_links[repo].count(digest) > 0;
  }
  std::optional<std::string> tag(const std::string& repo, const std::string& tag) {
    std::lock_guard lock(m_mutex);
    auto it = m_tags.find(repo + ":" + tag);
    if (it == m_tags.end()) return std::nullopt;
    return it->second;
  }
  std::string manifest_bytes(const std::string& digest) {
    std::lock_guard lock(m_mutex);
    return m_manifests[digest].second;
  }
  int tokens_issued() {
    std::lock_guard lock(m_mutex);
    return m_tokens_issued;
  }
  std::vector<std::string> token_scopes() {
    std::lock_guard lock(m_mutex);
    return m_token_scope_log;
  }

  Result<Response> send(const Request& request) override {
    std::string body;
    if (request.body) {
      if (request.body->from_file()) {
        auto all = read_file(request.body->file);
        if (!all) return std::unexpected(all.error());
        body = all->substr(request.body->offset, request.body->length);
      } else {
        body = request.body->bytes;
      }
      if (request.on_upload) request.on_upload(body.size());
    }
    std::string url = request.url;
    if (!url.starts_with(k_origin)) return fail(Errc::network, "{} {}: could not resolve host", request.method, url);
    std::string target = url.substr(k_origin.size());
    std::string path = target.substr(0, target.find('?'));
    std::map<std::string, std::string> query;
    if (size_t q = target.find('?'); q != std::string::npos)
      for (auto pair : split(std::string_view(target).substr(q + 1), '&')) {
        size_t eq = pair.find('=');
        query[std::string(pair.substr(0, eq))] = eq == std::string_view::npos ? "" : decode(pair.substr(eq + 1));
      }
    std::string kind = kind_of(request.method, path);
    int nth;
    {
      std::lock_guard lock(m_mutex);
      nth = ++m_counts[kind];
    }
    if (fault) {
      if (auto replaced = fault(request, kind, nth)) {
        record(request, path, *replaced ? (*replaced)->status : -1);
        return *replaced;
      }
    }
    Response response = handle(request, path, query, body, kind, nth);
    response.url = url;
    record(request, path, response.status);
    if (response.ok() && request.sink && request.method == "GET") {
      if (request.on_headers) TRY(request.on_headers(response));
      std::string delivered = std::move(response.body);
      response.body.clear();
      bool cut = false;
      if (shape_blob && kind == "blob-get") {
        std::string shaped = shape_blob(delivered, nth);
        cut = shaped.size() < delivered.size();
        delivered = std::move(shaped);
      }
      TRY(request.sink->write(delivered));
      if (cut) return fail(Errc::network, "GET {}: connection reset", url);
    }
    return response;
  }

 private:
  static std::string decode(std::string_view s) {
    std::string out;
    for (size_t i = 0; i < s.size(); ++i) {
      if (s[i] == '%' && i + 2 < s.size()) {
        out += static_cast<char>(std::stoi(std::string(s.substr(i + 1, 2)), nullptr, 16));
        i += 2;
      } else {
        out += s[i];
      }
    }
    return out;
  }

  static std::string kind_of(const std::string& method, const std::string& path) {
    if (path == "/v2/") return "ping";
    if (path == "/token") return "token";
    if (path.find("/blobs/uploads/") != std::string::npos) {
      if (method == "POST") return "upload-start";
      if (method == "PATCH") return "upload-patch";
      if (method == "PUT") return "upload-put";
      return "upload-" + method;
    }
    if (path.find("/blobs/") != std::string::npos) return method == "HEAD" ? "blob-head" : "blob-get";
    if (path.find("/manifests/") != std::string::npos) return "manifest-" + method;
    if (path.ends_with("/tags/list")) return "tags";
    if (path.find("/referrers/") != std::string::npos) return "referrers";
    return "other";
  }

  void record(const Request& request, const std::string& path, long status) {
    std::lock_guard lock(m_mutex);
    m_log.push_back(fmt::format("{} {} {}", request.method, path, status));
  }

  static Response reply(long status, std::string body = "", Headers headers = {}) {
    Response r;
    r.status = status;
    r.body = std::move(body);
    r.headers = std::move(headers);
    return r;
  }
  static Response error(long status, std::string_view code) {
    return reply(status, fmt::format(R"({{"errors":[{{"code":"{}","message":"{}"}}]}})", code, code),
                 {{"content-type", "application/json"}});
  }

  /// The repository name and the rest of a /v2/<name>/<what>/... path.
  static std::pair<std::string, std::string> split_name(const std::string& path, std::string_view what) {
    size_t at = path.find(std::string("/") + std::string(what) + "/");
    return {path.substr(4, at - 4), path.substr(at + what.size() + 2)};
  }

  std::optional<Response> check_auth(const Request& request, const std::string& path, const std::map<std::string, std::string>& query) {
    if (!m_options.bearer && m_options.user.empty()) return std::nullopt;
    if (!m_options.bearer) {
      if (request.authorization == "Basic " + base64_encode(m_options.user + ":" + m_options.password)) return std::nullopt;
      return reply(401, R"({"errors":[{"code":"UNAUTHORIZED","message":"authentication required"}]})",
                   {{"www-authenticate", R"(Basic realm="fake")"}});
    }
    std::string need;
    for (std::string_view what : {"blobs", "manifests", "tags", "referrers"}) {
      if (path.find(std::string("/") + std::string(what) + "/") == std::string::npos) continue;
      std::string name = split_name(path, what).first;
      bool read = request.method == "GET" || request.method == "HEAD";
      need = fmt::format("repository:{}:{}", name, read ? "pull" : "push");
      break;
    }
    std::lock_guard lock(m_mutex);
    auto granted = m_tokens.find(request.authorization.starts_with("Bearer ") ? request.authorization.substr(7) : "");
    bool ok = granted != m_tokens.end() && (need.empty() || granted->second.count(need));
    if (ok && query.count("from") && !granted->second.count("repository:" + query.at("from") + ":pull")) {
      need = "repository:" + query.at("from") + ":pull";
      ok = false;
    }
    if (ok) return std::nullopt;
    std::string challenge = fmt::format(R"(Bearer realm="{}/token",service="fake")", k_origin);
    if (!need.empty()) challenge += fmt::format(R"(,scope="{}")", need.ends_with(":push") ? need.substr(0, need.size() - 5) + ":pull,push" : need);
    return reply(401, R"({"errors":[{"code":"UNAUTHORIZED","message":"authentication required"}]})",
                 {{"www-authenticate", challenge}});
  }

  Response token(const Request& request, const std::string& target_query_scope) {
    if (request.authorization != "Basic " + base64_encode(m_options.user + ":" + m_options.password))
      return reply(401, R"({"details":"bad credentials"})");
    std::set<std::string> granted;
    for (auto scope : split(target_query_scope, '\n')) {
      auto parts = split(scope, ':');
      if (parts.size() != 3) continue;
      for (auto action : split(parts[2], ','))
        granted.insert(fmt::format("repository:{}:{}", parts[1], action));
    }
    std::lock_guard lock(m_mutex);
    std::string value = fmt::format("token-{}", ++m_tokens_issued);
    m_token_scope_log.push_back(join(std::vector<std::string>(granted.begin(), granted.end()), " "));
    m_tokens[value] = std::move(granted);
    return reply(200, fmt::format(R"({{"token":"{}","expires_in":300}})", value));
  }

  Response handle(const Request& request, const std::string& path, const std::map<std::string, std::string>& query,
                  const std::string& body, const std::string& kind, int) {
    if (kind == "token") {
      // Scopes may repeat: gather them all from the raw URL.
      std::string scopes;
      std::string_view url = request.url;
      for (size_t at = url.find("scope="); at != std::string_view::npos; at = url.find("scope=", at + 1)) {
        size_t end = url.find('&', at);
        scopes += decode(url.substr(at + 6, end == std::string_view::npos ? std::string_view::npos : end - at - 6)) + "\n";
      }
      return token(request, scopes);
    }
    if (auto denied = check_auth(request, path, query)) return *denied;
    if (kind == "ping") return reply(200, "{}");
    std::lock_guard lock(m_mutex);
    if (kind == "blob-head" || kind == "blob-get") {
      auto [name, digest] = split_name(path, "blobs");
      if (!m_links[name].count(digest)) return error(404, "BLOB_UNKNOWN");
      const std::string& bytes = m_blobs[digest];
      Headers h = {{"content-length", std::to_string(bytes.size())}, {"docker-content-digest", digest}};
      if (kind == "blob-head") return reply(200, "", h);
      for (const auto& [k, v] : request.headers)
        if (k == "Range" && !m_options.ignore_range) {
          uint64_t start = std::stoull(v.substr(6));
          return reply(206, bytes.substr(start),
                       {{"content-range", fmt::format("bytes {}-{}/{}", start, bytes.size() - 1, bytes.size())}});
        }
      return reply(200, bytes, h);
    }
    if (kind == "upload-start") {
      auto [name, rest] = split_name(path, "blobs");
      if (query.count("mount")) {
        const std::string& digest = query.at("mount");
        auto from = query.find("from");
        if (from != query.end() && m_links[from->second].count(digest)) {
          m_links[name].insert(digest);
          return reply(201, "", {{"docker-content-digest", digest}, {"location", "/v2/" + name + "/blobs/" + digest}});
        }
      }
      std::string id = fmt::format("u{}", ++m_next_upload);
      m_uploads[id] = "";
      std::string location = fmt::format("/v2/{}/blobs/uploads/{}?_state=s0", name, id);
      if (!m_options.relative_locations) location = std::string(k_origin) + location;
      Headers h = {{"location", location}, {"range", "0-0"}};
      if (m_options.chunk_min) h.emplace_back("oci-chunk-min-length", std::to_string(m_options.chunk_min));
      return reply(202, "", h);
    }
    if (kind.starts_with("upload-")) {
      auto [name, rest] = split_name(path, "blobs");
      std::string id = rest.substr(std::string("uploads/").size());
      auto upload = m_uploads.find(id);
      if (upload == m_uploads.end()) return error(404, "BLOB_UPLOAD_UNKNOWN");
      if (request.method == "DELETE") {
        m_uploads.erase(upload);
        return reply(204);
      }
      upload->second += body;
      if (request.method == "PATCH") {
        std::string location = fmt::format("/v2/{}/blobs/uploads/{}?_state=s{}", name, id, upload->second.size());
        return reply(202, "", {{"location", location}, {"range", fmt::format("0-{}", upload->second.size() - 1)}});
      }
      std::string digest = query.count("digest") ? query.at("digest") : "";
      if (sha256_digest_string(upload->second) != digest) {
        m_uploads.erase(upload);
        return error(400, "DIGEST_INVALID");
      }
      m_blobs[digest] = upload->second;
      m_links[name].insert(digest);
      m_uploads.erase(upload);
      return reply(201, "", {{"docker-content-digest", digest}, {"location", "/v2/" + name + "/blobs/" + digest}});
    }
    if (kind.starts_with("manifest-")) {
      auto [name, ref] = split_name(path, "manifests");
      if (request.method == "PUT") {
        std::string digest = sha256_digest_string(body);
        std::string type;
        for (const auto& [k, v] : request.headers)
          if (k == "Content-Type") type = v;
        m_manifests[digest] = {type, body};
        m_repo_manifests[name].insert(digest);
        if (!ref.starts_with("sha256:")) m_tags[name + ":" + ref] = digest;
        else if (ref != digest) return error(400, "DIGEST_INVALID");
        Headers h = {{"docker-content-digest", digest}};
        auto doc = nlohmann::json::parse(body, nullptr, false);
        if (m_options.referrers && doc.is_object() && doc.contains("subject"))
          h.emplace_back("oci-subject", doc["subject"]["digest"].get<std::string>());
        return reply(201, "", h);
      }
      std::string digest = ref.starts_with("sha256:") ? ref : (m_tags.count(name + ":" + ref) ? m_tags[name + ":" + ref] : "");
      if (digest.empty() || !m_repo_manifests[name].count(digest)) return error(404, "MANIFEST_UNKNOWN");
      const auto& [type, bytes] = m_manifests[digest];
      Headers h = {{"content-type", type}, {"docker-content-digest", digest}, {"content-length", std::to_string(bytes.size())}};
      return reply(200, request.method == "HEAD" ? "" : bytes, h);
    }
    if (kind == "tags") {
      std::string name = path.substr(4, path.size() - 4 - std::string("/tags/list").size());
      std::vector<std::string> tags;
      for (const auto& [key, digest] : m_tags)
        if (key.starts_with(name + ":")) tags.push_back(key.substr(name.size() + 1));
      if (tags.empty()) return error(404, "NAME_UNKNOWN");
      std::sort(tags.begin(), tags.end());
      if (query.count("last")) std::erase_if(tags, [&](const std::string& t) { return t <= query.at("last"); });
      Headers h;
      if (query.count("n")) {
        size_t n = std::stoul(query.at("n"));
        if (tags.size() > n) {
          tags.resize(n);
          h.emplace_back("link", fmt::format(R"(</v2/{}/tags/list?n={}&last={}>; rel="next")", name, n, tags.back()));
        }
      }
      nlohmann::json doc = {{"name", name}, {"tags", tags}};
      return reply(200, doc.dump(), h);
    }
    if (kind == "referrers") {
      if (!m_options.referrers) return error(404, "NOT_FOUND");
      auto [name, digest] = split_name(path, "referrers");
      nlohmann::json manifests = nlohmann::json::array();
      for (const auto& d : m_repo_manifests[name]) {
        auto doc = nlohmann::json::parse(m_manifests[d].second, nullptr, false);
        if (!doc.is_object() || !doc.contains("subject") || doc["subject"]["digest"] != digest) continue;
        nlohmann::json entry = {{"mediaType", m_manifests[d].first}, {"digest", d}, {"size", m_manifests[d].second.size()}};
        if (doc.contains("artifactType")) entry["artifactType"] = doc["artifactType"];
        manifests.push_back(entry);
      }
      nlohmann::json index = {{"schemaVersion", 2}, {"mediaType", "application/vnd.oci.image.index.v1+json"}, {"manifests", manifests}};
      return reply(200, index.dump(), {{"content-type", "application/vnd.oci.image.index.v1+json"}});
    }
    return error(404, "NOT_FOUND");
  }

  Options m_options;
  std::mutex m_mutex;
  std::vector<std::string> m_log;
  std::map<std::string, int> m_counts;
  std::map<std::string, std::string> m_blobs;                  // digest -> bytes
  std::map<std::string, std::set<std::string>> m_links;        // repo -> blob digests
  std::map<std::string, std::pair<std::string, std::string>> m_manifests;  // digest -> (type, bytes)
  std::map<std::string, std::set<std::string>> m_repo_manifests;
  std::map<std::string, std::string> m_tags;                   // repo:tag -> digest
  std::map<std::string, std::string> m_uploads;                // id -> bytes so far
  int m_next_upload = 0;
  std::map<std::string, std::set<std::string>> m_tokens;
  int m_tokens_issued = 0;
  std::vector<std::string> m_token_scope_log;
};

}  // namespace wisp::registry::testing
