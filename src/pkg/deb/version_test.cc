#include "pkg/deb/version.h"

#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace wisp::pkg::deb {
namespace {

int sign(int r) { return (r > 0) - (r < 0); }

struct Pair {
  const char* a;
  int order;  // sign of compare(a, b)
  const char* b;
};

// debian-and-runtime.md §2, each checked with `dpkg --compare-versions`, plus edge cases
// (also checked with dpkg 1.21.22).
const std::vector<Pair> k_pairs = {
    {"1.0~rc1", -1, "1.0"},
    {"1.0~~", -1, "1.0~"},
    {"1.0", -1, "1.0+deb12u1"},
    {"1:0.9", 1, "2.0"},
    {"2.36-9+deb12u14", 1, "2.36-9+deb12u9"},
    {"1.01", 0, "1.1"},
    {"0:1.0", 0, "1.0"},
    {"1.0", 0, "1.0-0"},
    {"1.0a", -1, "1.0+"},
    {"1.2.13.dfsg-1", 1, "1.2.13-1"},
    {"1.0~", -1, "1.0"},
    {"1.0~~a", -1, "1.0~"},
    {"1.0", -1, "1.0a"},
    {"1.0", -1, "1.0.0"},
    {"1.0-1", -1, "1.0-1.1"},
    {"1.0-1~bpo1", -1, "1.0-1"},
    {"1.0-a", 1, "1.0-1"},  // a letter sorts after the end of a non-digit run
    {"2:1", 1, "1:999"},
    {"10", 1, "9"},
    {"1.000000000000000000000000000000002", 1, "1.1"},
    {"99999999999999999999999999999", -1, "100000000000000000000000000000"},
    {"000000000000000000000000000001", 0, "1"},
    {"1-2-3", 1, "1-2-2"},  // the revision follows the last '-'
    {"1-2-3", 0, "1-2-03"},
    {"1:2:3", 1, "1:2:2"},  // upstream may hold ':' when there is an epoch
    {"1.2.3", -1, "1.2.3+"},
    {"1.2.3", 1, "1.2.3~"},
    {"1.2a", -1, "1.2b"},
    {"1.2Z", -1, "1.2a"},
    {"1.2z", -1, "1.2."},
    {"1.2+", -1, "1.2.~"},
    {" 1.0 ", 0, "1.0"},
    {"1.22.1-9+deb12u11", -1, "1.22.1-9+deb12u11.1~"},
    {"1.22.1-9+deb12u11.1", 1, "1.22.1-9+deb12u11.1~"},
};

TEST(DebVersion, OrderMatchesDpkg) {
  for (const Pair& p : k_pairs) {
    SCOPED_TRACE(fmt::format("{} vs {}", p.a, p.b));
    EXPECT_TRUE(version_is_valid(p.a));
    EXPECT_TRUE(version_is_valid(p.b));
    EXPECT_EQ(sign(compare_versions(p.a, p.b)), p.order);
    EXPECT_EQ(sign(compare_versions(p.b, p.a)), -p.order);
    EXPECT_EQ(compare_versions(p.a, p.a), 0);
  }
}

TEST(DebVersion, ParsesParts) {
  auto v = parse_version("  7:1.2-3-4.5~x  ");
  ASSERT_TRUE(v) << v.error().message;
  EXPECT_EQ(v->epoch, 7u);
  EXPECT_EQ(v->upstream, "1.2-3");
  EXPECT_EQ(v->revision, "4.5~x");

  v = parse_version("1.0");
  ASSERT_TRUE(v);
  EXPECT_EQ(v->epoch, 0u);
  EXPECT_EQ(v->upstream, "1.0");
  EXPECT_EQ(v->revision, "");

  v = parse_version("2147483647:1");
  ASSERT_TRUE(v);
  EXPECT_EQ(v->epoch, 2147483647u);
}

TEST(DebVersion, RefusesWhatDpkgRefuses) {
  for (const char* bad : {"", "   ", "1.0 1", "1\t2", ":1.0", "a:1.0", "-1:1.0", "1:", "1.0-",
                          "-1", "1:-1", "a1.0", "1.0_1", "1.0-1_2", "1.0-1:2", "1.0-a-", "~1",
                          "2147483648:1", "99999999999999999999999:1", "1.0/2", "1,0", "é1"}) {
    SCOPED_TRACE(std::string("'") + bad + "'");
    EXPECT_FALSE(version_is_valid(bad));
    auto v = parse_version(bad);
    ASSERT_FALSE(v);
    EXPECT_EQ(v.error().code, Errc::bad_format);
  }
}

TEST(DebVersion, ErrorsSayWhy) {
  EXPECT_EQ(parse_version("1.0-").error().message, "version '1.0-': revision number is empty");
  EXPECT_EQ(parse_version("x1").error().message,
            "version 'x1': version number does not start with digit");
}

TEST(DebVersion, InvalidVersionsStillOrderTotally) {
  // dpkg compares versions it only warns about (no leading digit, odd characters) by their
  // parts; hard errors fall back to the whole text as upstream.
  EXPECT_LT(compare_versions("a", "b"), 0);
  EXPECT_EQ(compare_versions("1:a", "1:a-0"), 0);
  EXPECT_GT(compare_versions("1:a", "a"), 0);
  EXPECT_EQ(compare_versions("1.0-", "1.0-"), 0);
  EXPECT_EQ(compare_versions("", ""), 0);
  std::vector<std::string> odd = {"", "1.0-", ":", "a", "1:", "1.0 2", "~", "\xff", "1.0"};
  for (const auto& a : odd) {
    for (const auto& b : odd) {
      EXPECT_EQ(sign(compare_versions(a, b)), -sign(compare_versions(b, a))) << a << " vs " << b;
    }
  }
}

TEST(DebVersion, ComparesParsedVersions) {
  Version a{1, "1.0", ""};
  Version b{0, "9.0", "1"};
  EXPECT_GT(compare_versions(a, b), 0);
  Version c{0, "9.0", "0"};
  Version d{0, "9.0", ""};
  EXPECT_EQ(compare_versions(c, d), 0);
}

}  // namespace
}  // namespace wisp::pkg::deb
