#include "io/safe_path.h"

#include <gtest/gtest.h>

namespace wisp::io {
namespace {

TEST(SafePath, Normalises) {
  EXPECT_EQ(*clean_archive_path("usr/bin/hello"), "usr/bin/hello");
  EXPECT_EQ(*clean_archive_path("./a//b/"), "a/b");
  EXPECT_EQ(*clean_archive_path("a/./b/."), "a/b");
  EXPECT_EQ(*clean_archive_path(".hidden/..dots/x.."), ".hidden/..dots/x..");
  for (std::string_view root : {".", "./", ".//.", "././"}) EXPECT_EQ(*clean_archive_path(root), ".") << root;
}

TEST(SafePath, RefusesEscapes) {
  for (std::string_view bad : {"../x", "/etc/passwd", "a/../../b", "a/../b", "..", "./..", "a/..",
                               "//x", "/"}) {
    auto r = clean_archive_path(bad);
    ASSERT_FALSE(r) << bad;
    EXPECT_EQ(r.error().code, Errc::unsafe_path) << bad;
  }
  auto nul = clean_archive_path(std::string_view("a\0b", 3));
  ASSERT_FALSE(nul);
  EXPECT_EQ(nul.error().code, Errc::unsafe_path);
  auto empty = clean_archive_path("");
  ASSERT_FALSE(empty);
  EXPECT_EQ(empty.error().code, Errc::bad_format);
  EXPECT_NE(clean_archive_path("x/../../etc").error().message.find("x/../../etc"), std::string::npos);
}

TEST(SafePath, SymlinkEscapeSequence) {
  SymlinkGuard guard;
  // "x -> /etc", then "x/passwd": the second entry would write through the link.
  ASSERT_TRUE(guard.check("x"));
  guard.add_symlink("x");
  auto r = guard.check("x/passwd");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::unsafe_path);
  EXPECT_FALSE(guard.check("x/deeper/still"));
  EXPECT_TRUE(guard.check("x")) << "replacing the link itself is allowed";
  EXPECT_TRUE(guard.check("xy/file")) << "prefixes count whole components only";
  EXPECT_TRUE(guard.check("y/x/file"));

  guard.add_symlink("usr/lib64");
  EXPECT_FALSE(guard.check("usr/lib64/libc.so"));
  EXPECT_TRUE(guard.check("usr/lib/libc.so"));
  EXPECT_TRUE(guard.check("."));
}

}  // namespace
}  // namespace wisp::io
