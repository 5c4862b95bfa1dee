#include <gtest/gtest.h>

#include "oci/objects.h"

namespace wisp::oci {
namespace {

const std::string k_digest_a = "sha256:" + std::string(64, 'a');
const std::string k_digest_b = "sha256:" + std::string(64, 'b');

std::string descriptor_json(std::string_view media_type, std::string_view digest, uint64_t size) {
  return fmt::format(R"({{"mediaType":"{}","size":{},"digest":"{}"}})", media_type, size, digest);
}

std::string manifest_json(std::string_view layers) {
  return fmt::format(R"({{"schemaVersion":2,"mediaType":"{}","config":{},"layers":[{}]}})", k_oci_manifest,
                     descriptor_json(k_oci_config, k_digest_a, 2), layers);
}

/// The error message of a failed parse, "" when it succeeded.
template <typename T>
std::string error_of(const Result<T>& r) {
  if (r) return "";
  EXPECT_EQ(r.error().code, Errc::bad_format) << r.error().message;
  return r.error().message;
}

TEST(OciParse, ManifestRoundTrip) {
  Manifest m;
  m.config = describe("{}", std::string(k_oci_config));
  m.layers.push_back({.media_type = std::string(k_oci_layer_gzip), .digest = k_digest_a, .size = 99,
                      .annotations = {{"k", "v"}}});
  m.layers.push_back({.media_type = std::string(k_oci_layer_zstd), .digest = k_digest_b, .size = 0});
  m.annotations = {{std::string(k_ann_created), "2023-11-14T22:13:20Z"}};
  m.subject = Descriptor{.media_type = std::string(k_oci_manifest), .digest = k_digest_b, .size = 5};
  m.artifact_type = "application/x-sig";
  auto parsed = parse_manifest(serialize(m));
  ASSERT_TRUE(parsed) << parsed.error().message;
  EXPECT_EQ(*parsed, m);
}

TEST(OciParse, IndexRoundTrip) {
  Index index;
  index.manifests.push_back({.media_type = std::string(k_oci_manifest), .digest = k_digest_a, .size = 10,
                             .artifact_type = std::string(k_oci_config),
                             .platform = Platform{.architecture = "arm", .variant = "v7",
                                                  .os_version = "1", .os_features = {"x"}},
                             .annotations = {{std::string(k_ann_ref_name), "v1"}},
                             .urls = {"https://a", "https://b"}});
  index.annotations = {{"a", "b"}};
  auto parsed = parse_index(serialize(index));
  ASSERT_TRUE(parsed) << parsed.error().message;
  EXPECT_EQ(*parsed, index);
}

TEST(OciParse, ImageConfigRoundTrip) {
  ImageConfig c;
  c.created = "2023-11-14T22:13:20Z";
  c.architecture = "riscv64";
  c.author = "wisp";
  c.config = {.entrypoint = {"/x"}, .cmd = {"a", ""}, .env = {"A=1"}, .user = "0:0", .working_dir = "/",
              .stop_signal = "SIGRTMIN+3", .volumes = {"/a", "/b"}, .exposed_ports = {"53/udp"},
              .labels = {{"l", "\u2028<>"}}};
  c.diff_ids = {k_digest_a};
  c.history = {{.created = "1970-01-01T00:00:00Z", .created_by = "wisp", .empty_layer = true}};
  auto parsed = parse_image_config(serialize(c));
  ASSERT_TRUE(parsed) << parsed.error().message;
  EXPECT_EQ(*parsed, c);
}

TEST(OciParse, ReadsDockerMediaTypesAndIgnoresUnknownFields) {
  std::string text = fmt::format(
      R"({{"schemaVersion":2,"mediaType":"{}","config":{},"layers":[{}],"future":{{"x":[1,2]}}}})",
      k_docker_manifest, descriptor_json(k_docker_config, k_digest_a, 1),
      descriptor_json(k_docker_layer_gzip, k_digest_b, 3));
  auto m = parse_manifest(text);
  ASSERT_TRUE(m) << m.error().message;
  EXPECT_EQ(m->media_type, k_docker_manifest);
  EXPECT_EQ(m->layers.at(0).media_type, k_docker_layer_gzip);
  // A layout index.json from an old writer: no mediaType.
  auto index = parse_index(R"({"schemaVersion":2,"manifests":[]})");
  ASSERT_TRUE(index) << index.error().message;
  EXPECT_EQ(index->media_type, "");
  EXPECT_EQ(serialize(*index), R"({"schemaVersion":2,"manifests":[]})");
}

TEST(OciParse, ReadsADockerStyleConfig) {
  // Fields Docker writes that wisp does not model, nulls where Go had nil slices.
  auto c = parse_image_config(
      R"({"architecture":"amd64","config":{"Hostname":"","Env":null,"Cmd":["sh"],"Volumes":null,)"
      R"("ExposedPorts":{"80/tcp":{}},"Labels":null},"container":"abc","created":"2024-01-02T03:04:05.123456789Z",)"
      R"("docker_version":"24.0.7","history":[{"created":"2024-01-02T03:04:05Z","created_by":"/bin/sh -c #nop",)"
      R"("empty_layer":true}],"os":"linux","rootfs":{"type":"layers","diff_ids":[")" + k_digest_a + R"("]}})");
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->config.cmd, std::vector<std::string>{"sh"});
  EXPECT_EQ(c->config.exposed_ports, std::vector<std::string>{"80/tcp"});
  EXPECT_TRUE(c->history.at(0).empty_layer);
  EXPECT_EQ(c->created, "2024-01-02T03:04:05.123456789Z");
}

TEST(OciParse, ErrorsNameTheField) {
  EXPECT_NE(error_of(parse_manifest("")).find("not valid JSON"), std::string::npos);
  EXPECT_NE(error_of(parse_manifest("[]")).find("expected a JSON object"), std::string::npos);
  EXPECT_NE(error_of(parse_manifest(R"({"config":{}})")).find("schemaVersion: missing"), std::string::npos);
  EXPECT_NE(error_of(parse_manifest(R"({"schemaVersion":1})")).find("schemaVersion: expected 2"),
            std::string::npos);
  EXPECT_NE(error_of(parse_manifest(R"({"schemaVersion":2.0})")).find("schemaVersion"), std::string::npos);
  EXPECT_NE(error_of(parse_manifest(R"({"schemaVersion":2,"layers":[]})")).find("config: missing"),
            std::string::npos);
  std::string no_layers = manifest_json("");
  no_layers.erase(no_layers.find(R"(,"layers":[])"));
  EXPECT_NE(error_of(parse_manifest(no_layers + "}")).find("layers: missing"), std::string::npos);

  auto layer_error = [](std::string layer) { return error_of(parse_manifest(manifest_json(layer))); };
  EXPECT_EQ(layer_error(descriptor_json(k_oci_layer_gzip, k_digest_a, 1)), "");
  EXPECT_NE(layer_error(descriptor_json(k_oci_layer_gzip, "sha256:ABC", 1)).find("layers[0].digest"),
            std::string::npos);
  EXPECT_NE(layer_error(descriptor_json("", k_digest_a, 1)).find("layers[0].mediaType: missing"),
            std::string::npos);
  EXPECT_NE(layer_error(R"({"mediaType":"x","size":-1,"digest":")" + k_digest_a + R"("})").find("layers[0].size"),
            std::string::npos);
  EXPECT_NE(layer_error(R"({"mediaType":"x","size":1.5,"digest":")" + k_digest_a + R"("})").find("layers[0].size"),
            std::string::npos);
  EXPECT_NE(layer_error(R"({"mediaType":"x","size":"1","digest":")" + k_digest_a + R"("})").find("layers[0].size"),
            std::string::npos);
  EXPECT_NE(layer_error(R"({"mediaType":"x","digest":")" + k_digest_a + R"("})").find("layers[0].size: missing"),
            std::string::npos);
  EXPECT_NE(layer_error(R"({"mediaType":"x","size":9223372036854775808,"digest":")" + k_digest_a + R"("})")
                .find("out of range"),
            std::string::npos);
  EXPECT_NE(layer_error(R"({"mediaType":"x","size":1,"digest":")" + k_digest_a + R"(","annotations":{"a":1}})")
                .find("layers[0].annotations.a: expected a string"),
            std::string::npos);
  EXPECT_NE(layer_error("1").find("layers[0]: expected an object"), std::string::npos);

  EXPECT_NE(error_of(parse_manifest(R"({"schemaVersion":2,"mediaType":"text/plain"})")).find("mediaType"),
            std::string::npos);
  EXPECT_NE(error_of(parse_index(fmt::format(R"({{"schemaVersion":2,"mediaType":"{}","manifests":[]}})",
                                             k_oci_manifest)))
                .find("not an image index media type"),
            std::string::npos);
  EXPECT_NE(error_of(parse_index(fmt::format(
                R"({{"schemaVersion":2,"manifests":[{{"mediaType":"m","size":1,"digest":"{}","platform":{{"os":"linux"}}}}]}})",
                k_digest_a)))
                .find("manifests[0].platform.architecture: missing"),
            std::string::npos);
}

TEST(OciParse, ImageConfigRejections) {
  auto config_error = [](std::string_view fields) {
    return error_of(parse_image_config(fmt::format(R"({{"architecture":"amd64","os":"linux",{}}})", fields)));
  };
  std::string rootfs = R"("rootfs":{"type":"layers","diff_ids":[]})";
  EXPECT_EQ(config_error(rootfs), "");
  EXPECT_NE(config_error(R"("x":1)").find("rootfs: missing"), std::string::npos);
  EXPECT_NE(config_error(R"("rootfs":{"type":"tar","diff_ids":[]})").find("rootfs.type"), std::string::npos);
  EXPECT_NE(config_error(R"("rootfs":{"type":"layers","diff_ids":["sha256:1"]})").find("rootfs.diff_ids[0]"),
            std::string::npos);
  EXPECT_NE(config_error(rootfs + R"(,"created":"yesterday")").find("created: 'yesterday' is not an RFC 3339"),
            std::string::npos);
  EXPECT_NE(config_error(rootfs + R"(,"history":[{"created":"1"}])").find("history[0].created"), std::string::npos);
  EXPECT_NE(config_error(rootfs + R"(,"history":[{"empty_layer":"yes"}])").find("history[0].empty_layer"),
            std::string::npos);
  EXPECT_NE(config_error(rootfs + R"(,"config":{"Env":["A=1",2]})").find("config.Env[1]: expected a string"),
            std::string::npos);
  EXPECT_NE(config_error(rootfs + R"(,"config":{"Volumes":{"/v":1}})").find("config.Volumes./v"),
            std::string::npos);
  EXPECT_NE(config_error(rootfs + R"(,"config":{"User":0})").find("config.User"), std::string::npos);
  EXPECT_NE(config_error(rootfs + R"(,"config":[])").find("config: expected an object"), std::string::npos);
}

}  // namespace
}  // namespace wisp::oci
