#include "oci/layer_writer.h"

#include <gtest/gtest.h>
#include <zstd.h>

#include <random>

#include "base/digest.h"
#include "base/encoding.h"
#include "io/gzip.h"
#include "oci/media_types.h"

namespace wisp::oci {
namespace {

/// Semi-compressible bytes: runs of text with random bytes mixed in.
std::string sample(size_t size, uint64_t seed = 1) {
  std::mt19937_64 rng(seed);
  std::string out;
  out.reserve(size);
  static constexpr std::string_view k_words[] = {"usr/lib/", "libc.so.6 ", "\x7f" "ELF", "/etc/passwd\n",
                                                 "root:x:0:0 ", "\0\0\0\0\0\0\0\0"};
  while (out.size() < size) {
    if (rng() % 4 == 0) {
      out.push_back(static_cast<char>(rng()));
    } else {
      out.append(k_words[rng() % std::size(k_words)]);
    }
  }
  out.resize(size);
  return out;
}

struct Written {
  std::string blob;
  LayerResult result;
};

/// Writes `input` in pieces of `piece` bytes.
Written write_layer(std::string_view input, LayerOptions options, size_t piece = 7777) {
  Written w;
  io::StringSink sink(w.blob);
  LayerWriter writer(sink, options);
  for (size_t at = 0; at < input.size(); at += piece) {
    auto st = writer.write(input.substr(at, piece));
    EXPECT_TRUE(st) << st.error().message;
  }
  auto result = writer.finish();
  EXPECT_TRUE(result) << result.error().message;
  if (result) w.result = *result;
  return w;
}

std::string unzstd(std::string_view in) {
  std::string out;
  std::unique_ptr<ZSTD_DCtx, decltype(&ZSTD_freeDCtx)> dctx(ZSTD_createDCtx(), &ZSTD_freeDCtx);
  std::string buf(ZSTD_DStreamOutSize(), '\0');
  ZSTD_inBuffer input{in.data(), in.size(), 0};
  while (input.pos < input.size) {
    ZSTD_outBuffer output{buf.data(), buf.size(), 0};
    size_t rc = ZSTD_decompressStream(dctx.get(), &output, &input);
    EXPECT_FALSE(ZSTD_isError(rc)) << ZSTD_getErrorName(rc);
    if (ZSTD_isError(rc)) break;
    out.append(buf.data(), output.pos);
  }
  return out;
}

void expect_descriptors(const Written& w, std::string_view input, std::string_view media_type) {
  EXPECT_EQ(w.result.diff_id, sha256_digest_string(input));
  EXPECT_EQ(w.result.uncompressed_size, input.size());
  EXPECT_EQ(w.result.blob.digest, sha256_digest_string(w.blob));
  EXPECT_EQ(w.result.blob.size, w.blob.size());
  EXPECT_EQ(w.result.blob.media_type, media_type);
}

TEST(LayerWriter, GzipIsOneMemberPerChunk) {
  std::string input = sample(5 * 65536 + 123);
  Written w = write_layer(input, {.chunk_size = 65536, .threads = 3});
  expect_descriptors(w, input, k_oci_layer_gzip);
  auto members = io::gunzip_members(w.blob);
  ASSERT_TRUE(members) << members.error().message;
  ASSERT_EQ(members->size(), 6u);
  for (size_t i = 0; i < members->size(); ++i)
    EXPECT_EQ((*members)[i].data, input.substr(i * 65536, 65536)) << "chunk " << i;
  EXPECT_LT(w.blob.size(), input.size() / 2) << "the sample compresses";
}

TEST(LayerWriter, ExactMultipleOfTheChunkSizeHasNoEmptyTail) {
  std::string input = sample(4 * 4096);
  Written w = write_layer(input, {.chunk_size = 4096, .threads = 2}, 4096);
  auto members = io::gunzip_members(w.blob);
  ASSERT_TRUE(members);
  EXPECT_EQ(members->size(), 4u);
  EXPECT_EQ(*io::gunzip(w.blob), input);
}

TEST(LayerWriter, OutputDoesNotDependOnThreadsOrWriteSizes) {
  std::string input = sample(3 << 20, 7);
  for (Compression c : {Compression::gzip, Compression::zstd}) {
    Written one = write_layer(input, {.compression = c, .chunk_size = 256 << 10, .threads = 1}, 100000);
    Written four = write_layer(input, {.compression = c, .chunk_size = 256 << 10, .threads = 4}, 512);
    Written many = write_layer(input, {.compression = c, .chunk_size = 256 << 10, .threads = 16}, 1 << 20);
    EXPECT_EQ(one.blob, four.blob);
    EXPECT_EQ(one.blob, many.blob);
    EXPECT_EQ(one.result.blob, four.result.blob);
    EXPECT_EQ(one.result.diff_id, four.result.diff_id);
  }
}

TEST(LayerWriter, LevelAndChunkSizeChangeTheBytes) {
  std::string input = sample(1 << 20);
  Written base = write_layer(input, {.chunk_size = 128 << 10, .threads = 2});
  Written level = write_layer(input, {.level = 1, .chunk_size = 128 << 10, .threads = 2});
  Written chunk = write_layer(input, {.chunk_size = 64 << 10, .threads = 2});
  EXPECT_NE(base.blob, level.blob);
  EXPECT_NE(base.blob, chunk.blob);
  EXPECT_EQ(base.result.diff_id, level.result.diff_id);
  EXPECT_EQ(*io::gunzip(level.blob), input);
  EXPECT_EQ(*io::gunzip(chunk.blob, {.max_members = 64}), input);
  // The default level is libdeflate's 5: one chunk equals gzip_compress at level 5.
  std::string small = input.substr(0, 1000);
  EXPECT_EQ(write_layer(small, {}).blob, io::gzip_compress(small, 5));
}

TEST(LayerWriter, ZstdFramesDecompressToTheInput) {
  std::string input = sample(700000, 3);
  Written w = write_layer(input, {.compression = Compression::zstd, .chunk_size = 100000, .threads = 3});
  expect_descriptors(w, input, k_oci_layer_zstd);
  EXPECT_EQ(unzstd(w.blob), input);
  // Seven frames, each stating its content size.
  size_t frames = 0;
  for (std::string_view rest = w.blob; !rest.empty(); ++frames) {
    size_t n = ZSTD_findFrameCompressedSize(rest.data(), rest.size());
    ASSERT_FALSE(ZSTD_isError(n));
    EXPECT_EQ(ZSTD_getFrameContentSize(rest.data(), n), frames < 7 ? 100000u : 0u);
    rest.remove_prefix(n);
  }
  EXPECT_EQ(frames, 7u);
  EXPECT_EQ(ZSTD_decompress(nullptr, 0, w.blob.data(), 0), 0u);
}

TEST(LayerWriter, UncompressedPassesThrough) {
  std::string input = sample(300000);
  Written w = write_layer(input, {.compression = Compression::none, .chunk_size = 65536});
  EXPECT_EQ(w.blob, input);
  expect_descriptors(w, input, k_oci_layer_tar);
  EXPECT_EQ(w.result.blob.digest, w.result.diff_id);
}

TEST(LayerWriter, EmptyLayerIsOneEmptyMember) {
  Written gz = write_layer("", {});
  expect_descriptors(gz, "", k_oci_layer_gzip);
  auto members = io::gunzip_members(gz.blob);
  ASSERT_TRUE(members) << members.error().message;
  ASSERT_EQ(members->size(), 1u);
  EXPECT_EQ((*members)[0].data, "");
  EXPECT_EQ(gz.result.diff_id, "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");

  Written zst = write_layer("", {.compression = Compression::zstd});
  EXPECT_FALSE(zst.blob.empty());
  EXPECT_EQ(ZSTD_getFrameContentSize(zst.blob.data(), zst.blob.size()), 0u);

  Written none = write_layer("", {.compression = Compression::none});
  EXPECT_EQ(none.blob, "");
  EXPECT_EQ(none.result.blob.size, 0u);
}

class FailingSink final : public io::Sink {
 public:
  explicit FailingSink(size_t fail_after) : m_left(fail_after) {}
  Status write(std::string_view) override {
    if (m_left == 0) return fail(Errc::io, "disk full");
    --m_left;
    return {};
  }

