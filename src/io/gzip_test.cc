#include "io/gzip.h"

#include <gtest/gtest.h>
#include <sys/resource.h>
#include <zlib.h>

#include "base/file.h"

namespace wisp::io {
namespace {

std::string sample(size_t n) {
  std::string s;
  s.reserve(n);
  uint32_t x = 12345;
  for (size_t i = 0; i < n; ++i) {
    x = x * 1103515245 + 12345;
    s.push_back(static_cast<char>('a' + (x >> 16) % 7));  // compressible but not trivial
  }
  return s;
}

std::string apk_fixture() {
  auto data = read_file(std::string(WISP_TESTDATA) + "/apk/wolfi-packages/aarch64/hello-wolfi-2.12-r1.apk");
  EXPECT_TRUE(data);
  return data ? *data : std::string();
}

void put_le32(std::string& s, size_t at, uint32_t v) {
  for (int i = 0; i < 4; ++i) s[at + i] = static_cast<char>(v >> (8 * i));
}

TEST(Gzip, RoundTripSizes) {
  for (size_t n : {size_t{0}, size_t{1}, size_t{511}, size_t{70000}, size_t{1} << 20}) {
    std::string data = sample(n);
    std::string gz = gzip_compress(data);
    auto members = gunzip_members(gz);
    ASSERT_TRUE(members) << members.error().message;
    ASSERT_EQ(members->size(), 1u);
    EXPECT_EQ((*members)[0].offset, 0u);
    EXPECT_EQ((*members)[0].compressed_size, gz.size());
    EXPECT_EQ((*members)[0].data, data) << "size " << n;
    if (n > 1000) {
      EXPECT_LT(gz.size(), n / 2);
    }
  }
}

TEST(Gzip, CompressIsDeterministicWithFixedHeader) {
  std::string data = sample(100000);
  std::string a = gzip_compress(data);
  EXPECT_EQ(a, gzip_compress(data));
  // libdeflate's header: magic, CM 8, FLG 0, MTIME 0, XFL by level, OS 255.
  EXPECT_EQ(a.substr(0, 10), std::string_view("\x1f\x8b\x08\0\0\0\0\0\0\xff", 10));
  EXPECT_EQ(gzip_compress(data, 1)[8], '\x04');
  EXPECT_EQ(gzip_compress(data, 9)[8], '\x02');
  EXPECT_NE(gzip_compress(data, 1), gzip_compress(data, 12));
  EXPECT_EQ(*gunzip(gzip_compress(data, 12)), data);
  EXPECT_EQ(*gunzip(gzip_compress(data, 99)), data);  // clamped, not refused
}

TEST(Gzip, MultiMemberKeepsBoundaries) {
  std::string a = gzip_compress("first"), b = gzip_compress(""), c = gzip_compress(sample(3000));
  std::string all = a + b + c;
  auto members = gunzip_members(all);
  ASSERT_TRUE(members) << members.error().message;
  ASSERT_EQ(members->size(), 3u);
  EXPECT_EQ((*members)[1].offset, a.size());
  EXPECT_EQ((*members)[2].offset, a.size() + b.size());
  EXPECT_EQ((*members)[2].raw(all), c);
  EXPECT_EQ((*members)[0].data, "first");
  EXPECT_EQ((*members)[1].data, "");
  EXPECT_EQ(*gunzip(all), "first" + sample(3000));
}

TEST(Gzip, OptionalHeaderFields) {
  std::string body = gzip_compress("payload").substr(10);  // deflate data + trailer
  std::string header("\x1f\x8b\x08\x1e\0\0\0\0\0\x03", 10);  // FEXTRA|FNAME|FCOMMENT|FHCRC
  header += std::string("\x04\0abcd", 6);                  // XLEN 4
  header += std::string("name.txt\0comment\0", 17);
  uint32_t crc = static_cast<uint32_t>(crc32(0, reinterpret_cast<const Bytef*>(header.data()),
                                             static_cast<uInt>(header.size())));
  std::string good = header + static_cast<char>(crc & 0xff) + static_cast<char>((crc >> 8) & 0xff) + body;
  auto members = gunzip_members(good);
  ASSERT_TRUE(members) << members.error().message;
  EXPECT_EQ((*members)[0].data, "payload");
  EXPECT_EQ((*members)[0].compressed_size, good.size());

  std::string bad_hcrc = good;
  bad_hcrc[header.size()] ^= 1;
  auto r = gunzip(bad_hcrc);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("header CRC"), std::string::npos) << r.error().message;

