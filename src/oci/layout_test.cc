#include "oci/layout.h"

#include <gtest/gtest.h>

#include <thread>

#include "base/file.h"
#include "io/gzip.h"
#include "io/tar.h"
#include "oci/media_types.h"

namespace wisp::oci {
namespace {

namespace fs = std::filesystem;

struct Image {
  Descriptor manifest;
  LayerResult layer;
  Descriptor config;
};

Status write_tar(io::Sink& sink, std::string_view name, std::string_view content) {
  io::TarWriter tar(sink);
  io::TarEntry e;
  e.path = std::string(name);
  e.size = content.size();
  TRY(tar.add(e, content));
  return tar.finish();
}

/// One image with one layer holding `file` = `content`.
Image add_image(LayoutWriter& writer, std::string_view content) {
  Image image;
  auto layer = writer.write_layer([&](io::Sink& sink) { return write_tar(sink, "file", content); }, {});
  EXPECT_TRUE(layer) << layer.error().message;
  image.layer = *layer;
  ImageConfig config;
  config.architecture = "amd64";
  config.diff_ids = {layer->diff_id};
  image.config = writer.add_blob(serialize(config), std::string(k_oci_config)).value();
  Manifest manifest;
  manifest.config = image.config;
  manifest.layers = {layer->blob};
  image.manifest = writer.add_blob(serialize(manifest), std::string(k_oci_manifest)).value();
  image.manifest.annotations[std::string(k_ann_ref_name)] = "latest";
  return image;
}

Index index_of(const Image& image) {
  Index index;
  index.manifests = {image.manifest};
  return index;
}

/// Names in `dir` (not recursive), sorted.
std::vector<std::string> entries(const fs::path& dir) {
  std::vector<std::string> names;
  for (const auto& e : fs::directory_iterator(dir)) names.push_back(e.path().filename().string());
  std::sort(names.begin(), names.end());
  return names;
}

class LayoutTest : public ::testing::Test {
 protected:
  void SetUp() override { m_tmp.emplace(TempDir::create("wisp-layout-test").value()); }
  fs::path path(std::string_view name) const { return m_tmp->path() / name; }

