#include "pkg/apk/version.h"

#include <map>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "base/file.h"
#include "base/strings.h"

namespace wisp::pkg::apk {
namespace {

int sign(int r) { return (r > 0) - (r < 0); }

// apk-tools' own test vectors, read line by line the way its version_test.c reads them:
//   "ver"            ver is valid
//   "!ver"           ver is invalid
//   "a OP b"         a OP b holds (OP is any operator parse_op reads, e.g. <, =, ~, >~)
//   "a !OP b"        a OP b does not hold
// '#' starts a comment; blank lines are skipped.
struct VersionDataCounts {
  int comparisons = 0;
  int valid = 0;
  int invalid = 0;
  std::map<std::string, int> ops;
};

TEST(ApkVersionData, EveryLineOfApkToolsVersionData) {
  auto text = read_file(std::string(WISP_TESTDATA) + "/apk-tools/version.data");
  ASSERT_TRUE(text) << text.error().message;

  VersionDataCounts counts;
  int line_no = 0;
  for (std::string_view raw : split(*text, '\n')) {
    ++line_no;
    std::string_view line = trim(raw.substr(0, raw.find('#')));
    if (line.empty()) continue;
    SCOPED_TRACE(fmt::format("version.data:{}: {}", line_no, line));

    auto fields = split_whitespace(line);
    if (fields.size() == 3) {
      std::string_view op_text = fields[1];
      bool negate = op_text.starts_with('!');
      if (negate) op_text.remove_prefix(1);
      auto op = parse_op(op_text);
      ASSERT_TRUE(op) << op.error().message;
      EXPECT_EQ(version_matches(fields[0], *op, fields[2]), !negate);
      // Plain orderings must also hold read backwards.
      if (*op == Op::less || *op == Op::equal || *op == Op::greater) {
        EXPECT_EQ(sign(compare_versions(fields[0], fields[2])),
                  -sign(compare_versions(fields[2], fields[0])));
      }
      ++counts.comparisons;
      ++counts.ops[std::string(fields[1])];
    } else {
      ASSERT_EQ(fields.size(), 1u) << "unexpected line shape";
      std::string_view v = fields[0];
      bool expect_valid = !v.starts_with('!');
      if (!expect_valid) v.remove_prefix(1);
      EXPECT_EQ(version_is_valid(v), expect_valid);
      ++(expect_valid ? counts.valid : counts.invalid);
    }
  }

  // The file has 788 lines: 3 blank, 754 comparisons, 31 validity checks.
  EXPECT_EQ(line_no, 789);  // 788 newline-terminated lines + the empty tail
  EXPECT_EQ(counts.comparisons, 754);
  EXPECT_EQ(counts.valid, 6);
  EXPECT_EQ(counts.invalid, 25);
  EXPECT_EQ(counts.ops["<"], 435);
  EXPECT_EQ(counts.ops[">"], 286);
  EXPECT_EQ(counts.ops["="], 17);
  EXPECT_EQ(counts.ops["~"], 6);
  EXPECT_EQ(counts.ops["!~"], 8);
  EXPECT_EQ(counts.ops["<~"], 1);
  EXPECT_EQ(counts.ops[">~"], 1);
}

// Every adjacent pair of `chain` must be strictly increasing, and the order transitive.
void expect_ascending(const std::vector<std::string_view>& chain) {
  for (size_t i = 0; i < chain.size(); ++i) {
    EXPECT_EQ(compare_versions(chain[i], chain[i]), 0) << chain[i];
    for (size_t j = i + 1; j < chain.size(); ++j) {
      EXPECT_LT(compare_versions(chain[i], chain[j]), 0) << chain[i] << " < " << chain[j];
      EXPECT_GT(compare_versions(chain[j], chain[i]), 0) << chain[j] << " > " << chain[i];
    }
  }
}

TEST(ApkVersion, SuffixesAndRevisions) {
  expect_ascending({"1.0_alpha", "1.0_alpha2", "1.0_beta", "1.0_pre1", "1.0_rc1", "1.0", "1.0-r1",
                    "1.0_p1", "1.0a", "1.0.1"});
  expect_ascending({"1.0", "1.0_cvs", "1.0_git", "1.0_hg", "1.0_p1"});
  expect_ascending({"1.0_svn", "1.0_git"});
  expect_ascending({"0.1.0_alpha_pre2", "0.1.0_alpha"});
  expect_ascending({"6.0_pre1", "6.0"});
  expect_ascending({"1.0_p9", "1.0_p10"});
  expect_ascending({"1.0-r9", "1.0-r10"});
  expect_ascending({"2.3.0b-r1", "2.3.0b-r2"});
  expect_ascending({"20050718-r1", "20050718-r2"});
  EXPECT_GT(compare_versions("3.9.8-r5", "2.01.01_alpha10"), 0);
}

TEST(ApkVersion, LeadingZeroGroupsCompareAsText) {
  expect_ascending({"8.2.0", "8.2.001"});
  expect_ascending({"8.2.0015", "8.2.002"});
  expect_ascending({"1.2.010", "1.2.9"});
  // Only later groups: the first one is always a number.
  EXPECT_EQ(compare_versions("01.2", "1.2"), 0);
  EXPECT_LT(compare_versions("1.2.9", "1.2.10"), 0);
}

TEST(ApkVersion, CommitHashes) {
  expect_ascending({"1.0~1234", "1.0~2345"});
  expect_ascending({"1.0~1234-r0", "1.0~1234-r1"});
  expect_ascending({"1.0~1234-r1", "1.0~2345-r0"});
  expect_ascending({"1.0", "1.0-r0", "1.0~0", "1.0~0-r0"});  // a hash outranks a bare -rN
  EXPECT_LT(compare_versions("1.0~abc", "1.0~abcd"), 0);  // text order, shorter first
}

TEST(ApkVersion, InvalidVersionsCompareLikeApk) {
  // An invalid component ranks below the end at the same position...
  EXPECT_LT(compare_versions("1.0bc", "1.0b"), 0);
  EXPECT_LT(compare_versions("1.0_foo", "1.0"), 0);
  // ...but above any valid component that the shorter side lacks.
  EXPECT_LT(compare_versions("1.0", "1.0bc"), 0);
  // Invalid at the same position: equal, whatever follows.
  EXPECT_EQ(compare_versions("1.0bc", "1.0bd"), 0);
  EXPECT_EQ(compare_versions("", "a"), 0);
  EXPECT_EQ(compare_versions("", ""), 0);
  // An empty or non-numeric start is below every valid version.
  EXPECT_LT(compare_versions("", "0"), 0);
  EXPECT_LT(compare_versions("x1", "0"), 0);
  EXPECT_EQ(order_versions("1.0bc", "1.0b"), VersionOrder::less);
  EXPECT_EQ(order_versions("1.0b", "1.0bc"), VersionOrder::greater);
}

TEST(ApkVersion, Validity) {
  for (std::string_view v : {"0", "1.2", "1.2.3.4.5", "1.0a", "1.0_rc1", "1_p", "1.0~deadbeef",
                             "1.0_git20240101~ab-r3", "1-r0", "1.0b_alpha_pre2-r10"})
    EXPECT_TRUE(version_is_valid(v)) << v;
  for (std::string_view v : {"", "1.", "1..2", "1.0A", "1.0-r", "1.0-R1", "1.0_", "1.0~",
                             "1.0~ABC", "1.0~ab~cd", "1.0-r1~ab", "1.0-r1-r2", "1.0-1", "1a.2", "1ab",
                             "1.0 ", " 1.0", "v1.0", "1.0_beta1a", "1.0-r1a", "1+2"})
    EXPECT_FALSE(version_is_valid(v)) << '"' << v << '"';
}

TEST(ApkVersion, HostileInput) {
  std::string with_nul("1.0\0" "2", 5);
  EXPECT_FALSE(version_is_valid(with_nul));
  EXPECT_GT(compare_versions(with_nul, "0.9"), 0);
  EXPECT_LT(compare_versions(with_nul, "1.0"), 0);  // invalid vs end

  // Numbers beyond 64 bits wrap like apk's, without undefined behaviour.
  std::string huge(200, '9');
  EXPECT_TRUE(version_is_valid(huge));
  EXPECT_EQ(compare_versions(huge, huge), 0);

  std::string long_version = "1";
  for (int i = 0; i < 10000; ++i) long_version += ".1";
  EXPECT_TRUE(version_is_valid(long_version));
  EXPECT_GT(compare_versions(long_version + ".1", long_version), 0);
  for (char c = 1; c < 127; ++c) {
    std::string v = std::string("1.0") + c;
    EXPECT_EQ(sign(compare_versions(v, "1.0")), -sign(compare_versions("1.0", v))) << int(c);
  }
  std::string high("1.0\xff", 4);
  EXPECT_FALSE(version_is_valid(high));
}

TEST(ApkVersion, Fuzzy) {
  for (std::string_view v : {"3.6.0", "3.6.9", "3.6_pre1", "3.6", "3.6.0_pre1"}) {
    EXPECT_EQ(compare_versions_fuzzy(v, "3.6"), 0) << v;
    EXPECT_TRUE(version_matches(v, Op::equal | Op::fuzzy, "3.6")) << v;
  }
  EXPECT_NE(compare_versions_fuzzy("3.8", "3.8.1"), 0);
  EXPECT_FALSE(version_matches("3.8", Op::equal | Op::fuzzy, "3.8.1"));
  EXPECT_FALSE(version_matches("3.7", Op::equal | Op::fuzzy, "3.6"));
  // Not fuzzy the other way round: the prefix is the right-hand side.
  EXPECT_NE(compare_versions_fuzzy("3.6", "3.6.0"), 0);
  EXPECT_TRUE(version_matches("3.7", Op::greater | Op::equal | Op::fuzzy, "3.6"));
  EXPECT_TRUE(version_matches("3.6.2", Op::greater | Op::equal | Op::fuzzy, "3.6"));
  EXPECT_FALSE(version_matches("3.5", Op::greater | Op::equal | Op::fuzzy, "3.6"));
  EXPECT_TRUE(version_matches("3.6.2", Op::less | Op::equal | Op::fuzzy, "3.6"));
  EXPECT_FALSE(version_matches("3.7", Op::less | Op::equal | Op::fuzzy, "3.6"));
}

TEST(ApkVersion, Matching) {
  EXPECT_TRUE(version_matches("1.0", Op::any, "9"));
  EXPECT_TRUE(version_matches("1.0", Op::less, "1.1"));
  EXPECT_FALSE(version_matches("1.1", Op::less, "1.1"));
  EXPECT_TRUE(version_matches("1.1", Op::less | Op::equal, "1.1"));
  EXPECT_TRUE(version_matches("1.1-r0", Op::equal, "1.1-r0"));
  EXPECT_FALSE(version_matches("1.1-r1", Op::equal, "1.1-r0"));
  EXPECT_TRUE(version_matches("1.2", Op::greater, "1.1"));
  EXPECT_FALSE(version_matches("1.2", Op::greater, "1.2"));
  EXPECT_TRUE(version_matches("1.2", Op::greater | Op::equal, "1.2"));
  // A checksum pin compares identities byte for byte.
  EXPECT_TRUE(version_matches("Q1abc=", Op::checksum, "Q1abc="));
  EXPECT_FALSE(version_matches("Q1abd=", Op::checksum, "Q1abc="));
}

TEST(ApkVersion, OperatorsParseAndPrint) {
  const std::map<std::string_view, Op> cases = {
      {"<", Op::less},
      {"<=", Op::less | Op::equal},
      {"=<", Op::less | Op::equal},
      {"=", Op::equal},
      {"==", Op::equal},
      {">", Op::greater},
      {">=", Op::greater | Op::equal},
      {"~", Op::equal | Op::fuzzy},
      {"=~", Op::equal | Op::fuzzy},
      {">~", Op::greater | Op::equal | Op::fuzzy},
      {"<~", Op::less | Op::equal | Op::fuzzy},
      {"><", Op::checksum},
      {"<>", Op::checksum},
  };
  for (const auto& [text, op] : cases) {
    auto parsed = parse_op(text);
    ASSERT_TRUE(parsed) << text;
    EXPECT_EQ(*parsed, op) << text;
    auto again = parse_op(op_string(op));
    ASSERT_TRUE(again) << op_string(op);
    EXPECT_EQ(*again, op);
  }
  EXPECT_EQ(op_string(Op::any), "");
  EXPECT_EQ(op_string(Op::fuzzy), "~");
  EXPECT_EQ(op_string(Op::less | Op::greater | Op::fuzzy), "?");
  for (std::string_view bad : {"", "<>=", "<=>", "~<>", "!", "=!", "=a"})
    EXPECT_FALSE(parse_op(bad)) << bad;
  EXPECT_EQ(version_order_symbol(VersionOrder::less), "<");
  EXPECT_EQ(version_order_symbol(VersionOrder::equal), "=");
  EXPECT_EQ(version_order_symbol(VersionOrder::greater), ">");
}

}  // namespace
}  // namespace wisp::pkg::apk
