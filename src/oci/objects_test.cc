#include "oci/objects.h"

#include <gtest/gtest.h>

#include "oci/json_writer.h"

namespace wisp::oci {
namespace {

using namespace std::literals;

const std::string k_hex_a(64, 'a');
const std::string k_digest_a = "sha256:" + k_hex_a;
const std::string k_digest_b = "sha256:" + std::string(64, 'b');
constexpr std::string_view k_empty_json_digest =
    "sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a";

std::string json_string(std::string_view s) {
  std::string out;
  append_json_string(out, s);
  return out;
}

TEST(OciSerialize, MinimalConfigKeepsRequiredFieldsOnly) {
  ImageConfig c;
  c.architecture = "amd64";
  EXPECT_EQ(serialize(c),
            R"({"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":[]},"config":{}})");
}

TEST(OciSerialize, FullConfigInGoStructOrder) {
  ImageConfig c;
  c.created = "2023-11-14T22:13:20Z";
  c.author = "github.com/chainguard-dev/apko";
  c.architecture = "arm";
  c.variant = "v7";
  c.config.entrypoint = {"/bin/sh", "-c"};
  c.config.cmd = {"echo hi"};
  c.config.env = {"PATH=/usr/bin"};
  c.config.user = "65532";
  c.config.working_dir = "/app";
  c.config.stop_signal = "SIGTERM";
  c.config.volumes = {"/data", "/cache", "/data"};
  c.config.exposed_ports = {"8080/tcp"};
  c.config.labels = {{"b", "2"}, {"a", "<&>"}};
  c.diff_ids = {k_digest_a, k_digest_b};
  c.history = {{.created = "2023-11-14T22:13:20Z", .author = "apko", .created_by = "apko",
                .comment = "This is an apko single-layer image"},
               {.empty_layer = true}};
  EXPECT_EQ(serialize(c),
            R"({"architecture":"arm","author":"github.com/chainguard-dev/apko","created":"2023-11-14T22:13:20Z",)"
            R"("history":[{"author":"apko","created":"2023-11-14T22:13:20Z","created_by":"apko",)"
            R"("comment":"This is an apko single-layer image"},{"empty_layer":true}],"os":"linux",)"
            R"("rootfs":{"type":"layers","diff_ids":[")" + k_digest_a + R"(",")" + k_digest_b + R"("]},)"
            R"("config":{"Cmd":["echo hi"],"Entrypoint":["/bin/sh","-c"],"Env":["PATH=/usr/bin"],)"
            R"("Labels":{"a":"\u003c\u0026\u003e","b":"2"},"User":"65532","Volumes":{"/cache":{},"/data":{}},)"
            R"("WorkingDir":"/app","ExposedPorts":{"8080/tcp":{}},"StopSignal":"SIGTERM"},"variant":"v7"})");
}

TEST(OciSerialize, Manifest) {
  Manifest m;
  m.config = describe("{}", std::string(k_oci_config));
  Descriptor layer{.media_type = std::string(k_oci_layer_gzip), .digest = k_digest_a, .size = 1234};
  m.layers = {layer};
  m.annotations = {{std::string(k_ann_created), "1970-01-01T00:00:00Z"}};
  EXPECT_EQ(serialize(m),
            R"({"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json",)"
            R"("config":{"mediaType":"application/vnd.oci.image.config.v1+json","size":2,"digest":")" +
                std::string(k_empty_json_digest) +
                R"("},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip","size":1234,)"
                R"("digest":")" + k_digest_a +
                R"("}],"annotations":{"org.opencontainers.image.created":"1970-01-01T00:00:00Z"}})");
}

TEST(OciSerialize, EmptyManifestListsStayArrays) {
  Manifest m;
  m.media_type.clear();
  m.config = describe("{}", std::string(k_oci_config));
  std::string text = serialize(m);
  EXPECT_TRUE(text.starts_with(R"({"schemaVersion":2,"config":)")) << text;
  EXPECT_TRUE(text.ends_with(R"("layers":[]})")) << text;
  EXPECT_EQ(serialize(Index{}),
            R"({"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[]})");
}

TEST(OciSerialize, IndexWithPlatformsAndArtifactType) {
  Index index;
  Descriptor d{.media_type = std::string(k_oci_manifest), .digest = k_digest_b, .size = 512,
               .artifact_type = std::string(k_oci_config),
               .platform = Platform{.architecture = "arm64", .variant = "v8"}};
  index.manifests = {d};
  d.platform = Platform{.architecture = "amd64", .os_version = "10.0", .os_features = {"f1"}};
  d.annotations = {{std::string(k_ann_ref_name), "latest"}};
  d.artifact_type.clear();
  d.urls = {"https://example.com/blob"};
  index.manifests.push_back(d);
  index.subject = Descriptor{.media_type = std::string(k_oci_manifest), .digest = k_digest_a, .size = 7};
  index.artifact_type = "application/x-test";
  EXPECT_EQ(serialize(index),
            R"({"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[)"
            R"({"mediaType":"application/vnd.oci.image.manifest.v1+json","size":512,"digest":")" + k_digest_b +
                R"(","platform":{"architecture":"arm64","os":"linux","variant":"v8"},)"
                R"("artifactType":"application/vnd.oci.image.config.v1+json"},)"
                R"({"mediaType":"application/vnd.oci.image.manifest.v1+json","size":512,"digest":")" +
                k_digest_b +
                R"(","urls":["https://example.com/blob"],)"
                R"("annotations":{"org.opencontainers.image.ref.name":"latest"},)"
                R"("platform":{"architecture":"amd64","os":"linux","os.version":"10.0","os.features":["f1"]}}],)"
                R"("subject":{"mediaType":"application/vnd.oci.image.manifest.v1+json","size":7,"digest":")" +
                k_digest_a + R"("},"artifactType":"application/x-test"})");
}

