#include "registry/manifest_blob.h"

#include <gtest/gtest.h>

#include "base/digest.h"
#include "oci/media_types.h"

namespace wisp::registry {
namespace {

TEST(ManifestBlob, TypeFromTheBytesOrTheServer) {
  std::string index = R"({"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[]})";
  auto blob = make_manifest_blob(index, "application/vnd.oci.image.index.v1+json; charset=utf-8");
  ASSERT_TRUE(blob) << blob.error().message;
  EXPECT_EQ(blob->descriptor.media_type, oci::k_oci_index);
  EXPECT_EQ(blob->descriptor.digest, sha256_digest_string(index));
  EXPECT_EQ(blob->descriptor.size, index.size());
  EXPECT_TRUE(is_index_media_type(blob->descriptor.media_type));

  std::string untyped = R"({"schemaVersion":2,"config":{},"layers":[]})";
  auto docker = make_manifest_blob(untyped, std::string(oci::k_docker_manifest));
  ASSERT_TRUE(docker);
  EXPECT_EQ(docker->descriptor.media_type, oci::k_docker_manifest);
  EXPECT_EQ(make_manifest_blob(untyped, "")->descriptor.media_type, oci::k_oci_manifest);
  EXPECT_EQ(make_manifest_blob(R"({"manifests":[]})", "application/json")->descriptor.media_type, oci::k_oci_index);
  auto sha512 = make_manifest_blob(untyped, "", "sha512");
  ASSERT_TRUE(sha512);
  EXPECT_TRUE(sha512->descriptor.digest.starts_with("sha512:"));
}

TEST(ManifestBlob, RefusesContradictionsAndSchema1) {
  std::string index = R"({"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[]})";
  auto contradiction = make_manifest_blob(index, std::string(oci::k_oci_manifest));
  ASSERT_FALSE(contradiction);
  EXPECT_EQ(contradiction.error().code, Errc::bad_format);
  EXPECT_EQ(make_manifest_blob("[]", "").error().code, Errc::bad_format);
  EXPECT_EQ(make_manifest_blob("{}", "application/vnd.docker.distribution.manifest.v1+prettyjws").error().code,
            Errc::unsupported);
  EXPECT_EQ(make_manifest_blob(R"({"schemaVersion":1})", "").error().code, Errc::unsupported);
  EXPECT_FALSE(manifest_accept_header().empty());
}

}  // namespace
}  // namespace wisp::registry