  std::string reserved = gzip_compress("x");
  reserved[3] = '\x20';
  EXPECT_EQ(gunzip(reserved).error().code, Errc::bad_format);
}

TEST(Gzip, CorruptionIsDetected) {
  std::string data = sample(20000);
  std::string gz = gzip_compress(data);
  std::string bad_crc = gz;
  bad_crc[gz.size() - 8] ^= 0x55;
  auto r = gunzip(bad_crc);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::bad_format);
  EXPECT_NE(r.error().message.find("CRC mismatch"), std::string::npos) << r.error().message;

  std::string bad_size = gz;
  put_le32(bad_size, gz.size() - 4, 7);
  EXPECT_NE(gunzip(bad_size).error().message.find("ISIZE"), std::string::npos);

  // Flipping any single byte of the deflate data must never yield the original silently.
  for (size_t i = 10; i < gz.size() - 8; i += 97) {
    std::string flipped = gz;
    flipped[i] ^= 0x10;
    auto out = gunzip(flipped);
    ASSERT_FALSE(out) << "flip at " << i;
    EXPECT_EQ(out.error().code, Errc::bad_format);
  }
  std::string bad_magic = gz;
  bad_magic[1] = 'x';
  EXPECT_NE(gunzip(bad_magic).error().message.find("magic"), std::string::npos);
}

TEST(Gzip, TruncationAnywhereFails) {
  std::string gz = gzip_compress(sample(5000)) ;
  for (size_t n = 0; n < gz.size(); ++n) {
    auto r = gunzip_members(std::string_view(gz).substr(0, n));
    ASSERT_FALSE(r) << "prefix " << n;
    EXPECT_EQ(r.error().code, Errc::bad_format);
  }
  auto r = gunzip(gz.substr(0, gz.size() - 3));
  EXPECT_NE(r.error().message.find("truncated"), std::string::npos) << r.error().message;
}

TEST(Gzip, TrailingBytesAreRefused) {
  std::string gz = gzip_compress("abc");
  for (std::string tail : {std::string("x"), std::string(2, '\0'), std::string(512, '\0'),
                           std::string("\x1f")}) {
    auto r = gunzip_members(gz + tail);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, Errc::bad_format);
    EXPECT_NE(r.error().message.find("trailing garbage"), std::string::npos) << r.error().message;
  }
  // A second member that starts well but is cut short is a truncation, not garbage.
  EXPECT_NE(gunzip(gz + gz.substr(0, 12)).error().message.find("truncated"), std::string::npos);
}

TEST(Gzip, LimitsAreEnforced) {
  std::string one = gzip_compress("m");
  std::string five;
  for (int i = 0; i < 5; ++i) five += one;
  EXPECT_TRUE(gunzip_members(five, {.max_members = 5}));
  EXPECT_EQ(gunzip_members(five, {.max_members = 4}).error().code, Errc::too_large);

  std::string data = sample(100000);
  std::string gz = gzip_compress(data);
  EXPECT_TRUE(gunzip(gz, {.max_output = data.size()}));
  EXPECT_EQ(gunzip(gz, {.max_output = data.size() - 1}).error().code, Errc::too_large);
  // The limit covers all members together.
  EXPECT_EQ(gunzip_members(gz + gz, {.max_output = data.size() + 10}).error().code, Errc::too_large);
}

long max_rss_kib() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_maxrss;
}

/// A gzip member inflating to `mib` MiB of zeros, built without holding them: one MiB of zeros
/// is deflated once and sync-flushed (so it ends on a byte boundary with nothing pending), and
/// those bytes are repeated; with only zeros in the window every copy decodes the same way.
std::string zero_bomb(uint32_t mib) {
  const std::string zeros(1 << 20, '\0');
  z_stream z{};
  EXPECT_EQ(deflateInit2(&z, 9, Z_DEFLATED, -MAX_WBITS, 8, Z_DEFAULT_STRATEGY), Z_OK);
  std::string chunk(deflateBound(&z, zeros.size()) + 64, '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(zeros.data()));
  z.avail_in = static_cast<uInt>(zeros.size());
  z.next_out = reinterpret_cast<Bytef*>(chunk.data());
  z.avail_out = static_cast<uInt>(chunk.size());
  EXPECT_EQ(deflate(&z, Z_SYNC_FLUSH), Z_OK);
  EXPECT_EQ(z.avail_in, 0u);
  chunk.resize(chunk.size() - z.avail_out);
  char tail[64];
  z.next_out = reinterpret_cast<Bytef*>(tail);
  z.avail_out = sizeof tail;
  EXPECT_EQ(deflate(&z, Z_FINISH), Z_STREAM_END);  // an empty final block
  std::string end(tail, sizeof tail - z.avail_out);
  deflateEnd(&z);

  std::string bomb("\x1f\x8b\x08\0\0\0\0\0\0\xff", 10);
  uLong crc = crc32(0, nullptr, 0);
  for (uint32_t i = 0; i < mib; ++i) {
    bomb += chunk;
    crc = crc32(crc, reinterpret_cast<const Bytef*>(zeros.data()), static_cast<uInt>(zeros.size()));
  }
  bomb += end;
  std::string trailer(8, '\0');
  put_le32(trailer, 0, static_cast<uint32_t>(crc));
  put_le32(trailer, 4, static_cast<uint32_t>(uint64_t{mib} << 20));
  return bomb + trailer;
}

TEST(Gzip, BombStopsAtTheLimitWithoutAllocating) {
  // The construction is sound: a small one inflates to exactly its size.
  auto small = gunzip(zero_bomb(3));
  ASSERT_TRUE(small) << small.error().message;
  EXPECT_EQ(*small, std::string(3 << 20, '\0'));

  std::string bomb = zero_bomb(1024);  // 1 GiB of zeros
  EXPECT_LT(bomb.size(), 2u << 20);
  long before = max_rss_kib();
  auto r = gunzip_members(bomb, {.max_output = 10 << 20});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::too_large);
  EXPECT_NE(r.error().message.find("gzip member 0"), std::string::npos) << r.error().message;
  EXPECT_LT(max_rss_kib() - before, 64 * 1024) << "peak memory grew by more than 64 MiB";
}