 private:
  std::optional<TempDir> m_tmp;
};

TEST_F(LayoutTest, CommitWritesAReadableLayout) {
  fs::path dir = path("out/image");  // the parent is created too
  {
    auto writer = LayoutWriter::create(dir);
    ASSERT_TRUE(writer) << writer.error().message;
    Image image = add_image(*writer, "hello");
    EXPECT_FALSE(fs::exists(dir)) << "nothing visible before commit";
    EXPECT_TRUE(fs::exists(writer->staging_dir() / "blobs/sha256" / std::string(digest_hex(image.layer.blob.digest))));
    ASSERT_TRUE(writer->commit(index_of(image)));
    EXPECT_EQ(writer->staging_dir(), fs::absolute(dir));
    EXPECT_FALSE(writer->add_blob("late", "x")) << "a committed writer takes no blobs";
  }
  EXPECT_EQ(entries(path("out")), std::vector<std::string>{"image"}) << "no staging dir left";
  EXPECT_EQ(entries(dir), (std::vector<std::string>{"blobs", "index.json", "oci-layout"}));
  EXPECT_EQ(read_file(dir / "oci-layout").value(), R"({"imageLayoutVersion":"1.0.0"})");
  EXPECT_EQ(fs::status(dir).permissions() & fs::perms::all, fs::perms(0755));

  auto reader = LayoutReader::open(dir);
  ASSERT_TRUE(reader) << reader.error().message;
  ASSERT_EQ(reader->index().manifests.size(), 1u);
  auto desc = reader->find("latest");
  ASSERT_TRUE(desc) << desc.error().message;
  auto manifest = reader->manifest(*desc);
  ASSERT_TRUE(manifest) << manifest.error().message;
  auto config = reader->image_config(manifest->config);
  ASSERT_TRUE(config) << config.error().message;
  ASSERT_EQ(config->diff_ids.size(), 1u);
  auto layer = reader->blob(manifest->layers.at(0));
  ASSERT_TRUE(layer) << layer.error().message;
  auto tar = io::gunzip(*layer);
  ASSERT_TRUE(tar);
  EXPECT_EQ(sha256_digest_string(*tar), config->diff_ids.at(0));
  EXPECT_TRUE(reader->verify_blob(manifest->layers.at(0)));
  auto missing = reader->find("v2");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, Errc::not_found);
  EXPECT_NE(missing.error().message.find("latest"), std::string::npos) << "names the tags there are";
}

TEST_F(LayoutTest, CommitReplacesAnOldLayout) {
  fs::path dir = path("image");
  {
    auto first = LayoutWriter::create(dir).value();
    ASSERT_TRUE(first.commit(index_of(add_image(first, "one"))));
  }
  auto old_blobs = entries(dir / "blobs/sha256");
  {
    auto second = LayoutWriter::create(dir).value();
    Image image = add_image(second, "two");
    ASSERT_TRUE(second.commit(index_of(image)));
  }
  auto reader = LayoutReader::open(dir).value();
  auto manifest = reader.manifest(reader.index().manifests.at(0)).value();
  auto tar = io::gunzip(reader.blob(manifest.layers.at(0)).value()).value();
  EXPECT_NE(tar.find("two"), std::string::npos);
  for (const auto& name : old_blobs)
    EXPECT_FALSE(fs::exists(dir / "blobs/sha256" / name)) << "old blob " << name << " went with the old layout";
  EXPECT_EQ(entries(path("")), std::vector<std::string>{"image"}) << "no staging or old dir left";
}

TEST_F(LayoutTest, CommitFillsAnEmptyDirectory) {
  fs::path dir = path("empty");
  fs::create_directory(dir);
  auto writer = LayoutWriter::create(dir).value();
  ASSERT_TRUE(writer.commit(index_of(add_image(writer, "x"))));
  EXPECT_TRUE(LayoutReader::open(dir));
}

TEST_F(LayoutTest, CommitRefusesWhatIsNotALayout) {
  fs::path dir = path("project");
  fs::create_directory(dir);
  write_file_atomic(dir / "main.c", "int main;").value();
  fs::path file = path("file");
  write_file_atomic(file, "data").value();
  fs::path link = path("link");
  fs::create_directory_symlink(dir, link);
  for (const fs::path& target : {dir, file, link}) {
    auto writer = LayoutWriter::create(target).value();
    Image image = add_image(writer, "x");
    auto st = writer.commit(index_of(image));
    ASSERT_FALSE(st) << target;
    EXPECT_EQ(st.error().code, Errc::usage);
    EXPECT_NE(st.error().message.find(fs::absolute(target).string()), std::string::npos) << st.error().message;
  }
  EXPECT_EQ(read_file(dir / "main.c").value(), "int main;");
  EXPECT_EQ(read_file(file).value(), "data");
  EXPECT_EQ(entries(path("")), (std::vector<std::string>{"file", "link", "project"})) << "staging dirs removed";
}

TEST_F(LayoutTest, AbandonedWriterLeavesNothing) {
  {
    auto writer = LayoutWriter::create(path("image")).value();
    add_image(writer, "x");
    auto sink = writer.begin_blob().value();
    ASSERT_TRUE(sink->write("unfinished"));
  }
  EXPECT_TRUE(entries(path("")).empty());
}

TEST_F(LayoutTest, BlobsAreDeduplicatedAndTempFilesCleaned) {
  auto writer = LayoutWriter::create(path("image")).value();
  auto a = writer.add_blob("same", "x").value();
  auto b = writer.add_blob("same", "y").value();
  EXPECT_EQ(a.digest, b.digest);
  {
    auto sink = writer.begin_blob().value();
    ASSERT_TRUE(sink->write("dropped"));
  }
  auto streamed = writer.begin_blob().value();
  std::string big(1 << 20, 'z');
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(streamed->write(big));
  auto c = streamed->finish("z").value();
  EXPECT_EQ(c.size, 3u << 20);
  EXPECT_EQ(streamed->finish("z").error().code, Errc::internal);
  EXPECT_EQ(entries(writer.staging_dir() / "blobs/sha256"),
            (std::vector<std::string>{std::string(digest_hex(a.digest)), std::string(digest_hex(c.digest))}));
}

TEST_F(LayoutTest, BlobsCanBeWrittenFromSeveralThreads) {
  auto writer = LayoutWriter::create(path("image")).value();
  std::vector<Descriptor> written(8);
  std::vector<std::thread> threads;
  for (size_t i = 0; i < written.size(); ++i)
    threads.emplace_back([&, i] {
      if (i % 2 == 0) {
        written[i] = writer.add_blob(i % 4 == 0 ? "shared" : fmt::format("blob {}", i), "x").value();
      } else {
        std::string content(300000, static_cast<char>('a' + i));
        auto layer = writer.write_layer([&](io::Sink& s) { return write_tar(s, "f", content); },
                                        {.chunk_size = 65536, .threads = 2});
        written[i] = layer.value().blob;
      }
    });
  for (auto& t : threads) t.join();
  Index index;
  index.manifests = written;
  ASSERT_TRUE(writer.commit(index));
  auto reader = LayoutReader::open(path("image")).value();
  for (const auto& d : written) EXPECT_TRUE(reader.verify_blob(d)) << d.digest;
  EXPECT_EQ(entries(path("image/blobs/sha256")).size(), 7u) << "two writers of 'shared' left one blob";
}

TEST_F(LayoutTest, WriteLayerPassesProducerErrorsThrough) {
  auto writer = LayoutWriter::create(path("image")).value();
  auto result = writer.write_layer([](io::Sink&) -> Status { return fail(Errc::conflict, "two owners"); }, {});
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().code, Errc::conflict);
  EXPECT_TRUE(entries(writer.staging_dir() / "blobs/sha256").empty());
}

