#include "registry/copy.h"

#include <gtest/gtest.h>

#include "base/file.h"
#include "io/tar.h"
#include "oci/layout.h"
#include "oci/media_types.h"
#include "registry/fake_registry_test.h"

namespace wisp::registry {
namespace {

namespace fs = std::filesystem;
using testing::FakeRegistry;

/// A two-platform image (amd64, arm64/v8) in an OCI layout at `dir`, tagged "img"; returns
/// the index descriptor.
oci::Descriptor write_image(const fs::path& dir) {
  auto writer = oci::LayoutWriter::create(dir);
  EXPECT_TRUE(writer);
  oci::Index index;
  for (auto [arch, variant] : {std::pair{"amd64", ""}, std::pair{"arm64", "v8"}}) {
    auto layer = writer->write_layer(
        [&](io::Sink& sink) -> Status {
          io::TarWriter tar(sink);
          io::TarEntry e;
          e.path = "hello";
          std::string content = fmt::format("hello from {}\n", arch);
          e.size = content.size();
          TRY(tar.add(e, content));
          return tar.finish();
        },
        {});
    EXPECT_TRUE(layer);
    oci::ImageConfig config;
    config.architecture = arch;
    config.variant = variant;
    config.diff_ids = {layer->diff_id};
    auto config_desc = writer->add_blob(oci::serialize(config), std::string(oci::k_oci_config));
    oci::Manifest manifest;
    manifest.config = *config_desc;
    manifest.layers = {layer->blob};
    auto manifest_desc = writer->add_blob(oci::serialize(manifest), std::string(oci::k_oci_manifest));
    manifest_desc->platform = oci::Platform{arch, "linux", variant, "", {}};
    index.manifests.push_back(*manifest_desc);
  }
  auto index_desc = writer->add_blob(oci::serialize(index), std::string(oci::k_oci_index));
  oci::Index top;
  top.manifests = {*index_desc};
  top.manifests[0].annotations[std::string(oci::k_ann_ref_name)] = "img";
  EXPECT_TRUE(writer->commit(top));
  return *index_desc;
}

class CopyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto dir = TempDir::create("wisp-copy-test");
    ASSERT_TRUE(dir);
    m_dir.emplace(std::move(*dir));
    m_index = write_image(m_dir->path() / "src");
    m_fake = std::make_shared<FakeRegistry>();
    ClientOptions options;
    options.retry.sleep = [](Millis) {};
    options.credentials = [](std::string_view) -> Result<std::optional<Credential>> { return std::nullopt; };
    m_clients.emplace(m_fake, options);
  }

  ImageLocation loc(const std::string& text) {
    auto l = parse_image_location(text);
    EXPECT_TRUE(l) << text;
    return *l;
  }
  Result<CopyResult> copy(const std::string& from, const std::string& to, std::optional<oci::Platform> platform = {}) {
    TRY_ASSIGN(auto source, open_source(loc(from), *m_clients));
    TRY_ASSIGN(auto destination, open_destination(loc(to), *m_clients));
    CopyOptions options;
    options.platform = platform;
    return copy_image(*source, *destination, options);
  }
  std::string path(const std::string& name) { return (m_dir->path() / name).string(); }

  std::optional<TempDir> m_dir;
  oci::Descriptor m_index;
  std::shared_ptr<FakeRegistry> m_fake;
  std::optional<ClientPool> m_clients;
};

TEST_F(CopyTest, LayoutToRegistryAndBackKeepsDigests) {
  auto pushed = copy("oci:" + path("src") + ":img", "127.0.0.1:5000/a/img:1");
  ASSERT_TRUE(pushed) << pushed.error().message;
  EXPECT_EQ(pushed->root.descriptor.digest, m_index.digest);
  EXPECT_EQ(pushed->manifests, 3u);
  EXPECT_EQ(pushed->blobs, 4u);
  EXPECT_EQ(pushed->copied, 4u);
  EXPECT_EQ(m_fake->tag("a/img", "1"), m_index.digest);
  // Manifests by digest before the tag, and the tag last of all.
  auto log = m_fake->log();
  auto tag_put = std::find(log.begin(), log.end(), "PUT /v2/a/img/manifests/1 201");
  ASSERT_NE(tag_put, log.end());
  EXPECT_EQ(tag_put, log.end() - 1);

  auto pulled = copy("127.0.0.1:5000/a/img:1", "oci:" + path("pulled") + ":again");
  ASSERT_TRUE(pulled) << pulled.error().message;
  auto reader = oci::LayoutReader::open(path("pulled"));
  ASSERT_TRUE(reader);
  auto entry = reader->find("again");
  ASSERT_TRUE(entry);
  EXPECT_EQ(entry->digest, m_index.digest);
  for (const auto& name : fs::directory_iterator(m_dir->path() / "src" / "blobs" / "sha256"))
    EXPECT_TRUE(fs::exists(m_dir->path() / "pulled" / "blobs" / "sha256" / name.path().filename())) << name.path();

  // Again: the registry has the index, so only the tag is written.
  int before = m_fake->count("POST");
  auto again = copy("oci:" + path("src"), "127.0.0.1:5000/a/img:2");
  ASSERT_TRUE(again) << again.error().message;
  EXPECT_EQ(again->copied, 0u);
  EXPECT_EQ(m_fake->count("POST"), before);
  EXPECT_EQ(m_fake->tag("a/img", "2"), m_index.digest);
}