TEST(GzipWriter, CompressesLargeStreamsInConstantMemory) {
  std::string out;
  StringSink sink(out);
  GzipWriter writer(sink, 1);
  const std::string zeros(1 << 20, '\0');
  for (int i = 0; i < 64; ++i) ASSERT_TRUE(writer.write(zeros));
  ASSERT_TRUE(writer.finish());
  EXPECT_EQ(writer.bytes_in(), uint64_t{64} << 20);
  EXPECT_LT(out.size(), 1u << 20);
  auto back = gunzip(out);
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(back->size(), size_t{64} << 20);
  EXPECT_EQ(back->find_first_not_of('\0'), std::string::npos);
}

TEST(GzipWriter, StreamsOneMemberWithFixedHeader) {
  std::string data = sample(300000);
  std::string out;
  StringSink sink(out);
  GzipWriter writer(sink);
  for (size_t i = 0; i < data.size(); i += 7777)
    ASSERT_TRUE(writer.write(std::string_view(data).substr(i, 7777)));
  ASSERT_TRUE(writer.finish());
  EXPECT_EQ(out.substr(0, 10), std::string_view("\x1f\x8b\x08\0\0\0\0\0\0\xff", 10));
  EXPECT_EQ(writer.bytes_in(), data.size());
  EXPECT_EQ(writer.bytes_out(), out.size());
  auto members = gunzip_members(out);
  ASSERT_TRUE(members) << members.error().message;
  ASSERT_EQ(members->size(), 1u);
  EXPECT_EQ((*members)[0].data, data);

  // Same input in different pieces: same bytes.
  std::string again;
  StringSink sink2(again);
  GzipWriter writer2(sink2);
  ASSERT_TRUE(writer2.write(data));
  ASSERT_TRUE(writer2.finish());
  EXPECT_EQ(again, out);

  EXPECT_EQ(writer.write("more").error().code, Errc::internal);
  EXPECT_FALSE(writer.finish());
}

TEST(GzipWriter, EmptyInputAndSinkErrors) {
  std::string out;
  StringSink sink(out);
  GzipWriter empty(sink);
  ASSERT_TRUE(empty.finish());
  EXPECT_EQ(*gunzip(out), "");

  struct FailingSink final : Sink {
    Status write(std::string_view) override { return fail(Errc::io, "disk full"); }
  } failing;
  GzipWriter writer(failing);
  auto r = writer.write("abc");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::io);
  EXPECT_FALSE(writer.finish());
}

TEST(Gzip, RealApkHasThreeMembers) {
  std::string apk = apk_fixture();
  auto members = gunzip_members(apk);
  ASSERT_TRUE(members) << members.error().message;
  ASSERT_EQ(members->size(), 3u);
  EXPECT_EQ((*members)[0].offset, 0u);
  EXPECT_EQ((*members)[0].compressed_size, 652u);
  EXPECT_EQ((*members)[1].offset, 652u);
  EXPECT_EQ((*members)[1].compressed_size, 335u);
  EXPECT_EQ((*members)[2].offset, 987u);
  EXPECT_EQ((*members)[2].offset + (*members)[2].compressed_size, apk.size());
  EXPECT_EQ((*members)[0].data.size(), 1024u);
  EXPECT_EQ((*members)[2].data.size(), 347136u);
}

}  // namespace
}  // namespace wisp::io
