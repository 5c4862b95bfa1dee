#include "pkg/deb/relation.h"

#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace wisp::pkg::deb {
namespace {

// Flattens parsed relations back to text, for compact expectations.
std::string render(const std::vector<Alternatives>& clauses) {
  std::string out;
  for (const Alternatives& alts : clauses) {
    if (!out.empty()) out += ", ";
    for (size_t i = 0; i < alts.size(); ++i) {
      if (i) out += " | ";
      out += alts[i].str();
    }
  }
  return out;
}

TEST(DebRelation, ParsesRealDepends) {
  auto r = parse_relations(
      "libc6 (>= 2.34), libcrypt1 (>= 1:4.1.0), nginx-common (<< 1.22.1-9+deb12u11.1~)");
  ASSERT_TRUE(r) << r.error().message;
  ASSERT_EQ(r->size(), 3u);
  EXPECT_EQ((*r)[0], (Alternatives{{"libc6", "", RelOp::ge, "2.34"}}));
  EXPECT_EQ((*r)[1], (Alternatives{{"libcrypt1", "", RelOp::ge, "1:4.1.0"}}));
  EXPECT_EQ((*r)[2], (Alternatives{{"nginx-common", "", RelOp::lt, "1.22.1-9+deb12u11.1~"}}));
}

TEST(DebRelation, ParsesAlternativesAndArchQualifiers) {
  auto r = parse_relations("debconf (>= 0.5) | debconf-2.0, python3:any, perl:any (>= 5.20)");
  ASSERT_TRUE(r) << r.error().message;
  ASSERT_EQ(r->size(), 3u);
  EXPECT_EQ((*r)[0], (Alternatives{{"debconf", "", RelOp::ge, "0.5"}, {"debconf-2.0", "", RelOp::any, ""}}));
  EXPECT_EQ((*r)[1], (Alternatives{{"python3", "any", RelOp::any, ""}}));
  EXPECT_EQ((*r)[2], (Alternatives{{"perl", "any", RelOp::ge, "5.20"}}));
  EXPECT_EQ(render(*r), "debconf (>= 0.5) | debconf-2.0, python3:any, perl:any (>= 5.20)");
}

TEST(DebRelation, ToleratesFoldedAndSpacedFields) {
  auto r = parse_relations(
      "libc6 (>= 2.34),\n libssl3 (>= 3.0.0),\n\tzlib1g(>=1:1.1.4)  ,a(<<2)|b( = 1 ) ,  \n");
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(render(*r),
            "libc6 (>= 2.34), libssl3 (>= 3.0.0), zlib1g (>= 1:1.1.4), a (<< 2) | b (= 1)");
}

TEST(DebRelation, ReadsEveryOperatorIncludingObsoleteOnes) {
  auto r = parse_relations("a (<< 1), b (<= 1), c (< 1), d (= 1), e (>= 1), f (> 1), g (>> 1)");
  ASSERT_TRUE(r) << r.error().message;
  std::vector<RelOp> ops;
  for (const auto& alts : *r) ops.push_back(alts[0].op);
  EXPECT_EQ(ops, (std::vector<RelOp>{RelOp::lt, RelOp::le, RelOp::le, RelOp::eq, RelOp::ge,
                                     RelOp::ge, RelOp::gt}));
}

TEST(DebRelation, DropsArchRestrictionsAndBuildProfiles) {
  auto r = parse_relations("gcc [amd64 !arm64] <!nocheck> <cross !stage1>, libfoo-dev (>= 2) [linux-any]");
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(render(*r), "gcc, libfoo-dev (>= 2)");
}

TEST(DebRelation, EmptyFieldAndTrailingComma) {
  auto r = parse_relations("");
  ASSERT_TRUE(r);
  EXPECT_TRUE(r->empty());
  r = parse_relations("  \n ");
  ASSERT_TRUE(r);
  EXPECT_TRUE(r->empty());
  r = parse_relations("a, b,");
  ASSERT_TRUE(r);
  EXPECT_EQ(render(*r), "a, b");
}

TEST(DebRelation, RefusesMalformedClausesNamingThem) {
  auto r = parse_relations("libc6, x (>> )");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::bad_format);
  EXPECT_EQ(r.error().message, "bad relation 'x (>> )': missing version");
  for (const char* bad : {"a,,b", ",a", "a | ", "| a", "a (>= 1", "a (1.0)", "a (=> 1)", "a (>= 1 2)",
                          "-a", "a:", "a b", "a (>= x1)", "a [amd64", "a <!nocheck", "a (>= 1) (<< 2)",
                          "a [amd64] [arm64]", "a:any:any", "a (>= 1.0-)", "a\r"}) {
    SCOPED_TRACE(bad);
    auto bad_r = parse_relations(bad);
    ASSERT_FALSE(bad_r) << render(*bad_r);
    EXPECT_EQ(bad_r.error().code, Errc::bad_format);
  }
}

TEST(DebRelation, ParsesProvides) {
  auto p = parse_provides("httpd, httpd-cgi, nginx-abi-1.22.1-7");
  ASSERT_TRUE(p) << p.error().message;
  ASSERT_EQ(p->size(), 3u);
  EXPECT_EQ((*p)[2].name, "nginx-abi-1.22.1-7");
  p = parse_provides("libgcc1 (= 1:12.2.0-14+deb12u1)");
  ASSERT_TRUE(p) << p.error().message;
  EXPECT_EQ((*p)[0], (Relation{"libgcc1", "", RelOp::eq, "1:12.2.0-14+deb12u1"}));
  EXPECT_EQ((*p)[0].str(), "libgcc1 (= 1:12.2.0-14+deb12u1)");

  EXPECT_EQ(parse_provides("a (>= 1)").error().message,
            "bad provides 'a (>= 1)': only '=' versions are allowed");
  EXPECT_FALSE(parse_provides("a | b"));
  EXPECT_FALSE(parse_provides("a:any"));
  EXPECT_FALSE(parse_provides("a (= )"));
}

TEST(DebRelation, VersionSatisfies) {
  EXPECT_TRUE(version_satisfies("1.22.1-9+deb12u11", RelOp::lt, "1.22.1-9+deb12u11.1~"));
  EXPECT_TRUE(version_satisfies("1.22.1-9+deb12u11", RelOp::ge, "1.22.1-9+deb12u11"));
  EXPECT_FALSE(version_satisfies("1.22.1-9+deb12u11.1", RelOp::lt, "1.22.1-9+deb12u11.1~"));
  EXPECT_TRUE(version_satisfies("1:4.4.33-2", RelOp::ge, "1:4.1.0"));
  EXPECT_FALSE(version_satisfies("4.4.33-2", RelOp::ge, "1:4.1.0"));
  EXPECT_TRUE(version_satisfies("1.0", RelOp::eq, "1.0-0"));
  EXPECT_TRUE(version_satisfies("1.0", RelOp::le, "1.0"));
  EXPECT_FALSE(version_satisfies("1.0", RelOp::gt, "1.0"));
  EXPECT_TRUE(version_satisfies("1.1", RelOp::gt, "1.0"));
  EXPECT_TRUE(version_satisfies("anything", RelOp::any, ""));
}

TEST(DebRelation, Symbols) {
  EXPECT_EQ(relop_symbol(RelOp::any), "");
  EXPECT_EQ(relop_symbol(RelOp::lt), "<<");
  EXPECT_EQ(relop_symbol(RelOp::gt), ">>");
  EXPECT_EQ((Relation{"a", "native", RelOp::any, ""}).str(), "a:native");
}

}  // namespace
}  // namespace wisp::pkg::deb
