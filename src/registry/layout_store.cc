// OCI image layouts as sources and destinations. A destination writes into the layout in
// place, as skopeo does: blobs appear atomically under their digests (a half-copied image
// leaves only unreferenced blobs), and index.json, rewritten atomically, names the image last.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <fmt/ranges.h>

#include "base/encoding.h"
#include "base/file.h"
#include "oci/layout.h"
#include "oci/media_types.h"
#include "registry/files.h"
#include "registry/store.h"

namespace wisp::registry {

namespace fs = std::filesystem;

namespace {

/// Forwards to a sink while hashing, so a blob read from a layout is checked as it streams.
class CheckedSink final : public io::Sink {
 public:
  CheckedSink(io::Sink& next, DigestAlg alg) : m_hash(alg, &next) {}
  Status write(std::string_view bytes) override { return m_hash.write(bytes); }
  Status check(const oci::Descriptor& blob, const fs::path& path) {
    std::string got = fmt::format("{}:{}", oci::digest_algorithm(blob.digest), hex_encode(m_hash.finish()));
    if (m_hash.size() != blob.size)
      return fail(Errc::digest_mismatch, "{}: blob is {} bytes, its descriptor says {}", path.string(), m_hash.size(), blob.size);
    if (got != blob.digest) return fail(Errc::digest_mismatch, "{}: content hashes to {}, not {}", path.string(), got, blob.digest);
    return {};
  }

 private:
  io::HashSink m_hash;
};

/// The one index among a layout's entries, if there is exactly one.
std::optional<oci::Descriptor> only_index(const std::vector<oci::Descriptor>& entries) {
  std::optional<oci::Descriptor> found;
  for (const auto& e : entries) {
    if (!is_index_media_type(e.media_type)) continue;
    if (found) return std::nullopt;
    found = e;
  }
  return found;
}

class LayoutSource final : public ImageSource {
 public:
  LayoutSource(oci::LayoutReader reader, std::string tag, std::string text, std::optional<oci::Descriptor> root)
      : m_reader(std::move(reader)), m_tag(std::move(tag)), m_text(std::move(text)), m_root(std::move(root)) {}

  const std::string& describe() const override { return m_text; }

  Result<ManifestBlob> root() override {
    oci::Descriptor root;
    const auto& entries = m_reader.index().manifests;
    if (m_root) {
      root = *m_root;
    } else if (!m_tag.empty()) {
      TRY_ASSIGN_CTX(root, m_reader.find(m_tag), "{}", m_text);
    } else if (entries.size() == 1) {
      root = entries.front();
    } else if (auto only = only_index(entries)) {
      root = *only;  // wisp build: the multi-arch index beside per-arch entries
    } else {
      std::vector<std::string> names;
      for (const auto& e : entries)
        if (auto it = e.annotations.find(std::string(oci::k_ann_ref_name)); it != e.annotations.end()) names.push_back(it->second);
      return fail(Errc::usage, "{}: the layout holds {} images; name one as oci:{}:TAG ({})", m_text, entries.size(),
                  m_reader.dir().string(), fmt::join(names, ", "));
    }
    return manifest(root);
  }

  Result<ManifestBlob> manifest(const oci::Descriptor& descriptor) override {
    TRY_ASSIGN_CTX(std::string bytes, m_reader.blob(descriptor, uint64_t{16} << 20), "{}", m_text);
    return ManifestBlob{plain_descriptor(descriptor), std::move(bytes)};
  }

  std::optional<fs::path> blob_file(const oci::Descriptor& blob) override {
    auto path = m_reader.blob_path(blob.digest);
    if (!path) return std::nullopt;
    return *path;
  }

  Status read_blob(const oci::Descriptor& blob, io::Sink& sink, const ProgressFn& progress) override {
    TRY_ASSIGN(fs::path path, m_reader.blob_path(blob.digest));
    CheckedSink checked(sink, oci::digest_algorithm(blob.digest) == "sha512" ? DigestAlg::sha512 : DigestAlg::sha256);
    TRY(stream_file(path, checked, progress));
    return checked.check(blob, path);
  }

 private:
  oci::LayoutReader m_reader;
  std::string m_tag;
  std::string m_text;
  std::optional<oci::Descriptor> m_root;
};

class LayoutDestination final : public ImageDestination {
 public:
  LayoutDestination(fs::path dir, std::string tag, std::string text)
      : m_dir(std::move(dir)), m_tag(std::move(tag)), m_text(std::move(text)) {}

  const std::string& describe() const override { return m_text; }

