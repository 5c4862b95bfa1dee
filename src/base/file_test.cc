#include "base/file.h"

#include <gtest/gtest.h>

namespace wisp {

namespace fs = std::filesystem;

TEST(File, AtomicWriteAndRead) {
  auto dir = TempDir::create();
  ASSERT_TRUE(dir);
  auto path = dir->path() / "out.txt";
  ASSERT_TRUE(write_file_atomic(path, "hello", 0600));
  EXPECT_EQ(*read_file(path), "hello");
  EXPECT_EQ(fs::status(path).permissions() & fs::perms::all, fs::perms::owner_read | fs::perms::owner_write);
}

TEST(File, UncommittedFileLeavesNothing) {
  auto dir = TempDir::create();
  ASSERT_TRUE(dir);
  auto path = dir->path() / "partial";
  {
    auto file = AtomicFile::create(path);
    ASSERT_TRUE(file);
    ASSERT_TRUE(file->write("half"));
  }
  EXPECT_FALSE(fs::exists(path));
  EXPECT_TRUE(fs::is_empty(dir->path()));
}

TEST(File, RefusesToReplaceNonRegularFiles) {
  auto dir = TempDir::create();
  ASSERT_TRUE(dir);
  auto target = dir->path() / "subdir";
  fs::create_directory(target);
  auto file = AtomicFile::create(target);
  ASSERT_FALSE(file);
  EXPECT_EQ(file.error().code, Errc::usage);
  EXPECT_FALSE(write_file_atomic("/dev/null", "x"));
  EXPECT_TRUE(fs::is_character_file("/dev/null"));
}

TEST(File, ReadErrors) {
  auto missing = read_file("/nonexistent/wisp/file");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, Errc::not_found);
  auto dir = TempDir::create();
  ASSERT_TRUE(write_file_atomic(dir->path() / "big", std::string(100, 'x')));
  auto big = read_file(dir->path() / "big", 10);
  ASSERT_FALSE(big);
  EXPECT_EQ(big.error().code, Errc::too_large);
}

TEST(Result, ContextIsPrepended) {
  auto inner = []() -> Result<int> { return fail(Errc::bad_format, "bad byte at {}", 7); };
  auto outer = [&]() -> Result<int> {
    TRY_ASSIGN_CTX(int v, inner(), "reading {}", "x.apk");
    return v;
  };
  auto r = outer();
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message, "reading x.apk: bad byte at 7");
  EXPECT_EQ(r.error().code, Errc::bad_format);
}

}  // namespace wisp
