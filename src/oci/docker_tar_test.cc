#include "oci/docker_tar.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "base/file.h"
#include "io/tar.h"
#include "oci/layout.h"
#include "oci/media_types.h"
#include "oci/objects.h"

namespace wisp::oci {
namespace {

namespace fs = std::filesystem;

struct Entry {
  io::TarEntry header;
  std::string content;
};

std::vector<Entry> read_tar(const fs::path& path) {
  std::string bytes = read_file(path).value();
  io::TarReader reader(bytes);
  std::vector<Entry> out;
  for (;;) {
    auto next = reader.next();
    EXPECT_TRUE(next) << next.error().message;
    if (!next || !*next) break;
    out.push_back({**next, std::string(reader.content())});
  }
  return out;
}

class DockerTarTest : public ::testing::Test {
 protected:
  void SetUp() override {
    m_tmp.emplace(TempDir::create("wisp-docker-tar-test").value());
    m_writer.emplace(LayoutWriter::create(m_tmp->path() / "layout").value());
    LayoutWriter& w = *m_writer;
    m_layer1 = w.add_blob(std::string(3000, 'a'), std::string(k_oci_layer_gzip)).value();
    m_layer2 = w.add_blob("second layer", std::string(k_oci_layer_gzip)).value();
    ImageConfig config;
    config.architecture = "arm64";
    config.diff_ids = {m_layer1.digest, m_layer2.digest};
    m_config = w.add_blob(serialize(config), std::string(k_oci_config)).value();
    Manifest manifest;
    manifest.config = m_config;
    manifest.layers = {m_layer1, m_layer2, m_layer1};  // a repeated layer is stored once
    m_manifest = w.add_blob(serialize(manifest), std::string(k_oci_manifest)).value();
    m_manifest.platform = Platform{.architecture = "arm64", .variant = "v8"};
  }
  fs::path out() const { return m_tmp->path() / "image.tar"; }
  std::string name(const Descriptor& d) const { return "blobs/sha256/" + std::string(digest_hex(d.digest)); }

