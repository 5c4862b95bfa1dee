// gzip (RFC 1952), in memory. Readers keep member boundaries because APK signatures and
// checksums cover the *compressed* bytes of individual members (apk-format.md §1).
// Writers produce exactly one member with a fixed header (mtime 0, no name, OS 255) so
// that the same input always gives the same bytes.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

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

/// Compresses into one gzip member (libdeflate; level 1..12, 6 is zlib's default).
std::string gzip_compress(std::string_view data, int level = 6);

}  // namespace wisp::io
