#include "pkg/deb/source_line.h"

#include <gtest/gtest.h>

namespace wisp::pkg::deb {

TEST(DebSourceLine, DistsLineWithOptions) {
  auto line = parse_source_line(
      "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg arch=amd64,arm64] "
      "http://deb.debian.org/debian/ bookworm main contrib");
  ASSERT_TRUE(line) << line.error().message;
  EXPECT_EQ(line->uri, "http://deb.debian.org/debian");
  EXPECT_EQ(line->suite, "bookworm");
  EXPECT_EQ(line->components, (std::vector<std::string>{"main", "contrib"}));
  EXPECT_EQ(line->signed_by, "/usr/share/keyrings/debian-archive-keyring.gpg");
  EXPECT_EQ(line->archs, (std::vector<std::string>{"amd64", "arm64"}));
  EXPECT_FALSE(line->trusted);
  EXPECT_FALSE(line->flat());
  EXPECT_EQ(line->release_dir(), "http://deb.debian.org/debian/dists/bookworm");
}

TEST(DebSourceLine, FlatRepository) {
  auto line = parse_source_line("deb [trusted=yes] file:///srv/repo ./");
  ASSERT_TRUE(line) << line.error().message;
  EXPECT_TRUE(line->flat());
  EXPECT_TRUE(line->trusted);
  EXPECT_EQ(line->release_dir(), "file:///srv/repo");
  auto sub = parse_source_line("deb [trusted=yes] /srv/repo sub/");
  ASSERT_TRUE(sub);
  EXPECT_EQ(sub->release_dir(), "/srv/repo/sub");
}

TEST(DebSourceLine, Refusals) {
  for (const char* bad : {"deb-src http://x bookworm main", "deb http://x", "deb http://x bookworm",
                          "deb http://x ./ main", "deb [signed-by=ABCDEF0123] http://x bookworm main",
                          "deb [foo=bar] http://x bookworm main", "deb [trusted=maybe] http://x bookworm main",
                          "deb [trusted=yes http://x bookworm main", "deb http://x ../../etc main"}) {
    auto line = parse_source_line(bad);
    ASSERT_FALSE(line) << bad;
    EXPECT_EQ(line.error().code, Errc::usage);
    EXPECT_NE(line.error().message.find(bad), std::string::npos) << line.error().message;
  }
}

}  // namespace wisp::pkg::deb
