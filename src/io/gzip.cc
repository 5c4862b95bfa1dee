#include "io/gzip.h"

#include <libdeflate.h>
#include <zlib.h>

#include <algorithm>
#include <climits>
#include <memory>
#include <new>
#include <optional>

namespace wisp::io {

namespace {

constexpr std::string_view k_magic = "\x1f\x8b";
constexpr uint8_t k_method_deflate = 8;
constexpr uint8_t k_flag_hcrc = 0x02;
constexpr uint8_t k_flag_extra = 0x04;
constexpr uint8_t k_flag_name = 0x08;
constexpr uint8_t k_flag_comment = 0x10;
constexpr uint8_t k_flags_reserved = 0xe0;
constexpr size_t k_header_size = 10;
constexpr size_t k_trailer_size = 8;
constexpr size_t k_chunk = 64 * 1024;

uint8_t byte_at(std::string_view s, size_t at) { return static_cast<uint8_t>(s[at]); }

uint32_t load_le32(std::string_view s, size_t at) {
  return uint32_t{byte_at(s, at)} | uint32_t{byte_at(s, at + 1)} << 8 |
         uint32_t{byte_at(s, at + 2)} << 16 | uint32_t{byte_at(s, at + 3)} << 24;
}

void append_le32(std::string& out, uint32_t v) {
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

const Bytef* as_bytes(const char* p) { return reinterpret_cast<const Bytef*>(p); }

/// Raw-deflate inflater reused across members (inflateReset between them).
class Inflater {
 public:
  Inflater() { m_ok = inflateInit2(&m_z, -MAX_WBITS) == Z_OK; }
  ~Inflater() {
    if (m_ok) inflateEnd(&m_z);
  }
  Inflater(const Inflater&) = delete;
  Inflater& operator=(const Inflater&) = delete;
  bool ok() const { return m_ok; }
  z_stream& z() { return m_z; }

 private:
  z_stream m_z{};
  bool m_ok = false;
};

/// Parses the RFC 1952 header of the member at `start`; returns where the deflate data begins.
Result<size_t> parse_header(std::string_view in, size_t start) {
  auto truncated = [] { return fail(Errc::bad_format, "truncated gzip header"); };
  if (in.size() - start < k_header_size) return truncated();
  if (in.substr(start, 2) != k_magic) return fail(Errc::bad_format, "bad gzip magic");
  if (byte_at(in, start + 2) != k_method_deflate)
    return fail(Errc::bad_format, "unsupported gzip compression method {}", byte_at(in, start + 2));
  uint8_t flags = byte_at(in, start + 3);
  if (flags & k_flags_reserved)
    return fail(Errc::bad_format, "reserved gzip header flags set (0x{:02x})", flags);
  size_t pos = start + k_header_size;
  if (flags & k_flag_extra) {
    if (in.size() - pos < 2) return truncated();
    size_t xlen = size_t{byte_at(in, pos)} | size_t{byte_at(in, pos + 1)} << 8;
    pos += 2;
    if (in.size() - pos < xlen) return truncated();
    pos += xlen;
  }
  for (uint8_t flag : {k_flag_name, k_flag_comment}) {
    if (!(flags & flag)) continue;
    size_t nul = in.find('\0', pos);
    if (nul == std::string_view::npos) return truncated();
    pos = nul + 1;
  }
  if (flags & k_flag_hcrc) {
    if (in.size() - pos < 2) return truncated();
    uint32_t crc = static_cast<uint32_t>(crc32(0, as_bytes(in.data() + start), static_cast<uInt>(pos - start)));
    uint32_t stored = uint32_t{byte_at(in, pos)} | uint32_t{byte_at(in, pos + 1)} << 8;
    if ((crc & 0xffff) != stored) return fail(Errc::bad_format, "gzip header CRC mismatch");
    pos += 2;
  }
  return pos;
}

/// Inflates the member at `start`, appending its content to `out` while keeping `total` (all
/// output so far) within `max_output`. Returns the offset just past the member's trailer.
Result<size_t> inflate_member(Inflater& inflater, std::string_view in, size_t start,
                              std::string& out, uint64_t& total, uint64_t max_output,
                              char* buf) {
  TRY_ASSIGN(size_t pos, parse_header(in, start));
  z_stream& z = inflater.z();
  if (inflateReset(&z) != Z_OK) return fail(Errc::internal, "inflateReset failed");
  const size_t out_start = out.size();
  uLong crc = crc32(0, nullptr, 0);
  for (;;) {
    size_t avail = std::min<size_t>(in.size() - pos, UINT_MAX);
    z.next_in = const_cast<Bytef*>(as_bytes(in.data() + pos));
    z.avail_in = static_cast<uInt>(avail);
    z.next_out = reinterpret_cast<Bytef*>(buf);
    z.avail_out = static_cast<uInt>(k_chunk);
    int rc = inflate(&z, Z_NO_FLUSH);
    pos += avail - z.avail_in;
    size_t produced = k_chunk - z.avail_out;
    if (produced > 0) {
      // Checked before appending, so a bomb never grows `out` past the limit.
      if (produced > max_output - total)
        return fail(Errc::too_large, "decompressed size exceeds the limit of {} bytes", max_output);
      total += produced;
      crc = crc32(crc, as_bytes(buf), static_cast<uInt>(produced));
      out.append(buf, produced);
    }
    if (rc == Z_STREAM_END) break;
    if (rc == Z_OK) continue;
    if (rc == Z_BUF_ERROR && pos == in.size())
      return fail(Errc::bad_format, "truncated gzip stream");
    if (rc == Z_MEM_ERROR) return fail(Errc::internal, "out of memory while inflating");
    return fail(Errc::bad_format, "corrupt deflate data ({})", z.msg ? z.msg : "no detail");
  }
  if (in.size() - pos < k_trailer_size) return fail(Errc::bad_format, "truncated gzip trailer");
  uint32_t stored_crc = load_le32(in, pos);
  uint32_t stored_size = load_le32(in, pos + 4);
  if (stored_crc != static_cast<uint32_t>(crc))
    return fail(Errc::bad_format, "CRC mismatch (stored {:08x}, computed {:08x})", stored_crc,
                static_cast<uint32_t>(crc));
  if (stored_size != static_cast<uint32_t>(out.size() - out_start))
    return fail(Errc::bad_format, "ISIZE mismatch (stored {}, inflated {})", stored_size,
                out.size() - out_start);
  return pos + k_trailer_size;
}

/// The fast path: libdeflate inflates a whole member in one call (about twice zlib's speed) but
/// needs an output buffer at least as large as the result, which is unknown until the member
/// ends. The guess starts at the larger of 4x the remaining input and the stream's last ISIZE
/// (exact when this is the last member) and doubles; untouched buffer pages cost nothing.
/// Returns nullopt when the data is bad, so the zlib path can say precisely what is wrong.
Result<std::optional<size_t>> inflate_member_fast(libdeflate_decompressor* d, std::string_view in,
                                                  size_t start, std::string& out, uint64_t& total,
                                                  uint64_t max_output) {
  TRY_ASSIGN(size_t pos, parse_header(in, start));
  std::string_view rest = in.substr(pos);
  const uint64_t budget = max_output - total;
  // Deflate expands at most 1032:1, so no honest member needs more room than this; it also
  // keeps a forged ISIZE from asking for gigabytes.
  const uint64_t most = uint64_t{rest.size()} * 1032 + (uint64_t{64} << 10);
  uint64_t guess = std::max<uint64_t>(uint64_t{64} << 10, uint64_t{rest.size()} * 4);
  if (in.size() >= k_trailer_size) {
    uint64_t isize = load_le32(in, in.size() - 4);
    if (isize < most) guess = std::max<uint64_t>(guess, isize + 1);
  }
  guess = std::min(guess, most);
  for (;;) {
    const uint64_t cap = std::min(guess, budget);
    auto buf = std::make_unique_for_overwrite<char[]>(static_cast<size_t>(std::max<uint64_t>(cap, 1)));
    size_t used_in = 0, used_out = 0;
    libdeflate_result rc = libdeflate_deflate_decompress_ex(d, rest.data(), rest.size(), buf.get(),
                                                            static_cast<size_t>(cap), &used_in, &used_out);
    if (rc == LIBDEFLATE_INSUFFICIENT_SPACE) {
      if (cap >= budget) return fail(Errc::too_large, "decompressed size exceeds the limit of {} bytes", max_output);
      if (cap >= most) return std::optional<size_t>();  // impossible for valid data: let zlib explain
      guess = std::min(guess * 2, most);
      continue;
    }
    if (rc != LIBDEFLATE_SUCCESS) return std::optional<size_t>();
    pos += used_in;
    if (in.size() - pos < k_trailer_size) return fail(Errc::bad_format, "truncated gzip trailer");
    uint32_t crc = libdeflate_crc32(0, buf.get(), used_out);
    uint32_t stored_crc = load_le32(in, pos);
    uint32_t stored_size = load_le32(in, pos + 4);
    if (stored_crc != crc)
      return fail(Errc::bad_format, "CRC mismatch (stored {:08x}, computed {:08x})", stored_crc, crc);
    if (stored_size != static_cast<uint32_t>(used_out))
      return fail(Errc::bad_format, "ISIZE mismatch (stored {}, inflated {})", stored_size, used_out);
    total += used_out;
    out.append(buf.get(), used_out);
    return std::optional<size_t>(pos + k_trailer_size);
  }
}

/// Inflates every member of `in`: into one GzipMember each when `members` is set, else all
/// concatenated into `joined`.
Status inflate_all(std::string_view in, const GunzipLimits& limits,
                   std::vector<GzipMember>* members, std::string* joined) {
  if (in.empty()) return fail(Errc::bad_format, "empty input is not a gzip stream");
  Inflater inflater;
  if (!inflater.ok()) return fail(Errc::internal, "inflateInit2 failed");
  std::unique_ptr<libdeflate_decompressor, decltype(&libdeflate_free_decompressor)> fast(
      libdeflate_alloc_decompressor(), &libdeflate_free_decompressor);
  if (!fast) return fail(Errc::internal, "cannot allocate a decompressor");
  auto buf = std::make_unique<char[]>(k_chunk);
  uint64_t total = 0;
  size_t pos = 0;
  for (size_t n = 0; pos < in.size(); ++n) {
    if (n > 0 && in.substr(pos, 2) != k_magic)
      return fail(Errc::bad_format, "trailing garbage at offset {} after gzip member {}", pos, n - 1);
    if (n == limits.max_members)
      return fail(Errc::too_large, "more than {} gzip members", limits.max_members);
    std::string* out = joined;
    if (members) {
      members->push_back(GzipMember{pos, 0, {}});
      out = &members->back().data;
    }
    TRY_ASSIGN_CTX(std::optional<size_t> quick,
                   inflate_member_fast(fast.get(), in, pos, *out, total, limits.max_output),
                   "gzip member {} at offset {}", n, pos);
    size_t end = 0;
    if (quick) {
      end = *quick;
    } else {
      TRY_ASSIGN_CTX(end, inflate_member(inflater, in, pos, *out, total, limits.max_output, buf.get()),
                     "gzip member {} at offset {}", n, pos);
    }
    if (members) members->back().compressed_size = end - pos;
    pos = end;
  }
  return {};
}

}  // namespace

Result<std::vector<GzipMember>> gunzip_members(std::string_view input, GunzipLimits limits) {
  std::vector<GzipMember> members;
  TRY(inflate_all(input, limits, &members, nullptr));
  return members;
}

Result<std::string> gunzip(std::string_view input, GunzipLimits limits) {
  std::string out;
  TRY(inflate_all(input, limits, nullptr, &out));
  return out;
}

std::string gzip_compress(std::string_view data, int level) {
  std::unique_ptr<libdeflate_compressor, decltype(&libdeflate_free_compressor)> compressor(
      libdeflate_alloc_compressor(std::clamp(level, 0, 12)), &libdeflate_free_compressor);
  // Only fails when memory is exhausted, which std::string would report the same way.
  if (!compressor) throw std::bad_alloc();
  std::string out(libdeflate_gzip_compress_bound(compressor.get(), data.size()), '\0');
  size_t n = libdeflate_gzip_compress(compressor.get(), data.data(), data.size(), out.data(),
                                      out.size());
  out.resize(n);
  return out;
}

struct GzipWriter::Impl {
  Sink& out;
  z_stream z{};
  bool init_ok = false;
  bool header_written = false;
  bool finished = false;
  bool failed = false;
  uLong crc = crc32(0, nullptr, 0);
  uint64_t in_bytes = 0;
  uint64_t out_bytes = 0;
  std::string buf = std::string(k_chunk, '\0');

