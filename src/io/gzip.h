// gzip (RFC 1952), in memory. Readers keep member boundaries because APK signatures and
// checksums cover the *compressed* bytes of individual members (apk-format.md §1).
// Writers produce exactly one member with a fixed header (mtime 0, no name, OS 255) so
// that the same input always gives the same bytes.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "io/sink.h"

namespace wisp::io {

struct GzipMember {
  size_t offset = 0;           // where the member starts in the compressed input
  size_t compressed_size = 0;  // its length in the compressed input (header..trailer)
  std::string data;            // its decompressed content

  std::string_view raw(std::string_view input) const { return input.substr(offset, compressed_size); }
};

struct GunzipLimits {
  uint64_t max_output = uint64_t{4} << 30;  // total decompressed bytes (gzip bomb guard)
  size_t max_members = 64;
};

/// Splits a multi-member gzip stream and inflates each member. Fails with Errc::bad_format on a
/// bad header, corrupt deflate data, CRC/ISIZE mismatch, truncation or trailing garbage, and
/// Errc::too_large past the limits.
Result<std::vector<GzipMember>> gunzip_members(std::string_view input, GunzipLimits limits = {});

/// Inflates all members and concatenates their content.
Result<std::string> gunzip(std::string_view input, GunzipLimits limits = {});

/// Compresses into one gzip member (libdeflate; level 1..12, 6 is zlib's default; values
/// outside 0..12 are clamped). The header libdeflate writes is fixed: 1f 8b 08, FLG 0,
/// MTIME 0, XFL (4 for level < 2, 2 for level >= 8, else 0), OS 255. Same input and level
/// give the same bytes (for a given libdeflate version).
std::string gzip_compress(std::string_view data, int level = 6);

/// Streams one gzip member into another Sink (zlib deflate, level 0..9 clamped), for data
/// too large to hold in memory such as image layers. The header is fixed: MTIME 0, XFL 0,
/// OS 255, no name, so output depends only on the input, the level and the zlib version.
/// Its bytes differ from gzip_compress() (another deflate implementation); both are valid.
class GzipWriter final : public Sink {
 public:
  explicit GzipWriter(Sink& out, int level = 6);
  ~GzipWriter() override;
  GzipWriter(const GzipWriter&) = delete;
  GzipWriter& operator=(const GzipWriter&) = delete;

  /// Compresses `bytes`; errors from the downstream Sink are returned as they are.
  /// Errc::internal after finish() or if zlib could not be set up.
  Status write(std::string_view bytes) override;
  /// Flushes the deflate stream and writes the CRC32/ISIZE trailer. Call exactly once;
  /// without it the output is a truncated member.
  Status finish();
  uint64_t bytes_in() const;   // uncompressed bytes accepted so far
  uint64_t bytes_out() const;  // compressed bytes handed to the downstream Sink so far

 private:
  struct Impl;
  std::unique_ptr<Impl> m_impl;
};

}  // namespace wisp::io