 private:
  size_t m_left;
};

TEST(LayerWriter, SinkErrorsComeBackAndStick) {
  std::string input = sample(1 << 20);
  FailingSink sink(2);
  LayerWriter writer(sink, {.chunk_size = 4096, .threads = 2});
  Status st;
  for (size_t at = 0; at < input.size() && st; at += 10000) st = writer.write(std::string_view(input).substr(at, 10000));
  auto result = st ? writer.finish() : Result<LayerResult>(std::unexpected(st.error()));
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().code, Errc::io);
  EXPECT_EQ(result.error().message, "disk full");
  EXPECT_FALSE(writer.write("more"));
  EXPECT_FALSE(writer.finish());
}

TEST(LayerWriter, FinishTwiceIsAnError) {
  std::string out;
  io::StringSink sink(out);
  LayerWriter writer(sink);
  ASSERT_TRUE(writer.write("abc"));
  ASSERT_TRUE(writer.finish());
  EXPECT_EQ(writer.finish().error().code, Errc::internal);
  EXPECT_EQ(writer.write("x").error().code, Errc::internal);
}

TEST(LayerWriter, AbandonedWriterStopsItsWorkers) {
  std::string input = sample(2 << 20);
  std::string out;
  io::StringSink sink(out);
  {
    LayerWriter writer(sink, {.chunk_size = 8192, .threads = 4});
    ASSERT_TRUE(writer.write(input));
  }  // destroyed without finish(): must join without hanging
  SUCCEED();
}

}  // namespace
}  // namespace wisp::oci
