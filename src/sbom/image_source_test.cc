#include "sbom/image_source.h"

#include <gtest/gtest.h>

#include "base/file.h"

namespace wisp::sbom {
namespace {

TEST(ImageSource, ReadsRfc3339Times) {
  EXPECT_EQ(parse_rfc3339("2023-11-14T22:13:20Z"), 1700000000);
  EXPECT_EQ(parse_rfc3339("2023-11-14T22:13:20.123456Z"), 1700000000);
  EXPECT_EQ(parse_rfc3339("2023-11-15T00:13:20+02:00"), 1700000000);
  EXPECT_EQ(parse_rfc3339("2023-11-14T20:13:20-02:00"), 1700000000);
  EXPECT_EQ(parse_rfc3339("1970-01-01T00:00:00Z"), 0);
  EXPECT_FALSE(parse_rfc3339("yesterday"));
}

TEST(ImageSource, ParsesReferences) {
  auto r = parse_image_ref("oci:out/image:hello:latest");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->kind, ImageRef::Kind::oci_layout);
  EXPECT_EQ(r->path, "out/image");
  EXPECT_EQ(r->tag, "hello:latest");
  r = parse_image_ref("docker-archive:x.tar");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->kind, ImageRef::Kind::docker_archive);
  EXPECT_EQ(r->path, "x.tar");

  auto dir = TempDir::create("wisp-sbom-ref").value();
  r = parse_image_ref(dir.path().string());
  ASSERT_TRUE(r);
  EXPECT_EQ(r->kind, ImageRef::Kind::oci_layout);
  ASSERT_TRUE(write_file_atomic(dir.path() / "a.tar", "x"));
  r = parse_image_ref((dir.path() / "a.tar").string());
  ASSERT_TRUE(r);
  EXPECT_EQ(r->kind, ImageRef::Kind::docker_archive);

  auto bad = parse_image_ref("docker://ghcr.io/x");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, Errc::usage);
  bad = parse_image_ref((dir.path() / "missing").string());
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, Errc::not_found);
  EXPECT_FALSE(parse_image_ref("oci:"));
}

TEST(ImageSource, OpeningWhatIsNotAnImageFails) {
  auto dir = TempDir::create("wisp-sbom-open").value();
  auto layout = ImageSource::open({ImageRef::Kind::oci_layout, dir.path(), ""});
  ASSERT_FALSE(layout);
  EXPECT_EQ(layout.error().code, Errc::not_found);
  ASSERT_TRUE(write_file_atomic(dir.path() / "junk.tar", std::string(1024, '\0')));
  auto archive = ImageSource::open({ImageRef::Kind::docker_archive, dir.path() / "junk.tar", ""});
  ASSERT_FALSE(archive);
  EXPECT_EQ(archive.error().code, Errc::not_found);
}

}  // namespace
}  // namespace wisp::sbom
