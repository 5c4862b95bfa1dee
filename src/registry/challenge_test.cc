#include "registry/challenge.h"

#include <gtest/gtest.h>

namespace wisp::registry {
namespace {

TEST(Challenge, BearerWithQuotedParameters) {
  auto c = parse_challenges(
      R"(Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:samalba/my-app:pull,push")");
  ASSERT_EQ(c.size(), 1u);
  EXPECT_EQ(c[0].scheme, "bearer");
  EXPECT_EQ(c[0].param("realm"), "https://auth.docker.io/token");
  EXPECT_EQ(c[0].param("service"), "registry.docker.io");
  EXPECT_EQ(c[0].param("scope"), "repository:samalba/my-app:pull,push");
  EXPECT_EQ(c[0].param("absent"), "");
}

TEST(Challenge, SeveralChallengesTokensAndEscapes) {
  auto c = parse_challenges(R"(Basic realm="a \"quoted\" realm", Bearer realm=https://x/t , Service="S")");
  ASSERT_EQ(c.size(), 2u);
  EXPECT_EQ(c[0].scheme, "basic");
  EXPECT_EQ(c[0].param("realm"), "a \"quoted\" realm");
  EXPECT_EQ(c[1].scheme, "bearer");
  EXPECT_EQ(c[1].param("realm"), "https://x/t");
  EXPECT_EQ(c[1].param("service"), "S");  // names are case-insensitive
}

TEST(Challenge, MalformedInputKeepsWhatParsed) {
  EXPECT_TRUE(parse_challenges("").empty());
  EXPECT_TRUE(parse_challenges("   ,  ").empty());
  auto c = parse_challenges(R"(Bearer realm="unterminated)");
  ASSERT_EQ(c.size(), 1u);
  EXPECT_EQ(c[0].scheme, "bearer");
  auto bare = parse_challenges("Basic");
  ASSERT_EQ(bare.size(), 1u);
  EXPECT_TRUE(bare[0].params.empty());
}

}  // namespace
}  // namespace wisp::registry
