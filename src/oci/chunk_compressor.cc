#include "oci/chunk_compressor.h"

#include <libdeflate.h>
#include <zstd.h>

#include <algorithm>

namespace wisp::oci {

namespace {
// libdeflate 5: apko's level, and on package payloads smaller than zlib/pigz -6 (83.4 vs 83.8 MB
// on the 200 MB bench tree) at a quarter of their CPU time.
constexpr int k_gzip_default = 5;
constexpr int k_zstd_default = 3;  // zstd's default
}  // namespace

int effective_level(Compression compression, int level) {
  switch (compression) {
    case Compression::gzip: return level == 0 ? k_gzip_default : std::clamp(level, 1, 12);
    case Compression::zstd:
      return level == 0 ? k_zstd_default : std::clamp(level, ZSTD_minCLevel(), ZSTD_maxCLevel());
    case Compression::none: return 0;
  }
  return 0;
}

ChunkCompressor::ChunkCompressor(Compression compression, int level)
    : m_compression(compression), m_level(effective_level(compression, level)) {}

ChunkCompressor::~ChunkCompressor() {
  if (m_deflate) libdeflate_free_compressor(m_deflate);
  if (m_zstd) ZSTD_freeCCtx(m_zstd);
}

Status ChunkCompressor::compress(std::string_view in, std::string& out) {
  if (m_compression == Compression::gzip) {
    if (!m_deflate && !(m_deflate = libdeflate_alloc_compressor(m_level)))
      return fail(Errc::internal, "cannot allocate a gzip compressor");
    out.resize(libdeflate_gzip_compress_bound(m_deflate, in.size()));
    size_t n = libdeflate_gzip_compress(m_deflate, in.data(), in.size(), out.data(), out.size());
    if (n == 0) return fail(Errc::internal, "gzip compression of a {} byte chunk failed", in.size());
    out.resize(n);
    return {};
  }
  if (m_compression != Compression::zstd) return fail(Errc::internal, "no compressor for this layer type");
  if (!m_zstd) {
    m_zstd = ZSTD_createCCtx();
    if (!m_zstd) return fail(Errc::internal, "cannot allocate a zstd compressor");
    // Fixed frame parameters: the content size in the header, no checksum, one thread.
    for (auto [param, value] : {std::pair{ZSTD_c_compressionLevel, m_level},
                                std::pair{ZSTD_c_contentSizeFlag, 1}, std::pair{ZSTD_c_checksumFlag, 0}}) {
      size_t rc = ZSTD_CCtx_setParameter(m_zstd, param, value);
      if (ZSTD_isError(rc)) return fail(Errc::internal, "zstd: {}", ZSTD_getErrorName(rc));
    }
  }
  out.resize(ZSTD_compressBound(in.size()));
  size_t n = ZSTD_compress2(m_zstd, out.data(), out.size(), in.data(), in.size());
  if (ZSTD_isError(n)) return fail(Errc::internal, "zstd: {}", ZSTD_getErrorName(n));
  out.resize(n);
  return {};
}

}  // namespace wisp::oci