TEST_F(LayoutTest, ReaderDetectsCorruptBlobs) {
  fs::path dir = path("image");
  auto writer = LayoutWriter::create(dir).value();
  Image image = add_image(writer, "payload");
  ASSERT_TRUE(writer.commit(index_of(image)));
  auto reader = LayoutReader::open(dir).value();
  fs::path layer_path = reader.blob_path(image.layer.blob.digest).value();
  std::string bytes = read_file(layer_path).value();

  bytes[bytes.size() / 2] ^= 1;  // same size, other content
  write_file_atomic(layer_path, bytes).value();
  for (const auto& r : {reader.blob(image.layer.blob).error(), reader.verify_blob(image.layer.blob).error(),
                        reader.blob(image.layer.blob.digest).error()}) {
    EXPECT_EQ(r.code, Errc::digest_mismatch) << r.message;
    EXPECT_NE(r.message.find(image.layer.blob.digest), std::string::npos) << r.message;
  }
  write_file_atomic(layer_path, bytes + "x").value();
  EXPECT_EQ(reader.blob(image.layer.blob).error().code, Errc::digest_mismatch);
  EXPECT_EQ(reader.verify_blob(image.layer.blob).error().code, Errc::digest_mismatch);
  fs::remove(layer_path);
  EXPECT_EQ(reader.blob(image.layer.blob).error().code, Errc::not_found);
  EXPECT_EQ(reader.blob("sha256:xyz").error().code, Errc::bad_format);
  EXPECT_EQ(reader.blob(image.config, 10).error().code, Errc::too_large);
}

TEST_F(LayoutTest, OpenRejectsNonLayouts) {
  EXPECT_EQ(LayoutReader::open(path("nothing")).error().code, Errc::not_found);
  fs::path dir = path("bad");
  fs::create_directory(dir);
  write_file_atomic(dir / "oci-layout", R"({"imageLayoutVersion":"2.0.0"})").value();
  write_file_atomic(dir / "index.json", R"({"schemaVersion":2,"manifests":[]})").value();
  auto r = LayoutReader::open(dir);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("imageLayoutVersion"), std::string::npos);
  write_file_atomic(dir / "oci-layout", R"({"imageLayoutVersion":"1.0.0"})").value();
  write_file_atomic(dir / "index.json", R"({"schemaVersion":2,"manifests":[{}]})").value();
  r = LayoutReader::open(dir);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::bad_format);
  EXPECT_NE(r.error().message.find("index.json"), std::string::npos) << r.error().message;
  EXPECT_NE(r.error().message.find("manifests[0].mediaType"), std::string::npos) << r.error().message;
}

}  // namespace
}  // namespace wisp::oci
