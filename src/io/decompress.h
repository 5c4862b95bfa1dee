// One-shot decompression of whole buffers with an output bound (bomb guard): gzip (multi-member),
// xz, zstd (multi-frame), or none. Used for .deb members and Debian Packages indexes.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "base/result.h"

namespace wisp::io {

enum class Codec { none, gzip, xz, zstd };

/// By file name suffix: ".gz" gzip, ".xz" xz, ".zst" zstd, no suffix none ("data.tar").
/// Errc::unsupported naming the suffix for anything else (".bz2", ".lzma").
Result<Codec> codec_for_name(std::string_view name);

/// Decompresses all of `input`. Errc::bad_format for corrupt or truncated input or trailing
/// garbage; Errc::too_large when the output would exceed `max_output`.
Result<std::string> decompress(std::string_view input, Codec codec, uint64_t max_output);

}  // namespace wisp::io