TEST_F(CopyTest, OnePlatformAndMountsWithinARegistry) {
  ASSERT_TRUE(copy("oci:" + path("src") + ":img", "127.0.0.1:5000/a/img:1"));
  auto arm = copy("127.0.0.1:5000/a/img:1", "127.0.0.1:5000/b/img:arm", oci::Platform{"arm64", "linux", "", "", {}});
  ASSERT_TRUE(arm) << arm.error().message;
  EXPECT_EQ(arm->root.descriptor.media_type, oci::k_oci_manifest);
  EXPECT_EQ(arm->blobs, 2u);
  EXPECT_EQ(arm->mounted, 2u);
  EXPECT_EQ(m_fake->count("PATCH"), 0);
  auto none = copy("127.0.0.1:5000/a/img:1", "oci:" + path("x"), oci::Platform{"s390x", "linux", "", "", {}});
  ASSERT_FALSE(none);
  EXPECT_EQ(none.error().code, Errc::not_found);
  EXPECT_NE(none.error().message.find("the index has linux/amd64, linux/arm64/v8"), std::string::npos) << none.error().message;
  EXPECT_FALSE(fs::exists(m_dir->path() / "x" / "index.json"));
}

TEST_F(CopyTest, Archives) {
  auto to_oci_archive = copy("oci:" + path("src"), "oci-archive:" + path("img.tar") + ":v1");
  ASSERT_TRUE(to_oci_archive) << to_oci_archive.error().message;
  auto back = copy("oci-archive:" + path("img.tar") + ":v1", "oci:" + path("from-archive") + ":v1");
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(back->root.descriptor.digest, m_index.digest);

  auto docker = copy("oci:" + path("src"), "docker-archive:" + path("docker.tar") + ":acme/img:1",
                     oci::Platform{"amd64", "linux", "", "", {}});
  ASSERT_TRUE(docker) << docker.error().message;
  EXPECT_EQ(docker->root.descriptor.media_type, oci::k_oci_manifest);
  auto from_docker = copy("docker-archive:" + path("docker.tar") + ":acme/img:1", "127.0.0.1:5000/a/docker:1");
  ASSERT_TRUE(from_docker) << from_docker.error().message;
  EXPECT_EQ(from_docker->root.descriptor.digest, docker->root.descriptor.digest);
  auto wrong_name = copy("docker-archive:" + path("docker.tar") + ":acme/other:1", "oci:" + path("y"));
  ASSERT_FALSE(wrong_name);
  EXPECT_EQ(wrong_name.error().code, Errc::not_found);
  // A docker archive cannot hold an index: without --platform it gets the host's image.
  auto host = copy("oci:" + path("src"), "docker-archive:" + path("host.tar"));
  ASSERT_TRUE(host) << host.error().message;
  EXPECT_EQ(host->root.descriptor.media_type, oci::k_oci_manifest);
}

TEST_F(CopyTest, FailedCopiesNameNothing) {
  m_fake->fault = [](const Request&, const std::string& kind, int) -> std::optional<Result<Response>> {
    if (kind != "manifest-PUT") return std::nullopt;
    Response r;
    r.status = 400;
    r.body = R"({"errors":[{"code":"MANIFEST_INVALID","message":"nope"}]})";
    return r;
  };
  auto pushed = copy("oci:" + path("src"), "127.0.0.1:5000/a/img:1");
  ASSERT_FALSE(pushed);
  EXPECT_EQ(pushed.error().code, Errc::bad_format);
  EXPECT_NE(pushed.error().message.find("MANIFEST_INVALID: nope"), std::string::npos) << pushed.error().message;
  EXPECT_FALSE(m_fake->tag("a/img", "1"));
  // A layout that is something else is refused before anything is written.
  ASSERT_TRUE(write_file_atomic(m_dir->path() / "file", "x"));
  auto onto_file = copy("oci:" + path("src"), "oci:" + path("file"));
  ASSERT_FALSE(onto_file);
  EXPECT_EQ(onto_file.error().code, Errc::usage);
  auto missing = copy("oci:" + path("nothing-here"), "oci:" + path("z"));
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, Errc::not_found);
}

TEST(Platform, ParseAndMatch) {
  auto p = parse_platform("linux/arm64/v8");
  ASSERT_TRUE(p);
  EXPECT_EQ(platform_string(*p), "linux/arm64/v8");
  EXPECT_EQ(parse_platform("x86_64")->architecture, "amd64");
  EXPECT_FALSE(parse_platform("a/b/c/d"));
  EXPECT_FALSE(parse_platform("linux/"));
  oci::Platform arm64{"arm64", "linux", "", "", {}};
  EXPECT_TRUE(platform_matches(arm64, *p));  // arm64 without a variant is v8
  EXPECT_TRUE(platform_matches(oci::Platform{"arm64", "linux", "v8", "", {}}, *parse_platform("linux/arm64")));
  EXPECT_FALSE(platform_matches(oci::Platform{"arm", "linux", "v7", "", {}}, *parse_platform("linux/arm/v6")));
  EXPECT_FALSE(platform_matches(arm64, *parse_platform("windows/arm64")));
  EXPECT_FALSE(host_platform().architecture.empty());
}

}  // namespace
}  // namespace wisp::registry
