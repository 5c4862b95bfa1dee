#include "build/shell_words.h"

#include <gtest/gtest.h>

namespace wisp::build {
namespace {

std::vector<std::string> split_ok(std::string_view text) {
  auto words = shell_split(text);
  EXPECT_TRUE(words) << text << ": " << words.error().message;
  return words ? *words : std::vector<std::string>{};
}

using Words = std::vector<std::string>;

}  // namespace

TEST(ShellWords, NginxCommand) {
  EXPECT_EQ(split_ok(R"(/usr/sbin/nginx -c /etc/nginx/nginx.conf -g "daemon off;")"),
            (Words{"/usr/sbin/nginx", "-c", "/etc/nginx/nginx.conf", "-g", "daemon off;"}));
}

TEST(ShellWords, SpacesAndEmptyInput) {
  EXPECT_EQ(split_ok(""), Words{});
  EXPECT_EQ(split_ok(" \t\r\n "), Words{});
  EXPECT_EQ(split_ok("  a\tb\n\nc  "), (Words{"a", "b", "c"}));
}

TEST(ShellWords, Quotes) {
  EXPECT_EQ(split_ok(R"(one "two three" four)"), (Words{"one", "two three", "four"}));
  EXPECT_EQ(split_ok(R"('it''s' "a'b" 'a"b')"), (Words{"its", "a'b", "a\"b"}));
  EXPECT_EQ(split_ok(R"(a"b c"d)"), (Words{"ab cd"}));
  EXPECT_EQ(split_ok(R"(x "" '' y)"), (Words{"x", "", "", "y"}));
  EXPECT_EQ(split_ok(R"('$HOME' "$HOME")"), (Words{"$HOME", "$HOME"}));
  EXPECT_EQ(split_ok("'a\\b'"), (Words{"a\\b"}));  // no escapes in single quotes
}

TEST(ShellWords, Backslashes) {
  EXPECT_EQ(split_ok(R"(a\ b c)"), (Words{"a b", "c"}));
  EXPECT_EQ(split_ok(R"(\"x\")"), (Words{"\"x\""}));
  // google/shlex: inside double quotes a backslash escapes ANY character (POSIX would keep it).
  EXPECT_EQ(split_ok(R"("a\b" "c\"d" "e\\f")"), (Words{"ab", "c\"d", "e\\f"}));
  EXPECT_EQ(split_ok("a\\\nb"), (Words{"a\nb"}));
}

TEST(ShellWords, Comments) {
  EXPECT_EQ(split_ok("echo hi # a comment"), (Words{"echo", "hi"}));
  EXPECT_EQ(split_ok("a#b c"), (Words{"a#b", "c"}));
  EXPECT_EQ(split_ok("# first\nsecond line"), (Words{"second", "line"}));
  EXPECT_EQ(split_ok("'#x' \\#y"), (Words{"#x", "#y"}));
}

TEST(ShellWords, UnterminatedInputIsAnError) {
  for (std::string_view bad : {R"(a "b)", "a 'b", "a\\", R"("a\)"}) {
    auto words = shell_split(bad);
    ASSERT_FALSE(words) << bad;
    EXPECT_EQ(words.error().code, Errc::bad_format);
  }
}

TEST(ShellWords, Utf8PassesThrough) {
  EXPECT_EQ(split_ok("échò \"ü ß\""), (Words{"échò", "ü ß"}));
}

}  // namespace wisp::build
