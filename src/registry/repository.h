// The distribution-spec operations on one repository (oci-registries-scanners.md §2):
// blobs (HEAD, verified GET with resume, upload with cross-repository mount, monolithic PUT or
// PATCH chunks), manifests (GET with every accepted type and digest checks, HEAD, PUT), the
// tag list with Link pagination, and referrers (the API, or the "sha256-<hex>" tag fallback).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "io/sink.h"
#include "oci/objects.h"
#include "registry/client.h"
#include "registry/manifest_blob.h"

namespace wisp::registry {

/// Called with the bytes of one blob transferred so far.
using ProgressFn = std::function<void(uint64_t)>;

/// What a Repository is used for: reading only, or pushing too (then every request, reads
/// included, asks for the pull+push scope, so a Bearer registry issues one token, not two).
enum class Access { pull, push };

class Repository {
 public:
  Repository(std::shared_ptr<RegistryClient> client, std::string name, Access access = Access::pull)
      : m_client(std::move(client)), m_name(std::move(name)), m_access(access) {}

  const std::string& name() const { return m_name; }
  RegistryClient& client() { return *m_client; }
  std::shared_ptr<RegistryClient> shared_client() const { return m_client; }

  /// HEAD of a blob: its size, or nullopt when the repository does not have it.
  Result<std::optional<uint64_t>> blob_size(std::string_view digest);

  /// Streams a blob into `sink`, checking its size and digest. A transfer cut short resumes
  /// with a Range request (a registry answering 200 instead of 206 is fine too: the bytes
  /// already delivered are skipped). Errc::digest_mismatch when the bytes are not the
  /// descriptor's; the sink may then have received them, so the caller discards it.
  Status fetch_blob(const oci::Descriptor& blob, io::Sink& sink, const ProgressFn& progress = nullptr);

  /// Uploads `content` as blob `blob` unless the repository has it (HEAD first). Returns
  /// whether bytes were uploaded.
  Result<bool> push_blob(const oci::Descriptor& blob, const Body& content, const ProgressFn& progress = nullptr);

  /// Uploads without asking first. Blobs up to chunk_size go in one PUT, larger ones in PATCH
  /// chunks; a failed upload starts over from a new session, up to the retry policy's
  /// attempts, and abandoned sessions are cancelled (DELETE). The registry's
  /// Docker-Content-Digest must be the blob's.
  Status upload_blob(const oci::Descriptor& blob, const Body& content, const ProgressFn& progress = nullptr);

  /// Asks the registry to link blob `blob` from repository `from` (same registry) without
  /// sending it. False when the registry declines (the session it may open is cancelled).
  Result<bool> mount_blob(const oci::Descriptor& blob, std::string_view from);

  /// GETs a manifest or index by tag or digest. By digest, the bytes must hash to it; by tag,
  /// to Docker-Content-Digest when the registry sends one. Errc::not_found when unknown.
  Result<ManifestBlob> fetch_manifest(std::string_view reference);

  /// HEAD of a manifest: its descriptor, or nullopt when unknown. Falls back to GET when the
  /// registry sends no Docker-Content-Digest.
  Result<std::optional<oci::Descriptor>> stat_manifest(std::string_view reference);

  /// PUTs a manifest under a tag or its digest, with Content-Type = its media type; the
  /// registry's Docker-Content-Digest must be the blob's. Returns the response headers' view
  /// (OCI-Subject tells whether the registry handles referrers itself).
  Result<Response> push_manifest(std::string_view reference, const ManifestBlob& manifest);

  /// Every tag, following Link: <...>; rel="next" pages (`page_size` 0: the registry's default).
  Result<std::vector<std::string>> list_tags(size_t page_size = 0);

  /// The manifests whose subject is `digest` (an index of descriptors), from the referrers API
  /// or, when the registry lacks it (404), from the "sha256-<hex>" fallback tag. Filtered by
  /// `artifact_type` when not empty.
  Result<oci::Index> referrers(std::string_view digest, std::string_view artifact_type = {});

  /// Pushes `artifact` (a manifest with a subject, its blobs already pushed) by digest; when
  /// the registry does not answer with OCI-Subject, adds it to the fallback tag's index.
  Status push_referrer(const ManifestBlob& artifact, const oci::Descriptor& subject);

 private:
  Status upload_once(const oci::Descriptor& blob, const Body& content, const ProgressFn& progress);
  Scopes pull_scopes() const { return {m_access == Access::push ? push_scope(m_name) : pull_scope(m_name)}; }
  Scopes push_scopes() const { return {push_scope(m_name)}; }
  std::string path(std::string_view tail) const { return "/v2/" + m_name + "/" + std::string(tail); }

  std::shared_ptr<RegistryClient> m_client;
  std::string m_name;
  Access m_access;
};

/// The tag the referrers fallback keeps for a subject: "sha256-<hex>" for "sha256:<hex>".
std::string referrers_fallback_tag(std::string_view digest);

}  // namespace wisp::registry