TEST(OciSerialize, StringsAreEscapedLikeGo) {
  EXPECT_EQ(json_string("plain /path ~\x7f"), "\"plain /path ~\x7f\"");
  EXPECT_EQ(json_string("q\"b\\"), R"("q\"b\\")");
  EXPECT_EQ(json_string("\b\f\n\r\t"), R"("\b\f\n\r\t")");
  EXPECT_EQ(json_string("\x01\x1f"s + '\0'), R"("\u0001\u001f\u0000")");
  EXPECT_EQ(json_string("<a&b>"), R"("\u003ca\u0026b\u003e")");
  EXPECT_EQ(json_string("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x90\xb3"), "\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x90\xb3\"");
  EXPECT_EQ(json_string("\xe2\x80\xa8\xe2\x80\xa9"), R"("\u2028\u2029")");
  // Each byte of an invalid sequence becomes U+FFFD: lone continuation, truncated, overlong,
  // surrogate, beyond U+10FFFF.
  EXPECT_EQ(json_string("a\x80z"), R"("a\ufffdz")");
  EXPECT_EQ(json_string("\xe2\x82"), R"("\ufffd\ufffd")");
  EXPECT_EQ(json_string("\xc0\xaf"), R"("\ufffd\ufffd")");
  EXPECT_EQ(json_string("\xed\xa0\x80"), R"("\ufffd\ufffd\ufffd")");
  EXPECT_EQ(json_string("\xf4\x90\x80\x80"), R"("\ufffd\ufffd\ufffd\ufffd")");
}

TEST(OciDescriptor, DescribeHashesAndCounts) {
  Descriptor d = describe("{}", "application/vnd.oci.empty.v1+json");
  EXPECT_EQ(d.digest, k_empty_json_digest);
  EXPECT_EQ(d.size, 2u);
  EXPECT_EQ(d.media_type, "application/vnd.oci.empty.v1+json");
  EXPECT_EQ(describe("", "x").digest,
            "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST(OciDescriptor, DigestValidation) {
  EXPECT_TRUE(is_valid_digest(k_digest_a));
  EXPECT_TRUE(is_valid_digest("sha512:" + std::string(128, '0')));
  EXPECT_FALSE(is_valid_digest(""));
  EXPECT_FALSE(is_valid_digest(k_hex_a)) << "no algorithm";
  EXPECT_FALSE(is_valid_digest("sha256:" + std::string(63, 'a')));
  EXPECT_FALSE(is_valid_digest("sha256:" + std::string(65, 'a')));
  EXPECT_FALSE(is_valid_digest("sha256:" + std::string(64, 'A'))) << "uppercase hex";
  EXPECT_FALSE(is_valid_digest("sha256:" + std::string(63, 'a') + "g"));
  EXPECT_FALSE(is_valid_digest("sha512:" + std::string(64, 'a')));
  EXPECT_FALSE(is_valid_digest("md5:" + std::string(32, 'a')));
  EXPECT_FALSE(is_valid_digest("SHA256:" + k_hex_a));
  auto st = check_digest("sha1:abc");
  ASSERT_FALSE(st);
  EXPECT_EQ(st.error().code, Errc::bad_format);
  EXPECT_NE(st.error().message.find("sha1"), std::string::npos);
  EXPECT_EQ(digest_algorithm(k_digest_a), "sha256");
  EXPECT_EQ(digest_hex(k_digest_a), k_hex_a);
}

TEST(OciTime, Rfc3339Utc) {
  EXPECT_EQ(rfc3339_utc(0), "1970-01-01T00:00:00Z");
  EXPECT_EQ(rfc3339_utc(1700000000), "2023-11-14T22:13:20Z");
  EXPECT_EQ(rfc3339_utc(-1), "1969-12-31T23:59:59Z");
  EXPECT_EQ(rfc3339_utc(951782400), "2000-02-29T00:00:00Z");
  EXPECT_EQ(rfc3339_utc(4102444800), "2100-01-01T00:00:00Z");
  EXPECT_EQ(rfc3339_utc(INT64_MAX), "9999-12-31T23:59:59Z");
  EXPECT_EQ(rfc3339_utc(INT64_MIN), "0000-01-01T00:00:00Z");
}

TEST(OciTime, Rfc3339Recognised) {
  for (const char* ok : {"1970-01-01T00:00:00Z", "2023-11-14T22:13:20.123456789Z", "2000-02-29T23:59:59+05:30",
                         "0001-01-01T00:00:00Z", "2023-11-14t22:13:20z"})
    EXPECT_TRUE(is_rfc3339(ok)) << ok;
  for (const char* bad : {"", "2023-11-14", "2023-11-14 22:13:20Z", "2023-11-14T22:13:20", "2023-13-01T00:00:00Z",
                          "2023-02-29T00:00:00Z", "2023-11-14T24:00:00Z", "2023-11-14T22:13:20.Z",
                          "2023-11-14T22:13:20+0530", "2023-11-14T22:13:20Zjunk", "1700000000"})
    EXPECT_FALSE(is_rfc3339(bad)) << bad;
}

}  // namespace
}  // namespace wisp::oci