  Impl(Sink& sink, int level) : out(sink) {
    init_ok = deflateInit2(&z, std::clamp(level, 0, 9), Z_DEFLATED, -MAX_WBITS, 8,
                           Z_DEFAULT_STRATEGY) == Z_OK;
  }
  ~Impl() {
    if (init_ok) deflateEnd(&z);
  }

  Status emit(std::string_view bytes) {
    auto st = out.write(bytes);
    if (!st) {
      failed = true;
      return st;
    }
    out_bytes += bytes.size();
    return {};
  }

  Status ready() {
    if (!init_ok) return fail(Errc::internal, "gzip writer: deflateInit2 failed");
    if (finished) return fail(Errc::internal, "gzip writer: write after finish");
    if (failed) return fail(Errc::internal, "gzip writer: an earlier write failed");
    if (!header_written) {
      // ID1 ID2 CM FLG MTIME(4) XFL OS: no name, mtime 0, OS "unknown", as libdeflate does.
      static constexpr char k_header[] = {'\x1f', '\x8b', 8, 0, 0, 0, 0, 0, 0, '\xff'};
      TRY(emit(std::string_view(k_header, sizeof k_header)));
      header_written = true;
    }
    return {};
  }

  /// Runs deflate over z.next_in/avail_in with `flush`, passing output downstream.
  Status pump(int flush) {
    for (;;) {
      z.next_out = reinterpret_cast<Bytef*>(buf.data());
      z.avail_out = static_cast<uInt>(buf.size());
      int rc = deflate(&z, flush);
      if (rc == Z_STREAM_ERROR) {
        failed = true;
        return fail(Errc::internal, "gzip writer: deflate failed");
      }
      size_t produced = buf.size() - z.avail_out;
      if (produced > 0) TRY(emit(std::string_view(buf.data(), produced)));
      if (flush == Z_FINISH ? rc == Z_STREAM_END : (z.avail_in == 0 && z.avail_out != 0))
        return {};
    }
  }
};

GzipWriter::GzipWriter(Sink& out, int level) : m_impl(std::make_unique<Impl>(out, level)) {}
GzipWriter::~GzipWriter() = default;

Status GzipWriter::write(std::string_view bytes) {
  Impl& im = *m_impl;
  TRY(im.ready());
  while (!bytes.empty()) {
    size_t n = std::min<size_t>(bytes.size(), UINT_MAX);
    im.crc = crc32(im.crc, as_bytes(bytes.data()), static_cast<uInt>(n));
    im.in_bytes += n;
    im.z.next_in = const_cast<Bytef*>(as_bytes(bytes.data()));
    im.z.avail_in = static_cast<uInt>(n);
    TRY(im.pump(Z_NO_FLUSH));
    bytes.remove_prefix(n);
  }
  return {};
}

Status GzipWriter::finish() {
  Impl& im = *m_impl;
  TRY(im.ready());
  im.z.next_in = nullptr;
  im.z.avail_in = 0;
  TRY(im.pump(Z_FINISH));
  std::string trailer;
  append_le32(trailer, static_cast<uint32_t>(im.crc));
  append_le32(trailer, static_cast<uint32_t>(im.in_bytes));
  TRY(im.emit(trailer));
  im.finished = true;
  return {};
}

uint64_t GzipWriter::bytes_in() const { return m_impl->in_bytes; }
uint64_t GzipWriter::bytes_out() const { return m_impl->out_bytes; }

}  // namespace wisp::io
