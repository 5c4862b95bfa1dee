#include "registry/reference.h"

#include <gtest/gtest.h>

#include "registry/image_ref.h"

namespace wisp::registry {
namespace {

Reference parsed(std::string_view text) {
  auto ref = parse_reference(text);
  EXPECT_TRUE(ref) << text << ": " << ref.error().message;
  return ref ? *ref : Reference{};
}

TEST(Reference, DockerHubNamesGetLibraryAndLatest) {
  Reference r = parsed("alpine");
  EXPECT_EQ(r.registry, "docker.io");
  EXPECT_EQ(r.repository, "library/alpine");
  EXPECT_EQ(r.tag, "latest");
  EXPECT_EQ(r.api_host(), "registry-1.docker.io");
  EXPECT_EQ(r.str(), "docker.io/library/alpine:latest");
  EXPECT_EQ(parsed("index.docker.io/acme/app:1").registry, "docker.io");
  EXPECT_EQ(parsed("acme/app:1").repository, "acme/app");
}

TEST(Reference, RegistryHostsPortsAndDigests) {
  Reference r = parsed("127.0.0.1:5000/t/img:v1.2");
  EXPECT_EQ(r.registry, "127.0.0.1:5000");
  EXPECT_EQ(r.repository, "t/img");
  EXPECT_EQ(r.tag, "v1.2");
  EXPECT_EQ(r.identifier(), "v1.2");
  std::string digest = "sha256:" + std::string(64, 'a');
  Reference d = parsed("localhost/x@" + digest);
  EXPECT_EQ(d.registry, "localhost");
  EXPECT_TRUE(d.tag.empty());
  EXPECT_EQ(d.identifier(), digest);
  Reference both = parsed("ghcr.io/a/b:1@" + digest);
  EXPECT_EQ(both.tag, "1");
  EXPECT_EQ(both.identifier(), digest);
  EXPECT_EQ(both.str(), "ghcr.io/a/b:1@" + digest);
  EXPECT_EQ(parsed("[::1]:5000/a:b").registry, "[::1]:5000");
}

TEST(Reference, RefusesMalformedNames) {
  for (const char* bad : {"", "x/UPPER", "a//b", "a/-b", "a/b:", "a/b:.x", "a/b@sha256:abc", "host:99999/x",
                          "a/b:" "0123456789012345678901234567890123456789012345678901234567890123456789"
                          "0123456789012345678901234567890123456789012345678901234567890123456789"}) {
    auto r = parse_reference(bad);
    EXPECT_FALSE(r) << bad;
    if (!r) {
      EXPECT_EQ(r.error().code, Errc::usage);
    }
  }
  EXPECT_TRUE(parse_reference("a/b__c/d-e--f.g"));
  EXPECT_FALSE(parse_reference("a/b___c"));
}

TEST(Reference, RepositoriesTakeNoTag) {
  EXPECT_TRUE(parse_repository("127.0.0.1:5000/t/img"));
  EXPECT_FALSE(parse_repository("127.0.0.1:5000/t/img:1"));
  EXPECT_FALSE(parse_repository("t/img@sha256:" + std::string(64, 'b')));
}

TEST(Reference, LoopbackHosts) {
  EXPECT_TRUE(is_loopback_host("localhost:5000"));
  EXPECT_TRUE(is_loopback_host("127.0.0.1"));
  EXPECT_TRUE(is_loopback_host("127.8.9.10:80"));
  EXPECT_TRUE(is_loopback_host("[::1]:5000"));
  EXPECT_FALSE(is_loopback_host("128.0.0.1"));
  EXPECT_FALSE(is_loopback_host("localhost.example.com"));
  EXPECT_FALSE(is_loopback_host("docker.io"));
}

TEST(ImageLocation, Transports) {
  auto d = parse_image_location("docker://127.0.0.1:5000/a/b:1");
  ASSERT_TRUE(d);
  EXPECT_EQ(d->kind, TransportKind::docker);
  EXPECT_EQ(d->reference.repository, "a/b");
  auto bare = parse_image_location("ghcr.io/a/b");
  ASSERT_TRUE(bare);
  EXPECT_EQ(bare->kind, TransportKind::docker);
  EXPECT_EQ(bare->reference.tag, "latest");
  auto oci = parse_image_location("oci:/tmp/lay:v1");
  ASSERT_TRUE(oci);
  EXPECT_EQ(oci->kind, TransportKind::oci);
  EXPECT_EQ(oci->path, "/tmp/lay");
  EXPECT_EQ(oci->tag, "v1");
  auto untagged = parse_image_location("oci:dir");
  ASSERT_TRUE(untagged);
  EXPECT_TRUE(untagged->tag.empty());
  auto archive = parse_image_location("docker-archive:/x/img.tar:repo/name:tag");
  ASSERT_TRUE(archive);
  EXPECT_EQ(archive->kind, TransportKind::docker_archive);
  EXPECT_EQ(archive->path, "/x/img.tar");
  EXPECT_EQ(archive->tag, "repo/name:tag");
  auto oa = parse_image_location("oci-archive:img.tar");
  ASSERT_TRUE(oa);
  EXPECT_EQ(oa->kind, TransportKind::oci_archive);
  for (const char* bad : {"oci:", "oci::tag", "docker:x/y", "docker-archive:f.tar:Bad Name"})
    EXPECT_FALSE(parse_image_location(bad)) << bad;
}

}  // namespace
}  // namespace wisp::registry
