#include "registry/repository.h"

#include <algorithm>

#include <nlohmann/json.hpp>

#include "base/digest.h"
#include "base/encoding.h"
#include "base/log.h"
#include "base/strings.h"
#include "oci/media_types.h"
#include "registry/errors.h"

namespace wisp::registry {

namespace {

using json = nlohmann::json;

constexpr uint64_t k_max_manifest_size = uint64_t{16} << 20;

DigestAlg alg_of(std::string_view digest) {
  return oci::digest_algorithm(digest) == "sha512" ? DigestAlg::sha512 : DigestAlg::sha256;
}

/// Between the transport and the caller's sink: hashes, counts, stops at the promised size,
/// and drops the first bytes of a full response to a Range request.
class VerifyingSink final : public io::Sink {
 public:
  VerifyingSink(io::Sink& next, const oci::Descriptor& blob, const ProgressFn& progress)
      : m_next(next), m_blob(blob), m_hasher(alg_of(blob.digest)), m_progress(progress) {}

  Status write(std::string_view bytes) override {
    if (m_skip > 0) {
      size_t drop = static_cast<size_t>(std::min<uint64_t>(m_skip, bytes.size()));
      bytes.remove_prefix(drop);
      m_skip -= drop;
      if (bytes.empty()) return {};
    }
    if (m_delivered + bytes.size() > m_blob.size)
      return fail(Errc::digest_mismatch, "blob {} is larger than its {} bytes", m_blob.digest, m_blob.size);
    m_hasher.update(bytes);
    m_delivered += bytes.size();
    TRY(m_next.write(bytes));
    if (m_progress) m_progress(m_delivered);
    return {};
  }

  void skip(uint64_t n) { m_skip = n; }
  uint64_t delivered() const { return m_delivered; }
  Status check() {
    std::string got = fmt::format("{}:{}", digest_alg_name(m_hasher.alg()), hex_encode(m_hasher.finish()));
    if (got != m_blob.digest) return fail(Errc::digest_mismatch, "blob {} has content hashing to {}", m_blob.digest, got);
    return {};
  }

