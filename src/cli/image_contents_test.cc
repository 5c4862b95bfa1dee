#include "cli/image_contents.h"

#include <gtest/gtest.h>

namespace wisp::cli {
namespace {

TEST(ImageContents, TellsRegistryReferencesFromPaths) {
  EXPECT_TRUE(is_registry_location("docker://alpine:3"));
  EXPECT_TRUE(is_registry_location("ghcr.io/acme/app:1"));
  EXPECT_TRUE(is_registry_location("localhost:5000/app@sha256:" + std::string(64, 'a')));
  EXPECT_TRUE(is_registry_location("localhost/app"));
  // Local transports, and names without a registry host (a mistyped path must say so).
  EXPECT_FALSE(is_registry_location("oci:out:app:1"));
  EXPECT_FALSE(is_registry_location("docker-archive:img.tar"));
  EXPECT_FALSE(is_registry_location("out/image"));
  EXPECT_FALSE(is_registry_location("alpine:3"));
  EXPECT_FALSE(is_registry_location("/"));  // exists
}

TEST(ImageContents, MissingPathIsNotFoundNamingIt) {
  auto contents = read_image_contents("no/such/layout", "", RegistryFlags{});
  ASSERT_FALSE(contents);
  EXPECT_EQ(contents.error().code, Errc::not_found);
  EXPECT_NE(contents.error().message.find("no/such/layout"), std::string::npos);
}

}  // namespace
}  // namespace wisp::cli
