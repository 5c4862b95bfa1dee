#include "io/decompress.h"

#include <lzma.h>
#include <zstd.h>
#include <zstd_errors.h>

#include <algorithm>
#include <limits>
#include <memory>

#include "io/gzip.h"

namespace wisp::io {

namespace {

// xz -9 needs a 64 MiB dictionary (about 65 MiB to decode); this leaves room for custom
// presets while refusing streams that ask for gigabytes.
constexpr uint64_t k_xz_memlimit = uint64_t{256} << 20;
// Enough for any real multi-member file (pigz, concatenated logs) without unbounded work.
constexpr size_t k_gzip_max_members = 1 << 16;
constexpr size_t k_first_chunk = size_t{64} << 10;

Error too_large(uint64_t max_output) {
  return Error{Errc::too_large, fmt::format("decompressed size exceeds the limit of {} bytes", max_output)};
}

/// What one decoding step did with the free space it was given.
struct Fill {
  size_t written = 0;
  bool done = false;  // the stream ended and all input was consumed
};

/// Decodes into `out`, growing it geometrically: `fill(dst, room)` writes up to `room` bytes and
/// returns early only at the end of the stream. The buffer never grows past max_output + 1
/// bytes, so a bomb stops as soon as it produces one byte too many. resize_and_overwrite
/// leaves new space uninitialised, so no byte is touched twice.
template <typename FillFn>
Result<std::string> decode_growing(uint64_t max_output, size_t guess, FillFn&& fill) {
  std::string out;
  const uint64_t ceiling = std::min<uint64_t>(max_output, out.max_size() - 1) + 1;
  Status status;
  bool done = false;
  while (!done) {
    const size_t used = out.size();
    if (used >= ceiling) return std::unexpected(too_large(max_output));
    const uint64_t want = std::max<uint64_t>({guess, uint64_t{used} * 2, k_first_chunk});
    const size_t size = static_cast<size_t>(std::min(want, ceiling));
    out.resize_and_overwrite(size, [&](char* p, size_t n) -> size_t {
      auto step = fill(p + used, n - used);
      if (!step) {
        status = std::unexpected(std::move(step).error());
        return used;
      }
      done = step->done;
      return used + step->written;
    });
    if (!status) return std::unexpected(std::move(status).error());
  }
  if (out.size() > max_output) return std::unexpected(too_large(max_output));
  return out;
}

/// A first buffer size: a typical ratio for package data, bounded by the limit.
size_t first_guess(std::string_view input, uint64_t max_output) {
  uint64_t guess = uint64_t{input.size()} * 4;
  return static_cast<size_t>(std::min<uint64_t>(guess, std::min<uint64_t>(max_output, SIZE_MAX - 1) + 1));
}

Result<std::string> decompress_none(std::string_view input, uint64_t max_output) {
  if (input.size() > max_output) return std::unexpected(too_large(max_output));
  return std::string(input);
}

Result<std::string> decompress_gzip(std::string_view input, uint64_t max_output) {
  return gunzip(input, GunzipLimits{.max_output = max_output, .max_members = k_gzip_max_members});
}

struct LzmaStream {
  lzma_stream s = LZMA_STREAM_INIT;
  ~LzmaStream() { lzma_end(&s); }
};

Error xz_error(lzma_ret rc) {
  switch (rc) {
    case LZMA_BUF_ERROR: return Error{Errc::bad_format, "truncated xz stream"};
    case LZMA_FORMAT_ERROR: return Error{Errc::bad_format, "not xz data (bad stream header or trailing garbage)"};
    case LZMA_OPTIONS_ERROR: return Error{Errc::bad_format, "unsupported xz stream options"};
    case LZMA_DATA_ERROR: return Error{Errc::bad_format, "corrupt xz data"};
    case LZMA_MEMLIMIT_ERROR:
      return Error{Errc::too_large, fmt::format("xz stream needs more than {} bytes of memory to decode", k_xz_memlimit)};
    case LZMA_MEM_ERROR: return Error{Errc::internal, "out of memory while decoding xz"};
    default: return Error{Errc::internal, fmt::format("liblzma error {}", static_cast<int>(rc))};
  }
}

Result<std::string> decompress_xz(std::string_view input, uint64_t max_output) {
  LzmaStream stream;
  lzma_stream& s = stream.s;
  // CONCATENATED: accept several streams and stream padding, like `xz -d`.
  lzma_ret rc = lzma_stream_decoder(&s, k_xz_memlimit, LZMA_CONCATENATED);
  if (rc != LZMA_OK) return std::unexpected(xz_error(rc));
  s.next_in = reinterpret_cast<const uint8_t*>(input.data());
  s.avail_in = input.size();
  auto fill = [&](char* dst, size_t room) -> Result<Fill> {
    s.next_out = reinterpret_cast<uint8_t*>(dst);
    s.avail_out = room;
    for (;;) {
      lzma_ret r = lzma_code(&s, LZMA_FINISH);
      if (r == LZMA_STREAM_END) {
        if (s.avail_in != 0) return std::unexpected(Error{Errc::bad_format, "trailing garbage after xz stream"});
        return Fill{room - s.avail_out, true};
      }
      if (r != LZMA_OK) return std::unexpected(xz_error(r));
      if (s.avail_out == 0) return Fill{room, false};
    }
  };
  return with_context(decode_growing(max_output, first_guess(input, max_output), fill), "xz");
}

struct ZstdContext {
  ZSTD_DCtx* ctx = ZSTD_createDCtx();
  ~ZstdContext() { ZSTD_freeDCtx(ctx); }
};

Error zstd_error(size_t rc) {
  ZSTD_ErrorCode code = ZSTD_getErrorCode(rc);
  if (code == ZSTD_error_frameParameter_windowTooLarge)
    return Error{Errc::too_large, "zstd frame window is larger than the decoder allows"};
  if (code == ZSTD_error_memory_allocation) return Error{Errc::internal, "out of memory while decoding zstd"};
  return Error{Errc::bad_format, fmt::format("corrupt zstd data ({})", ZSTD_getErrorName(rc))};
}

Result<std::string> decompress_zstd(std::string_view input, uint64_t max_output) {
  if (input.empty()) return fail(Errc::bad_format, "zstd: empty input has no frame");
  ZstdContext context;
  if (!context.ctx) return fail(Errc::internal, "zstd: cannot allocate a decoder");
  ZSTD_inBuffer in{input.data(), input.size(), 0};
  size_t pending = 1;  // 0 right after a frame ended (and everything was flushed)
  auto fill = [&](char* dst, size_t room) -> Result<Fill> {
    ZSTD_outBuffer out{dst, room, 0};
    for (;;) {
      // Every frame is decoded in turn: at a frame's end the context starts the next one.
      pending = ZSTD_decompressStream(context.ctx, &out, &in);
      if (ZSTD_isError(pending)) return std::unexpected(zstd_error(pending));
      if (in.pos == in.size && pending == 0) return Fill{out.pos, true};
      if (out.pos == out.size) return Fill{out.pos, false};
      // Room left for output but the decoder wants more input than there is.
      if (in.pos == in.size) return std::unexpected(Error{Errc::bad_format, "truncated zstd stream"});
    }
  };
  return with_context(decode_growing(max_output, first_guess(input, max_output), fill), "zstd");
}

}  // namespace

Result<Codec> codec_for_name(std::string_view name) {
  std::string_view base = name.substr(name.rfind('/') + 1);  // npos + 1 == 0
  size_t dot = base.rfind('.');
  if (dot == std::string_view::npos) return Codec::none;
  std::string_view suffix = base.substr(dot);
  if (suffix == ".gz") return Codec::gzip;
  if (suffix == ".xz") return Codec::xz;
  if (suffix == ".zst") return Codec::zstd;
  if (suffix == ".tar") return Codec::none;
  return fail(Errc::unsupported, "unsupported compression '{}' in '{}'", suffix, name);
}

Result<std::string> decompress(std::string_view input, Codec codec, uint64_t max_output) {
  switch (codec) {
    case Codec::none: return decompress_none(input, max_output);
    case Codec::gzip: return decompress_gzip(input, max_output);
    case Codec::xz: return decompress_xz(input, max_output);
    case Codec::zstd: return decompress_zstd(input, max_output);
  }
  return fail(Errc::internal, "unknown codec {}", static_cast<int>(codec));
}

}  // namespace wisp::io
