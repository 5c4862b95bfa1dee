#include "base/strings.h"

#include <gtest/gtest.h>

namespace wisp {

TEST(Strings, SplitAndTrim) {
  EXPECT_EQ(split("a,,b", ','), (std::vector<std::string_view>{"a", "", "b"}));
  EXPECT_EQ(split_whitespace("  a \t b\n"), (std::vector<std::string_view>{"a", "b"}));
  EXPECT_EQ(trim(" \tx y\n"), "x y");
}

TEST(Strings, ParseIntegers) {
  EXPECT_EQ(parse_u64("42"), 42u);
  EXPECT_FALSE(parse_u64("-1"));
  EXPECT_FALSE(parse_u64("4x"));
  EXPECT_FALSE(parse_u64("99999999999999999999999"));
  EXPECT_EQ(parse_i64("-5"), -5);
}

TEST(Strings, EditDistance) {
  EXPECT_EQ(edit_distance("kitten", "sitting"), 3u);
  EXPECT_EQ(edit_distance("pkg info", "pkg inof"), 2u);
}

}  // namespace wisp
