#include "io/decompress.h"

#include <gtest/gtest.h>
#include <lzma.h>
#include <zstd.h>

#include <cstdlib>

#include "base/file.h"

namespace wisp::io {
namespace {

std::string sample(size_t n) {
  std::string s;
  s.reserve(n);
  uint32_t x = 777;
  for (size_t i = 0; i < n; ++i) {
    x = x * 1103515245 + 12345;
    s.push_back(static_cast<char>('a' + (x >> 16) % 11));
  }
  return s;
}

/// Compresses `data` with a real command line tool, e.g. "xz -c", "zstd -q -c", "gzip -c -n".
std::string compress_with(const std::string& tool, std::string_view data) {
  auto dir = TempDir::create("wisp-decompress");
  EXPECT_TRUE(dir);
  if (!dir) return {};
  auto in = dir->path() / "in";
  auto out = dir->path() / "out";
  EXPECT_TRUE(write_file_atomic(in, data));
  std::string cmd = tool + " <" + in.string() + " >" + out.string();
  EXPECT_EQ(std::system(cmd.c_str()), 0) << cmd;
  auto bytes = read_file(out);
  EXPECT_TRUE(bytes) << cmd;
  return bytes ? *bytes : std::string();
}

struct Tool {
  Codec codec;
  std::string command;
};

std::vector<Tool> tools() {
  return {{Codec::gzip, "gzip -c -n"}, {Codec::xz, "xz -c -2"}, {Codec::zstd, "zstd -q -c"}};
}

std::string zstd_encode(std::string_view data, int level = 3) {
  std::string out(ZSTD_compressBound(data.size()), '\0');
  size_t n = ZSTD_compress(out.data(), out.size(), data.data(), data.size(), level);
  EXPECT_FALSE(ZSTD_isError(n));
  out.resize(n);
  return out;
}

std::string xz_encode(std::string_view data, uint32_t preset = 1) {
  std::string out(lzma_stream_buffer_bound(data.size()), '\0');
  size_t pos = 0;
  lzma_ret rc = lzma_easy_buffer_encode(preset, LZMA_CHECK_CRC64, nullptr,
                                        reinterpret_cast<const uint8_t*>(data.data()), data.size(),
                                        reinterpret_cast<uint8_t*>(out.data()), &pos, out.size());
  EXPECT_EQ(rc, LZMA_OK);
  out.resize(pos);
  return out;
}

TEST(IoDecompress, CodecForName) {
  EXPECT_EQ(*codec_for_name("data.tar.gz"), Codec::gzip);
  EXPECT_EQ(*codec_for_name("data.tar.xz"), Codec::xz);
  EXPECT_EQ(*codec_for_name("control.tar.zst"), Codec::zstd);
  EXPECT_EQ(*codec_for_name("data.tar"), Codec::none);
  EXPECT_EQ(*codec_for_name("Packages"), Codec::none);
  EXPECT_EQ(*codec_for_name("dists/bookworm/main/binary-amd64/Packages.xz"), Codec::xz);
  EXPECT_EQ(*codec_for_name("dists/bookworm.1/Packages"), Codec::none);  // dots in dirs don't count
  for (std::string_view name : {"data.tar.bz2", "data.tar.lzma", "Packages.lz4"}) {
    auto codec = codec_for_name(name);
    ASSERT_FALSE(codec) << name;
    EXPECT_EQ(codec.error().code, Errc::unsupported);
    EXPECT_NE(codec.error().message.find(name.substr(name.rfind('.'))), std::string::npos)
        << codec.error().message;
  }
}

TEST(IoDecompress, RoundTripsWithCommandLineTools) {
  for (const Tool& tool : tools()) {
    for (size_t n : {size_t{0}, size_t{1}, size_t{4095}, size_t{1} << 20}) {
      std::string data = sample(n);
      std::string packed = compress_with(tool.command, data);
      auto back = decompress(packed, tool.codec, data.size());
      ASSERT_TRUE(back) << tool.command << " " << n << ": " << back.error().message;
      EXPECT_EQ(*back, data) << tool.command << " " << n;
    }
  }
}

TEST(IoDecompress, ConcatenatedStreamsAndFrames) {
  std::string a = sample(100000), b = sample(7);
  for (const Tool& tool : tools()) {
    std::string packed = compress_with(tool.command, a) + compress_with(tool.command, b);
    auto back = decompress(packed, tool.codec, 1 << 20);
    ASSERT_TRUE(back) << tool.command << ": " << back.error().message;
    EXPECT_EQ(*back, a + b) << tool.command;
  }
  // xz stream padding (multiples of four zero bytes) between and after streams is legal.
  std::string padded = xz_encode(a) + std::string(4, '\0') + xz_encode(b) + std::string(8, '\0');
  auto back = decompress(padded, Codec::xz, 1 << 20);
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(*back, a + b);
  // zstd skippable frames are skipped.
  std::string skippable("\x50\x2a\x4d\x18\x03\0\0\0abc", 11);
  back = decompress(zstd_encode(a) + skippable + zstd_encode(b), Codec::zstd, 1 << 20);
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(*back, a + b);
}

TEST(IoDecompress, NoneCopiesWithinBound) {
  EXPECT_EQ(*decompress("abc", Codec::none, 3), "abc");
  EXPECT_EQ(*decompress("", Codec::none, 0), "");
  auto over = decompress("abcd", Codec::none, 3);
  ASSERT_FALSE(over);
  EXPECT_EQ(over.error().code, Errc::too_large);
}

TEST(IoDecompress, TruncationIsBadFormat) {
  std::string data = sample(200000);
  for (const Tool& tool : tools()) {
    std::string packed = compress_with(tool.command, data);
    for (size_t keep : {size_t{0}, size_t{1}, size_t{5}, packed.size() / 2, packed.size() - 4, packed.size() - 1}) {
      auto r = decompress(std::string_view(packed).substr(0, keep), tool.codec, 1 << 20);
      ASSERT_FALSE(r) << tool.command << " keeping " << keep;
      EXPECT_EQ(r.error().code, Errc::bad_format) << tool.command << " keeping " << keep << ": " << r.error().message;
    }
  }
}

TEST(IoDecompress, CorruptionIsBadFormat) {
  std::string data = sample(200000);
  for (const Tool& tool : tools()) {
    std::string packed = compress_with(tool.command, data);
    for (size_t at : {packed.size() / 3, packed.size() / 2, packed.size() - 2}) {
      std::string bad = packed;
      bad[at] = static_cast<char>(bad[at] ^ 0x55);
      auto r = decompress(bad, tool.codec, 1 << 20);
      ASSERT_FALSE(r) << tool.command << " at " << at;
      EXPECT_EQ(r.error().code, Errc::bad_format) << tool.command << " at " << at << ": " << r.error().message;
    }
    auto wrong = decompress("definitely not compressed", tool.codec, 1 << 20);
    ASSERT_FALSE(wrong) << tool.command;
    EXPECT_EQ(wrong.error().code, Errc::bad_format) << tool.command;
  }
}

TEST(IoDecompress, TrailingGarbageIsBadFormat) {
  std::string data = sample(5000);
  for (const Tool& tool : tools()) {
    std::string packed = compress_with(tool.command, data);
    for (std::string tail : {std::string("x"), std::string("garbage!"), std::string(3, '\0')}) {
      auto r = decompress(packed + tail, tool.codec, 1 << 20);
      ASSERT_FALSE(r) << tool.command << " + " << tail.size() << " bytes";
      EXPECT_EQ(r.error().code, Errc::bad_format) << tool.command << ": " << r.error().message;
    }
  }
}

TEST(IoDecompress, BoundIsExactAndTooLargeBeyond) {
  std::string data = sample(300000);
  for (const Tool& tool : tools()) {
    std::string packed = compress_with(tool.command, data);
    auto exact = decompress(packed, tool.codec, data.size());
    ASSERT_TRUE(exact) << tool.command << ": " << exact.error().message;
    EXPECT_EQ(*exact, data);
    for (uint64_t bound : {uint64_t{0}, uint64_t{1000}, uint64_t{data.size() - 1}}) {
      auto r = decompress(packed, tool.codec, bound);
      ASSERT_FALSE(r) << tool.command << " bound " << bound;
      EXPECT_EQ(r.error().code, Errc::too_large) << tool.command << ": " << r.error().message;
    }
  }
}

TEST(IoDecompress, XzDictionaryBeyondTheMemoryLimitIsTooLarge) {
  // Single-threaded xz writes one block without size fields, so its header is: size byte,
  // flags, then the LZMA2 filter (id 0x21, one property byte: the dictionary size code).
  std::string packed = compress_with("xz -c --threads=1", "some data");
  constexpr size_t k_block = 12;
  ASSERT_EQ(packed[k_block + 1], '\0');
  ASSERT_EQ(packed.substr(k_block + 2, 2), std::string_view("\x21\x01", 2));
  packed[k_block + 4] = 40;  // 4 GiB - 1: far above what the decoder will allocate
  const size_t header_size = (static_cast<uint8_t>(packed[k_block]) + 1) * 4;
  uint32_t crc = lzma_crc32(reinterpret_cast<const uint8_t*>(packed.data() + k_block), header_size - 4, 0);
  for (int i = 0; i < 4; ++i) packed[k_block + header_size - 4 + i] = static_cast<char>(crc >> (8 * i));
  auto r = decompress(packed, Codec::xz, 1 << 20);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::too_large) << r.error().message;
  EXPECT_NE(r.error().message.find("memory"), std::string::npos) << r.error().message;
}

TEST(IoDecompress, BombsStopAtTheBound) {
  // 64 MiB of zeros packs into a few kilobytes; a 1 MiB bound must refuse it.
  std::string zeros(size_t{64} << 20, '\0');
  for (auto [codec, packed] : {std::pair{Codec::xz, xz_encode(zeros, 0)},
                               std::pair{Codec::zstd, zstd_encode(zeros, 1)}}) {
    EXPECT_LT(packed.size(), 64u << 10);
    auto r = decompress(packed, codec, 1 << 20);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, Errc::too_large);
  }
}

}  // namespace
}  // namespace wisp::io