 private:
  io::Sink& m_next;
  const oci::Descriptor& m_blob;
  Hasher m_hasher;
  const ProgressFn& m_progress;
  uint64_t m_delivered = 0;
  uint64_t m_skip = 0;
};

/// The first byte of a "bytes START-END/TOTAL" Content-Range.
std::optional<uint64_t> content_range_start(std::string_view value) {
  value = trim(value);
  if (value.starts_with("bytes ")) value.remove_prefix(6);
  return parse_u64(value.substr(0, value.find('-')));
}

/// The target of a Link header's rel="next" entry, or "".
std::string next_link(std::string_view header) {
  for (auto part : split(header, ',')) {
    part = trim(part);
    if (!part.starts_with('<')) continue;
    size_t close = part.find('>');
    if (close == std::string_view::npos) continue;
    std::string_view params = part.substr(close + 1);
    if (params.find("rel=\"next\"") != std::string_view::npos || params.find("rel=next") != std::string_view::npos)
      return std::string(part.substr(1, close - 1));
  }
  return "";
}

Status check_digest_header(const Response& response, const oci::Descriptor& expected, std::string_view what) {
  std::string got = response.header("docker-content-digest");
  if (!got.empty() && got != expected.digest)
    return fail(Errc::digest_mismatch, "{}: registry stored {} instead of {}", what, got, expected.digest);
  return {};
}

Body sub_body(const Body& content, uint64_t offset, uint64_t length) {
  if (content.from_file()) return Body::of_file(content.file, content.offset + offset, length);
  return Body::of(content.bytes.substr(offset, length));
}

}  // namespace

std::string referrers_fallback_tag(std::string_view digest) {
  return fmt::format("{}-{}", oci::digest_algorithm(digest), oci::digest_hex(digest));
}

Result<std::optional<uint64_t>> Repository::blob_size(std::string_view digest) {
  Request request;
  request.method = "HEAD";
  request.url = path("blobs/" + std::string(digest));
  TRY_ASSIGN(Response response, m_client->send(request, pull_scopes(), Retry::yes));
  if (response.status == 404) return std::optional<uint64_t>();
  if (!response.ok()) return std::unexpected(m_client->failure(fmt::format("HEAD {}", request.url), response));
  auto size = parse_u64(response.header("content-length"));
  return std::optional<uint64_t>(size.value_or(0));
}

Status Repository::fetch_blob(const oci::Descriptor& blob, io::Sink& sink, const ProgressFn& progress) {
  TRY(oci::check_digest(blob.digest));
  VerifyingSink out(sink, blob, progress);
  const RetryPolicy& retry = m_client->options().retry;
  std::string what = fmt::format("{}: blob {}", m_name, blob.digest);
  for (int attempt = 1;; ++attempt) {
    Request request;
    request.url = path("blobs/" + blob.digest);
    request.sink = &out;
    const uint64_t have = out.delivered();
    if (have > 0) request.headers.emplace_back("Range", fmt::format("bytes={}-", have));
    request.on_headers = [&](const Response& r) -> Status {
      if (r.status == 206) {
        auto start = content_range_start(r.header("content-range"));
        if (!start || *start != have)
          return fail(Errc::bad_format, "{}: Range {}- answered with Content-Range '{}'", what, have, r.header("content-range"));
      } else {
        out.skip(have);  // the whole blob again: drop what we already have
      }
      return {};
    };
    auto response = m_client->send(request, pull_scopes(), Retry::no);
    std::string problem;
    if (!response) {
      if (!is_retryable_error(response.error())) return std::unexpected(response.error().wrap(what));
      problem = response.error().message;
    } else if (response->ok()) {
      if (out.delivered() == blob.size) return with_context(out.check(), m_name);
      problem = fmt::format("transfer ended after {} of {} bytes", out.delivered(), blob.size);
    } else if (is_retryable_status(response->status)) {
      problem = describe_response(*response);
    } else {
      return std::unexpected(m_client->failure(fmt::format("GET {}", request.url), *response));
    }
    if (attempt >= retry.attempts) return fail(Errc::network, "{}: {} (after {} attempts)", what, problem, attempt);
    log::debug("{}: {}; retrying", what, problem);
    retry.wait(backoff_delay(retry, attempt, std::nullopt));
  }
}

Result<bool> Repository::push_blob(const oci::Descriptor& blob, const Body& content, const ProgressFn& progress) {
  TRY(oci::check_digest(blob.digest));
  TRY_ASSIGN_CTX(auto have, blob_size(blob.digest), "{}: blob {}", m_name, blob.digest);
  if (have) return false;
  TRY(upload_blob(blob, content, progress));
  return true;
}

Status Repository::upload_blob(const oci::Descriptor& blob, const Body& content, const ProgressFn& progress) {
  TRY(oci::check_digest(blob.digest));
  std::string what = fmt::format("{}: uploading blob {}", m_name, blob.digest);
  if (content.size() != blob.size)
    return fail(Errc::internal, "{}: content is {} bytes, the descriptor says {}", what, content.size(), blob.size);
  const RetryPolicy& retry = m_client->options().retry;
  for (int attempt = 1;; ++attempt) {
    auto done = upload_once(blob, content, progress);
    if (done) return {};
    if (!is_retryable_error(done.error()) || attempt >= retry.attempts) {
      Error error = std::move(done).error().wrap(what);
      if (attempt > 1) error.message += fmt::format(" (after {} attempts)", attempt);
      return std::unexpected(std::move(error));
    }
    log::info("{}: {}; starting over", what, done.error().message);
    retry.wait(backoff_delay(retry, attempt, std::nullopt));
  }
}

Result<bool> Repository::mount_blob(const oci::Descriptor& blob, std::string_view from) {
  Request start;
  start.method = "POST";
  start.url = add_query(add_query(path("blobs/uploads/"), "mount", blob.digest), "from", from);
  Scopes scopes = {push_scope(m_name), pull_scope(from)};
  TRY_ASSIGN(Response started, m_client->send(start, scopes, Retry::yes));
  if (started.status == 201) {
    TRY(check_digest_header(started, blob, "mount"));
    return true;
  }
  if (started.status == 202) {
    // Declined, with an upload session opened instead: not ours to keep.
    if (std::string location = started.header("location"); !location.empty())
      if (auto url = resolve_url(started.url, location)) {
        Request cancel;
        cancel.method = "DELETE";
        cancel.url = *url;
        (void)m_client->send(cancel, scopes, Retry::no);
      }
    return false;
  }
  if (started.status == 401 || started.status == 403 || !(started.status >= 400 && started.status < 500))
    return std::unexpected(m_client->failure(fmt::format("POST {}", start.url), started));
  return false;  // some registries refuse mounts outright (Quay without from, policies)
}

Status Repository::upload_once(const oci::Descriptor& blob, const Body& content, const ProgressFn& progress) {
  Scopes scopes = push_scopes();
  Request start;
  start.method = "POST";
  start.url = path("blobs/uploads/");
  TRY_ASSIGN(Response started, m_client->send(start, scopes, Retry::yes));
  if (started.status != 202) return std::unexpected(m_client->failure(fmt::format("POST {}", start.url), started));
  std::string location_header = started.header("location");
  if (location_header.empty()) return fail(Errc::bad_format, "POST {}: 202 without a Location", start.url);
  TRY_ASSIGN(std::string location, resolve_url(started.url, location_header));
  uint64_t min_chunk = parse_u64(started.header("oci-chunk-min-length")).value_or(0);
  Status put = [&]() -> Status {
    std::string loc = location;
    const uint64_t size = content.size();
    const uint64_t chunk = std::max(m_client->options().chunk_size, min_chunk);
    if (size > chunk) {
      for (uint64_t offset = 0; offset < size;) {
        uint64_t n = std::min(chunk, size - offset);
        Request patch;
        patch.method = "PATCH";
        patch.url = loc;
        patch.headers = {{"Content-Type", "application/octet-stream"},
                         {"Content-Range", fmt::format("{}-{}", offset, offset + n - 1)}};
        patch.body = sub_body(content, offset, n);
        if (progress) patch.on_upload = [&progress, offset](uint64_t sent) { progress(offset + sent); };
        TRY_ASSIGN(Response r, m_client->send(patch, scopes, Retry::no));
        // 201 from ECR, which finishes nothing but says so.
        if (r.status != 202 && r.status != 201 && r.status != 204)
          return std::unexpected(m_client->failure(fmt::format("PATCH {} ({}-{})", url_for_messages(loc), offset, offset + n - 1), r));
        if (std::string next = r.header("location"); !next.empty()) {
          TRY_ASSIGN(loc, resolve_url(r.url, next));
        }
        offset += n;
      }
    }
    Request finish;
    finish.method = "PUT";
    finish.url = add_query(loc, "digest", blob.digest);
    finish.headers = {{"Content-Type", "application/octet-stream"}};
    if (size <= chunk) {
      finish.body = content;
      if (progress) finish.on_upload = progress;
    }
    TRY_ASSIGN(Response r, m_client->send(finish, scopes, Retry::no));
    if (!r.ok()) return std::unexpected(m_client->failure(fmt::format("PUT {}", url_for_messages(loc)), r));
    return check_digest_header(r, blob, "PUT");
  }();
  if (!put) {
    Request cancel;
    cancel.method = "DELETE";
    cancel.url = location;
    (void)m_client->send(cancel, scopes, Retry::no);
  }
  return put;
}

Result<ManifestBlob> Repository::fetch_manifest(std::string_view reference) {
  Request request;
  request.url = path("manifests/" + std::string(reference));
  request.headers.emplace_back("Accept", std::string(manifest_accept_header()));
  request.max_body_size = k_max_manifest_size;
  std::string what = fmt::format("{}:{}", m_name, reference);
  TRY_ASSIGN_CTX(Response response, m_client->send(request, pull_scopes(), Retry::yes), "{}", what);
  if (response.status == 404) return fail(Errc::not_found, "{}: manifest unknown ({})", what, describe_response(response));
  if (!response.ok()) return std::unexpected(m_client->failure(fmt::format("GET {}", request.url), response));
  const bool by_digest = oci::is_valid_digest(reference);
  TRY_ASSIGN_CTX(ManifestBlob blob,
                 make_manifest_blob(std::move(response.body), response.header("content-type"),
                                    by_digest ? oci::digest_algorithm(reference) : "sha256"),
                 "{}", what);
  if (by_digest && blob.descriptor.digest != reference)
    return fail(Errc::digest_mismatch, "{}: manifest bytes hash to {}", what, blob.descriptor.digest);
  if (!by_digest) {
    std::string header = response.header("docker-content-digest");
    if (!header.empty() && oci::digest_algorithm(header) == "sha256" && header != blob.descriptor.digest)
      return fail(Errc::digest_mismatch, "{}: manifest bytes hash to {}, the registry says {}", what,
                  blob.descriptor.digest, header);
  }
  return blob;
}

Result<std::optional<oci::Descriptor>> Repository::stat_manifest(std::string_view reference) {
  Request request;
  request.method = "HEAD";
  request.url = path("manifests/" + std::string(reference));
  request.headers.emplace_back("Accept", std::string(manifest_accept_header()));
  TRY_ASSIGN(Response response, m_client->send(request, pull_scopes(), Retry::yes));
  if (response.status == 404) return std::optional<oci::Descriptor>();
  if (!response.ok()) return std::unexpected(m_client->failure(fmt::format("HEAD {}", request.url), response));
  std::string digest = response.header("docker-content-digest");
  auto size = parse_u64(response.header("content-length"));
  std::string type = std::string(trim(response.header("content-type").substr(0, response.header("content-type").find(';'))));
  if (digest.empty() || !oci::is_valid_digest(digest) || !size || type.empty()) {
    TRY_ASSIGN(ManifestBlob blob, fetch_manifest(reference));
    return std::optional<oci::Descriptor>(blob.descriptor);
  }
  oci::Descriptor d;
  d.media_type = type;
  d.digest = digest;
  d.size = *size;
  return std::optional<oci::Descriptor>(d);
}

Result<Response> Repository::push_manifest(std::string_view reference, const ManifestBlob& manifest) {
  Request request;
  request.method = "PUT";
  request.url = path("manifests/" + std::string(reference));
  request.headers.emplace_back("Content-Type", manifest.descriptor.media_type);
  request.body = Body::of(manifest.bytes);
  TRY_ASSIGN(Response response, m_client->send(request, push_scopes(), Retry::yes));
  std::string what = fmt::format("{}:{}", m_name, reference);
  if (!response.ok()) return std::unexpected(m_client->failure(fmt::format("PUT {}", request.url), response));
  TRY(check_digest_header(response, manifest.descriptor, what));
  return response;
}

Result<std::vector<std::string>> Repository::list_tags(size_t page_size) {
  std::string url = path("tags/list");
  if (page_size > 0) url = add_query(url, "n", std::to_string(page_size));
  std::vector<std::string> tags;
  for (int page = 0; page < 100000; ++page) {
    Request request;
    request.url = url;
    TRY_ASSIGN(Response response, m_client->send(request, pull_scopes(), Retry::yes));
    if (response.status == 404)
      return fail(Errc::not_found, "{}: repository unknown ({})", m_name, describe_response(response));
    if (!response.ok()) return std::unexpected(m_client->failure(fmt::format("GET {}", request.url), response));
    json doc = json::parse(response.body, nullptr, false);
    if (doc.is_discarded() || !doc.is_object()) return fail(Errc::bad_format, "{}: tag list is not a JSON object", m_name);
    if (auto it = doc.find("tags"); it != doc.end() && !it->is_null()) {
      if (!it->is_array()) return fail(Errc::bad_format, "{}: tag list \"tags\" is not an array", m_name);
      for (const auto& t : *it) {
        if (!t.is_string()) return fail(Errc::bad_format, "{}: tag list holds a non-string", m_name);
        tags.push_back(t.get<std::string>());
      }
    }
    std::string next = next_link(response.header("link"));
    if (next.empty()) return tags;
    TRY_ASSIGN(url, resolve_url(response.url, next));
  }
  return fail(Errc::bad_format, "{}: tag list pages never end", m_name);
}

Result<oci::Index> Repository::referrers(std::string_view digest, std::string_view artifact_type) {
  TRY(oci::check_digest(digest));
  Request request;
  request.url = path("referrers/" + std::string(digest));
  if (!artifact_type.empty()) request.url = add_query(request.url, "artifactType", artifact_type);
  request.headers.emplace_back("Accept", std::string(oci::k_oci_index));
  request.max_body_size = k_max_manifest_size;
  TRY_ASSIGN(Response response, m_client->send(request, pull_scopes(), Retry::yes));
  oci::Index index;
  bool filtered = false;
  if (response.ok()) {
    TRY_ASSIGN_CTX(index, oci::parse_index(response.body), "{}: referrers of {}", m_name, digest);
    filtered = !response.header("oci-filters-applied").empty();
  } else if (response.status == 404) {
    auto tagged = fetch_manifest(referrers_fallback_tag(digest));
    if (!tagged) {
      if (tagged.error().code != Errc::not_found) return std::unexpected(tagged.error());
      return index;
    }
    TRY_ASSIGN_CTX(index, oci::parse_index(tagged->bytes), "{}: referrers tag {}", m_name, referrers_fallback_tag(digest));
  } else {
    return std::unexpected(m_client->failure(fmt::format("GET {}", request.url), response));
  }
  if (!artifact_type.empty() && !filtered)
    std::erase_if(index.manifests, [&](const oci::Descriptor& d) { return d.artifact_type != artifact_type; });
  return index;
}

Status Repository::push_referrer(const ManifestBlob& artifact, const oci::Descriptor& subject) {
  TRY_ASSIGN(Response response, push_manifest(artifact.descriptor.digest, artifact));
  if (!response.header("oci-subject").empty()) return {};
  // No referrers support: keep the fallback tag's index up to date ourselves.
  std::string tag = referrers_fallback_tag(subject.digest);
  oci::Index index;
  auto existing = fetch_manifest(tag);
  if (existing) {
    TRY_ASSIGN_CTX(index, oci::parse_index(existing->bytes), "{}: referrers tag {}", m_name, tag);
  } else if (existing.error().code != Errc::not_found) {
    return std::unexpected(existing.error());
  }
  for (const auto& d : index.manifests)
    if (d.digest == artifact.descriptor.digest) return {};
  oci::Descriptor entry = artifact.descriptor;
  json doc = json::parse(artifact.bytes, nullptr, false);
  if (doc.is_object()) {
    if (auto it = doc.find("artifactType"); it != doc.end() && it->is_string()) entry.artifact_type = it->get<std::string>();
    if (entry.artifact_type.empty())
      if (auto config = doc.find("config"); config != doc.end() && config->is_object() && config->contains("mediaType") &&
                                            (*config)["mediaType"].is_string())
        entry.artifact_type = (*config)["mediaType"].get<std::string>();
    if (auto it = doc.find("annotations"); it != doc.end() && it->is_object())
      for (const auto& [k, v] : it->items())
        if (v.is_string()) entry.annotations[k] = v.get<std::string>();
  }
  index.manifests.push_back(std::move(entry));
  index.media_type = std::string(oci::k_oci_index);
  std::string bytes = oci::serialize(index);
  ManifestBlob blob{oci::describe(bytes, std::string(oci::k_oci_index)), std::move(bytes)};
  TRY(push_manifest(tag, blob));
  return {};
}

}  // namespace wisp::registry
