// One compressor per worker thread, reused across chunks: a libdeflate gzip compressor or a
// zstd context. Each call turns a whole chunk into one self-contained gzip member or zstd
// frame whose bytes depend only on the chunk and the level. Internal to the oci module.
#pragma once

#include <string>
#include <string_view>

#include "base/result.h"
#include "oci/layer_writer.h"

struct libdeflate_compressor;
struct ZSTD_CCtx_s;

namespace wisp::oci {

/// The effective level for `options` (defaults applied, clamped to the library's range).
int effective_level(Compression compression, int level);

class ChunkCompressor {
 public:
  /// `compression` must be gzip or zstd.
  ChunkCompressor(Compression compression, int level);
  ~ChunkCompressor();
  ChunkCompressor(const ChunkCompressor&) = delete;
  ChunkCompressor& operator=(const ChunkCompressor&) = delete;

  /// Replaces `out` with the compressed chunk. Errc::internal when the library fails (memory).
  Status compress(std::string_view in, std::string& out);

 private:
  Compression m_compression;
  int m_level;
  libdeflate_compressor* m_deflate = nullptr;
  ZSTD_CCtx_s* m_zstd = nullptr;
};

}  // namespace wisp::oci
