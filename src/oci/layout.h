// OCI image layouts on disk (image-spec:image-layout.md): an `oci-layout` file
// ({"imageLayoutVersion":"1.0.0"}), `index.json` (an image index whose entries carry the tag
// in org.opencontainers.image.ref.name) and content-addressed `blobs/<alg>/<hex>` files.
//
// The writer stages a complete layout in a directory beside the target and swaps it into
// place on commit(), so a reader of the target sees the old layout or the new one, never a
// mix, and a failed build leaves nothing behind.
#pragma once

#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "base/digest.h"
#include "base/result.h"
#include "io/sink.h"
#include "oci/descriptor.h"
#include "oci/layer_writer.h"
#include "oci/objects.h"

namespace wisp::oci {

/// A blob being written into a layout's blobs/sha256: a temp file in that directory, hashed
/// while written. finish() fsyncs it and renames it to blobs/sha256/<hex> (when a blob with
/// that digest is already there, the new copy is dropped). Destroying an unfinished BlobSink
/// removes the temp file.
class BlobSink final : public io::Sink {
 public:
  /// Opens a temp file in `blobs_dir` (the layout's blobs/sha256).
  static Result<std::unique_ptr<BlobSink>> create(const std::filesystem::path& blobs_dir);
  ~BlobSink() override;
  BlobSink(const BlobSink&) = delete;
  BlobSink& operator=(const BlobSink&) = delete;

  Status write(std::string_view bytes) override;
  /// Errc::io when the file cannot be written or renamed; Errc::internal when called twice.
  Result<Descriptor> finish(std::string media_type);
  uint64_t size() const { return m_size; }

 private:
  BlobSink(std::filesystem::path dir, std::filesystem::path tmp, int fd);
  Status flush();
  std::filesystem::path m_dir;
  std::filesystem::path m_tmp;
  int m_fd = -1;
  Hasher m_hasher{DigestAlg::sha256};
  uint64_t m_size = 0;
  std::string m_buffer;
  bool m_failed = false;
};

/// add_blob(), begin_blob() and write_layer() may run on several threads at once (each blob
/// has its own temp file; equal blobs land on the same name); commit() must not overlap them,
/// and every BlobSink must be finished or destroyed before it.
class LayoutWriter {
 public:
  /// Stages the new layout in a temp dir beside `dir` (same filesystem; `dir`'s parent is
  /// created if missing); nothing is visible at `dir` until commit(). Destroying an
  /// uncommitted writer removes the staging dir. Errc::io when the dirs cannot be made.
  static Result<LayoutWriter> create(const std::filesystem::path& dir);
  LayoutWriter(LayoutWriter&& other) noexcept;
  LayoutWriter& operator=(LayoutWriter&&) = delete;
  ~LayoutWriter();

  /// Writes `bytes` as a blob (manifests, configs, small layers) and returns its descriptor.
  Result<Descriptor> add_blob(std::string_view bytes, std::string media_type);
  /// A sink for a blob streamed in pieces; call its finish() to get the descriptor.
  Result<std::unique_ptr<BlobSink>> begin_blob();
  /// produce(sink) writes an uncompressed tar into a LayerWriter that feeds a BlobSink; errors
  /// of produce() come back as they are.
  Result<LayerResult> write_layer(const std::function<Status(io::Sink&)>& produce,
                                  const LayerOptions& options);
  /// Where the layout is staged; a complete layout (minus oci-layout/index.json) that
  /// write_docker_tar() can read before commit().
  const std::filesystem::path& staging_dir() const { return m_staging; }
  const std::filesystem::path& dir() const { return m_dir; }

  /// Writes oci-layout and index.json (serialize(index)), fsyncs, then puts the layout at
  /// `dir`: if `dir` does not exist it is renamed into place; if it is an empty dir or an OCI
  /// layout (has an oci-layout file) the two are swapped atomically (renameat2 EXCHANGE, or
  /// rename aside + rename in where unsupported) and the old one removed. Anything else (a
  /// file, a symlink, a dir with other content) is refused with Errc::usage naming the path,
  /// and nothing changes. After a successful commit the writer takes no more blobs.
  Status commit(const Index& index);

 private:
  LayoutWriter(std::filesystem::path dir, std::filesystem::path staging)
      : m_dir(std::move(dir)), m_staging(std::move(staging)) {}
  Status check_open() const;
  std::filesystem::path blobs_dir() const { return m_staging / "blobs" / "sha256"; }
  std::filesystem::path m_dir;
  std::filesystem::path m_staging;
  bool m_committed = false;
};

/// A layout on disk, read by tests and by commands that consume images. Every blob it returns
/// is checked against its digest (and size, when a descriptor gives one) first.
class LayoutReader {
 public:
  /// Reads oci-layout (imageLayoutVersion must be 1.x) and index.json. Errc::not_found when
  /// `dir` is not a layout, Errc::bad_format for malformed files.
  static Result<LayoutReader> open(const std::filesystem::path& dir);

  const Index& index() const { return m_index; }
  const std::filesystem::path& dir() const { return m_dir; }

  /// The bytes of a blob. Errc::not_found when missing, Errc::digest_mismatch when its size or
  /// hash is not the descriptor's, Errc::too_large above `max_size`.
  Result<std::string> blob(const Descriptor& descriptor, uint64_t max_size = k_max_in_memory) const;
  Result<std::string> blob(std::string_view digest, uint64_t max_size = k_max_in_memory) const;
  /// Hashes a blob in place without holding it in memory (layers).
  Status verify_blob(const Descriptor& descriptor) const;
  /// blobs/<alg>/<hex> for a valid digest (Errc::bad_format otherwise); may not exist.
  Result<std::filesystem::path> blob_path(std::string_view digest) const;

  Result<Manifest> manifest(const Descriptor& descriptor) const;
  Result<ImageConfig> image_config(const Descriptor& descriptor) const;
  /// The index.json entry tagged `ref_name`; Errc::not_found naming the tags there are.
  Result<Descriptor> find(std::string_view ref_name) const;

  static constexpr uint64_t k_max_in_memory = uint64_t{1} << 30;

 private:
  std::filesystem::path m_dir;
  Index m_index;
};

/// Checks the file at `path` (streamed) against `descriptor`'s digest and size.
Status verify_blob_file(const std::filesystem::path& path, const Descriptor& descriptor);

}  // namespace wisp::oci
