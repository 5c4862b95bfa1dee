// Layer blobs from an uncompressed tar stream, compressed in parallel.
//
// The stream is cut into fixed-size chunks (LayerOptions::chunk_size uncompressed bytes, the
// last one shorter) and each chunk is compressed on its own: gzip = one gzip member per chunk
// (libdeflate), zstd = one zstd frame per chunk. A multi-member gzip stream is valid gzip (RFC
// 1952 §2.2) and Go, containerd and skopeo read it; concatenated zstd frames are a valid zstd
// stream. So the output bytes depend only on the input, the level and the chunk size (and the
// compressor library version), never on the thread count or timing.
//
// The diff ID (sha256 of the uncompressed tar) is hashed on the caller's thread while workers
// compress earlier chunks; compressed chunks are written to the output Sink in order, on the
// caller's thread. At most 2 chunks per worker are in flight, so memory stays bounded
// (~4 MiB per worker with the default chunk size) however large the layer is.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "base/result.h"
#include "io/sink.h"
#include "oci/descriptor.h"

namespace wisp::oci {

enum class Compression { gzip, zstd, none };

struct LayerOptions {
  Compression compression = Compression::gzip;
  int level = 0;                // 0 = default (gzip: libdeflate 5; zstd: 3); clamped to the valid range
  size_t chunk_size = 1 << 20;  // uncompressed bytes per independently compressed chunk; 0 = 1 MiB
  size_t threads = 0;           // compression workers; 0 = hardware threads
};

struct LayerResult {
  Descriptor blob;        // digest and size of the compressed bytes, media type by compression
  std::string diff_id;    // "sha256:..." of the uncompressed tar
  uint64_t uncompressed_size = 0;
};

/// The layer media type for a compression (k_oci_layer_gzip, _zstd, _tar).
std::string_view layer_media_type(Compression compression);

/// A Sink for an uncompressed layer tar: hashes it and writes the compressed layer to `out`.
/// Not thread-safe (one producer). Worker threads start with the second chunk, so a layer
/// smaller than one chunk is compressed on the caller's thread without any.
class LayerWriter final : public io::Sink {
 public:
  explicit LayerWriter(io::Sink& out, LayerOptions options = {});
  ~LayerWriter() override;
  LayerWriter(const LayerWriter&) = delete;
  LayerWriter& operator=(const LayerWriter&) = delete;

  /// Takes more of the tar. Errors of `out` come back as they are (from this call or a later
  /// one); after an error every call fails.
  Status write(std::string_view bytes) override;
  /// Compresses what is left and waits for every chunk to be written. A layer of zero bytes
  /// is one empty gzip member or zstd frame. Call once; Errc::internal after that.
  Result<LayerResult> finish();

 private:
  struct Impl;
  std::unique_ptr<Impl> m_impl;
};

}  // namespace wisp::oci
