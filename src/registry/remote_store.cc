// Registries as sources and destinations.
#include <optional>

#include "base/file.h"
#include "base/log.h"
#include "oci/layout.h"
#include "registry/store.h"

namespace wisp::registry {

namespace {

class RegistrySource final : public ImageSource {
 public:
  RegistrySource(Reference reference, std::shared_ptr<RegistryClient> client, std::string text)
      : m_reference(std::move(reference)), m_repository(std::move(client), m_reference.repository), m_text(std::move(text)) {}

  const std::string& describe() const override { return m_text; }

  Result<ManifestBlob> root() override {
    TRY_ASSIGN_CTX(ManifestBlob blob, m_repository.fetch_manifest(m_reference.identifier()), "{}", m_reference.registry);
    return blob;
  }

  Result<ManifestBlob> manifest(const oci::Descriptor& descriptor) override {
    TRY_ASSIGN_CTX(ManifestBlob blob, m_repository.fetch_manifest(descriptor.digest), "{}", m_reference.registry);
    if (blob.descriptor.size != descriptor.size)
      return fail(Errc::digest_mismatch, "{}: manifest {} is {} bytes, its descriptor says {}", m_text, descriptor.digest,
                  blob.descriptor.size, descriptor.size);
    return blob;
  }

  Status read_blob(const oci::Descriptor& blob, io::Sink& sink, const ProgressFn& progress) override {
    return with_context(m_repository.fetch_blob(blob, sink, progress), m_reference.registry);
  }

  Repository* repository() override { return &m_repository; }

 private:
  Reference m_reference;
  Repository m_repository;
  std::string m_text;
};

class RegistryDestination final : public ImageDestination {
 public:
  RegistryDestination(Reference reference, std::shared_ptr<RegistryClient> client, std::string text)
      : m_reference(std::move(reference)),
        m_repository(std::move(client), m_reference.repository, Access::push),
        m_text(std::move(text)) {}

  const std::string& describe() const override { return m_text; }

  Result<BlobTransfer> put_blob(const oci::Descriptor& blob, ImageSource& source, const ProgressFn& progress) override {
    std::string what = fmt::format("{}: blob {}", m_reference.registry, blob.digest);
    TRY_ASSIGN_CTX(auto have, m_repository.blob_size(blob.digest), "{}", what);
    if (have) return BlobTransfer::present;
    // Within one registry, a mount links the blob without moving its bytes.
    if (Repository* from = source.repository();
        from && from->client().registry() == m_repository.client().registry() && from->name() != m_repository.name()) {
      TRY_ASSIGN_CTX(bool mounted, m_repository.mount_blob(blob, from->name()), "{}", what);
      if (mounted) return BlobTransfer::mounted;
    }
    std::optional<std::filesystem::path> file = source.blob_file(blob);
    std::optional<std::filesystem::path> spooled;
    if (!file) {
      // Streamed sources are spooled to a temp file first: an upload may have to start over.
      TRY_ASSIGN(spooled, spool(blob, source));
      file = spooled;
    }
    auto uploaded = m_repository.upload_blob(blob, Body::of_file(*file, 0, blob.size), progress);
    if (spooled) {
      std::error_code ec;
      std::filesystem::remove(*spooled, ec);
    }
    TRY_CTX(uploaded, "{}", m_reference.registry);
    return BlobTransfer::copied;
  }

  Result<bool> has_manifest(const oci::Descriptor& manifest) override {
    TRY_ASSIGN_CTX(auto found, m_repository.stat_manifest(manifest.digest), "{}", m_reference.registry);
    return found.has_value() && found->digest == manifest.digest;
  }

  Status put_manifest(const ManifestBlob& manifest) override {
    TRY_CTX(m_repository.push_manifest(manifest.descriptor.digest, manifest), "{}", m_reference.registry);
    return {};
  }

  Status commit(const ManifestBlob& root) override {
    if (!m_reference.digest.empty() && m_reference.digest != root.descriptor.digest)
      return fail(Errc::usage, "{}: the image is {}, not the digest the destination names", m_text,
                  root.descriptor.digest);
    if (!m_reference.tag.empty()) TRY_CTX(m_repository.push_manifest(m_reference.tag, root), "{}", m_reference.registry);
    return {};
  }

 private:
  /// blobs/sha256 of a temp dir made on first use.
  Result<std::filesystem::path> spool_dir() {
    std::lock_guard lock(m_spool_mutex);
    if (!m_spool) {
      TRY_ASSIGN(TempDir dir, TempDir::create("wisp-copy"));
      m_spool.emplace(std::move(dir));
    }
    std::filesystem::path dir = m_spool->path() / "blobs" / "sha256";
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    if (ec) return fail(Errc::io, "{}: {}", dir.string(), ec.message());
    return dir;
  }

  Result<std::filesystem::path> spool(const oci::Descriptor& blob, ImageSource& source) {
    TRY_ASSIGN(std::filesystem::path dir, spool_dir());
    TRY_ASSIGN(auto sink, oci::BlobSink::create(dir));
    TRY(source.read_blob(blob, *sink, nullptr));
    TRY_ASSIGN(oci::Descriptor written, sink->finish(blob.media_type));
    if (written.digest != blob.digest) return fail(Errc::digest_mismatch, "blob {} arrived as {}", blob.digest, written.digest);
    return dir / std::string(oci::digest_hex(written.digest));
  }

  Reference m_reference;
  Repository m_repository;
  std::string m_text;
  std::mutex m_spool_mutex;
  std::optional<TempDir> m_spool;
};

}  // namespace

Result<std::unique_ptr<ImageSource>> open_registry_source(const ImageLocation& location, ClientPool& clients) {
  return std::make_unique<RegistrySource>(location.reference, clients.get(location.reference.registry), location.text);
}

Result<std::unique_ptr<ImageDestination>> open_registry_destination(const ImageLocation& location, ClientPool& clients) {
  return std::make_unique<RegistryDestination>(location.reference, clients.get(location.reference.registry),
                                               location.text);
}

}  // namespace wisp::registry