  Result<BlobTransfer> put_blob(const oci::Descriptor& blob, ImageSource& source, const ProgressFn& progress) override {
    TRY(oci::check_digest(blob.digest));
    if (oci::digest_algorithm(blob.digest) != "sha256")
      return fail(Errc::unsupported, "{}: blob {}: layouts are written with sha256 blobs only", m_text, blob.digest);
    if (exists(blob)) return BlobTransfer::present;
    TRY_ASSIGN(fs::path dir, blobs_dir());
    TRY_ASSIGN(auto sink, oci::BlobSink::create(dir));
    if (auto file = source.blob_file(blob)) {
      TRY_CTX(stream_file(*file, *sink, progress), "{}", m_text);
    } else {
      TRY_CTX(source.read_blob(blob, *sink, progress), "{}", m_text);
    }
    TRY_ASSIGN(oci::Descriptor written, sink->finish(blob.media_type));
    if (written.digest != blob.digest || written.size != blob.size)
      return fail(Errc::digest_mismatch, "{}: blob {} ({} bytes) arrived as {} ({} bytes)", m_text, blob.digest, blob.size,
                  written.digest, written.size);
    return BlobTransfer::copied;
  }

  Result<bool> has_manifest(const oci::Descriptor& manifest) override { return exists(manifest); }

  Status put_manifest(const ManifestBlob& manifest) override {
    if (exists(manifest.descriptor)) return {};
    TRY_ASSIGN(fs::path dir, blobs_dir());
    TRY_ASSIGN(auto sink, oci::BlobSink::create(dir));
    TRY(sink->write(manifest.bytes));
    TRY_ASSIGN(oci::Descriptor written, sink->finish(manifest.descriptor.media_type));
    if (written.digest != manifest.descriptor.digest)
      return fail(Errc::digest_mismatch, "{}: manifest {} hashes to {}", m_text, manifest.descriptor.digest, written.digest);
    return {};
  }

  Status commit(const ManifestBlob& root) override {
    oci::Index index;
    auto existing = read_file(m_dir / "index.json", uint64_t{64} << 20);
    if (existing) {
      TRY_ASSIGN_CTX(index, oci::parse_index(*existing), "{}", (m_dir / "index.json").string());
    } else if (existing.error().code != Errc::not_found) {
      return std::unexpected(existing.error());
    }
    const std::string ref_key(oci::k_ann_ref_name);
    std::erase_if(index.manifests, [&](const oci::Descriptor& d) {
      auto it = d.annotations.find(ref_key);
      if (m_tag.empty()) return it == d.annotations.end() && d.digest == root.descriptor.digest;
      return it != d.annotations.end() && it->second == m_tag;
    });
    oci::Descriptor entry = plain_descriptor(root.descriptor);
    if (!m_tag.empty()) entry.annotations[ref_key] = m_tag;
    index.manifests.push_back(std::move(entry));
    index.media_type = std::string(oci::k_oci_index);
    if (!fs::exists(m_dir / "oci-layout"))
      TRY(write_file_atomic(m_dir / "oci-layout", fmt::format("{{\"imageLayoutVersion\":\"{}\"}}", oci::k_layout_version)));
    return write_file_atomic(m_dir / "index.json", oci::serialize(index));
  }

  /// Refuses a path that is a file, or a non-empty directory that is not a layout.
  Status check_target() const {
    std::error_code ec;
    auto status = fs::symlink_status(m_dir, ec);
    if (ec || status.type() == fs::file_type::not_found) return {};
    if (status.type() != fs::file_type::directory)
      return fail(Errc::usage, "{}: {} exists and is not a directory", m_text, m_dir.string());
    if (fs::exists(m_dir / "oci-layout") || fs::is_empty(m_dir, ec)) return {};
    return fail(Errc::usage, "{}: {} is a directory but not an OCI image layout (no oci-layout file)", m_text, m_dir.string());
  }

 private:
  bool exists(const oci::Descriptor& d) const {
    struct stat st {};
    fs::path path = m_dir / "blobs" / std::string(oci::digest_algorithm(d.digest)) / std::string(oci::digest_hex(d.digest));
    return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode) && static_cast<uint64_t>(st.st_size) == d.size;
  }

  Result<fs::path> blobs_dir() const {
    fs::path dir = m_dir / "blobs" / "sha256";
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec) return fail(Errc::io, "{}: {}", dir.string(), ec.message());
    return dir;
  }

  fs::path m_dir;
  std::string m_tag;
  std::string m_text;
};

}  // namespace

Result<std::unique_ptr<ImageSource>> open_layout_source(const fs::path& dir, const std::string& tag,
                                                        const std::string& describe, std::optional<oci::Descriptor> root) {
  TRY_ASSIGN_CTX(oci::LayoutReader reader, oci::LayoutReader::open(dir), "{}", describe);
  return std::make_unique<LayoutSource>(std::move(reader), tag, describe, std::move(root));
}

Result<std::unique_ptr<ImageDestination>> open_layout_destination(const fs::path& dir, const std::string& tag,
                                                                  const std::string& describe) {
  auto destination = std::make_unique<LayoutDestination>(dir, tag, describe);
  TRY(destination->check_target());
  return destination;
}

}  // namespace wisp::registry