  std::optional<TempDir> m_tmp;
  std::optional<LayoutWriter> m_writer;
  Descriptor m_layer1, m_layer2, m_config, m_manifest;
};

TEST_F(DockerTarTest, IsAnOciLayoutAndADockerArchive) {
  auto st = write_docker_tar(m_writer->staging_dir(), m_manifest, {"registry.local:5000/app/hello:1.0", "hello"}, out());
  ASSERT_TRUE(st) << st.error().message;
  std::vector<Entry> entries = read_tar(out());

  std::vector<std::string> names;
  for (const auto& e : entries) names.push_back(e.header.path);
  std::vector<std::string> blob_names = {name(m_layer1), name(m_layer2), name(m_config), name(m_manifest)};
  std::sort(blob_names.begin(), blob_names.end());
  std::vector<std::string> expected = {"blobs", "blobs/sha256"};
  expected.insert(expected.end(), blob_names.begin(), blob_names.end());
  expected.insert(expected.end(), {"index.json", "manifest.json", "oci-layout"});
  EXPECT_EQ(names, expected);

  std::map<std::string, std::string> files;
  for (const auto& e : entries) {
    EXPECT_EQ(e.header.mtime, 0) << e.header.path;
    EXPECT_EQ(e.header.uid, 0u);
    EXPECT_EQ(e.header.gid, 0u);
    EXPECT_EQ(e.header.mode, e.header.type == io::TarType::directory ? 0755u : 0644u) << e.header.path;
    files[e.header.path] = e.content;
  }
  for (const Descriptor* d : {&m_layer1, &m_layer2, &m_config, &m_manifest})
    EXPECT_EQ(sha256_digest_string(files[name(*d)]), d->digest);
  EXPECT_EQ(files["oci-layout"], R"({"imageLayoutVersion":"1.0.0"})");

  auto docker = nlohmann::json::parse(files["manifest.json"]);
  ASSERT_TRUE(docker.is_array());
  ASSERT_EQ(docker.size(), 1u);
  EXPECT_EQ(docker[0]["Config"], name(m_config));
  EXPECT_EQ(docker[0]["RepoTags"], nlohmann::json({"registry.local:5000/app/hello:1.0", "hello:latest"}));
  EXPECT_EQ(docker[0]["Layers"], nlohmann::json({name(m_layer1), name(m_layer2), name(m_layer1)}));
  EXPECT_TRUE(files["manifest.json"].starts_with(R"([{"Config":)"));

  auto index = parse_index(files["index.json"]);
  ASSERT_TRUE(index) << index.error().message;
  ASSERT_EQ(index->manifests.size(), 1u);
  const Descriptor& listed = index->manifests[0];
  EXPECT_EQ(listed.digest, m_manifest.digest);
  EXPECT_EQ(listed.size, m_manifest.size);
  EXPECT_EQ(listed.platform, m_manifest.platform);
  EXPECT_EQ(listed.annotations.at(std::string(k_ann_ref_name)), "1.0");
  EXPECT_EQ(listed.annotations.at(std::string(k_ann_containerd_image_name)), "registry.local:5000/app/hello:1.0");
}

TEST_F(DockerTarTest, IsDeterministicAndReadsCommittedLayouts) {
  ASSERT_TRUE(write_docker_tar(m_writer->staging_dir(), m_manifest, {}, out()));
  std::string first = read_file(out()).value();
  Index index;
  index.manifests = {m_manifest};
  ASSERT_TRUE(m_writer->commit(index));
  ASSERT_TRUE(write_docker_tar(m_tmp->path() / "layout", m_manifest, {}, out()));
  EXPECT_EQ(read_file(out()).value(), first);
  auto entries = read_tar(out());
  auto it = std::find_if(entries.begin(), entries.end(), [](const Entry& e) { return e.header.path == "index.json"; });
  ASSERT_NE(it, entries.end());
  EXPECT_EQ(parse_index(it->content)->manifests.at(0).annotations.size(), 0u) << "no tag, no ref.name";
}

TEST_F(DockerTarTest, CorruptOrMissingBlobsLeaveNoArchive) {
  fs::path layer = m_writer->staging_dir() / name(m_layer2);
  std::string bytes = read_file(layer).value();
  bytes[0] ^= 1;
  write_file_atomic(layer, bytes).value();
  auto st = write_docker_tar(m_writer->staging_dir(), m_manifest, {"x:1"}, out());
  ASSERT_FALSE(st);
  EXPECT_EQ(st.error().code, Errc::digest_mismatch) << st.error().message;
  EXPECT_FALSE(fs::exists(out()));

  fs::remove(layer);
  st = write_docker_tar(m_writer->staging_dir(), m_manifest, {"x:1"}, out());
  ASSERT_FALSE(st);
  EXPECT_EQ(st.error().code, Errc::not_found) << st.error().message;
  EXPECT_NE(st.error().message.find(m_layer2.digest), std::string::npos) << st.error().message;
  EXPECT_FALSE(fs::exists(out()));
  std::vector<std::string> left;
  for (const auto& e : fs::directory_iterator(m_tmp->path())) left.push_back(e.path().filename().string());
  EXPECT_EQ(left.size(), 1u) << "only the staging dir, no temp archive";
}

TEST_F(DockerTarTest, RefusesDigestTagsAndNonManifests) {
  auto st = write_docker_tar(m_writer->staging_dir(), m_manifest, {"app@" + m_manifest.digest}, out());
  ASSERT_FALSE(st);
  EXPECT_EQ(st.error().code, Errc::usage);
  st = write_docker_tar(m_writer->staging_dir(), m_config, {}, out());
  ASSERT_FALSE(st);
  EXPECT_EQ(st.error().code, Errc::bad_format) << st.error().message;
  EXPECT_FALSE(fs::exists(out()));
}

TEST(DockerRepoTag, AddsLatestOnlyWhenThereIsNoTag) {
  EXPECT_EQ(docker_repo_tag("hello").value(), "hello:latest");
  EXPECT_EQ(docker_repo_tag("hello:1").value(), "hello:1");
  EXPECT_EQ(docker_repo_tag("localhost:5000/app").value(), "localhost:5000/app:latest");
  EXPECT_EQ(docker_repo_tag("localhost:5000/app:v2").value(), "localhost:5000/app:v2");
  EXPECT_EQ(docker_repo_tag("").error().code, Errc::usage);
  EXPECT_EQ(docker_repo_tag("app:").error().code, Errc::usage);
  EXPECT_EQ(docker_repo_tag(":tag").error().code, Errc::usage);
}

}  // namespace
}  // namespace wisp::oci
