#include "pkg/repo/cache.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>

#include "base/digest.h"
#include "base/encoding.h"
#include "base/file.h"

namespace wisp::pkg::repo {

namespace fs = std::filesystem;

namespace {
size_t count_files(const fs::path& dir) {
  size_t n = 0;
  for (const auto& entry : fs::recursive_directory_iterator(dir))
    if (entry.is_regular_file()) ++n;
  return n;
}
}  // namespace

TEST(RepoCache, BlobsAreContentAddressedAndLeaveNoTempFiles) {
  auto dir = TempDir::create();
  ASSERT_TRUE(dir);
  Cache cache(dir->path() / "c");
  auto hex = cache.write_blob("hello");
  ASSERT_TRUE(hex) << hex.error().message;
  EXPECT_EQ(*hex, hex_encode(sha256("hello")));
  EXPECT_TRUE(fs::exists(dir->path() / "c" / "blobs" / "sha256" / *hex));
  auto again = cache.write_blob("hello");
  ASSERT_TRUE(again);
  EXPECT_EQ(*again, *hex);
  // Only the blob itself: the temp file was renamed, not copied.
  EXPECT_EQ(count_files(dir->path()), 1u);
  auto read = cache.read_blob(*hex);
  ASSERT_TRUE(read && *read);
  EXPECT_EQ(**read, "hello");
}

TEST(RepoCache, TornOrTamperedBlobIsAMissAndIsRemoved) {
  auto dir = TempDir::create();
  Cache cache(dir->path());
  auto hex = cache.write_blob("the whole content");
  ASSERT_TRUE(hex);
  // Simulate a torn write (no fsync in the cache): the file holds only a prefix.
  { std::ofstream(cache.blob_path(*hex), std::ios::trunc) << "the whole"; }
  auto read = cache.read_blob(*hex);
  ASSERT_TRUE(read);
  EXPECT_FALSE(read->has_value());
  EXPECT_FALSE(fs::exists(cache.blob_path(*hex)));
  // Writing it again repairs the entry.
  ASSERT_TRUE(cache.write_blob("the whole content"));
  auto repaired = cache.read_blob(*hex);
  ASSERT_TRUE(repaired && *repaired);
  EXPECT_EQ(**repaired, "the whole content");
}

TEST(RepoCache, BadBlobNamesAreRefused) {
  auto dir = TempDir::create();
  Cache cache(dir->path());
  for (std::string_view bad : {std::string_view(""), std::string_view("../../etc/passwd"),
                               std::string_view("abcdef"),
                               std::string_view("0123456789ABCDEF0123456789abcdef0123456789abcdef0123456789abcdef")}) {
    auto read = cache.read_blob(bad);
    ASSERT_FALSE(read) << bad;
    EXPECT_EQ(read.error().code, Errc::usage);
  }
}

TEST(RepoCache, UrlRecordsRoundTripAndReplace) {
  auto dir = TempDir::create();
  Cache cache(dir->path());
  const std::string url = "https://example.com/os/x86_64/APKINDEX.tar.gz";
  EXPECT_FALSE(cache.find_record(url));
  std::string hex = hex_encode(sha256("index"));
  ASSERT_TRUE(cache.write_record({url, "\"etag-1\"", hex, 1700000000}));
  auto record = cache.find_record(url);
  ASSERT_TRUE(record);
  EXPECT_EQ(record->url, url);
  EXPECT_EQ(record->etag, "\"etag-1\"");
  EXPECT_EQ(record->sha256, hex);
  EXPECT_EQ(record->fetched_at, 1700000000);
  ASSERT_TRUE(cache.write_record({url, "\"etag-2\"", hex, 1700000001}));
  EXPECT_EQ(cache.find_record(url)->etag, "\"etag-2\"");
  EXPECT_FALSE(cache.find_record(url + "x"));
  EXPECT_EQ(count_files(dir->path() / "urls"), 1u);
}

TEST(RepoCache, DamagedRecordsAreMisses) {
  auto dir = TempDir::create();
  Cache cache(dir->path());
  const std::string url = "https://example.com/x";
  std::string hex = hex_encode(sha256("x"));
  ASSERT_TRUE(cache.write_record({url, "", hex, 1}));
  const fs::path path = cache.record_path(url);
  const std::vector<std::string> texts = {
      "", "{", "[]", "{\"url\": 5, \"sha256\": \"\"}",
        "{\"url\": \"https://example.com/other\", \"sha256\": \"" + std::string(64, 'a') + "\"}",
      "{\"url\": \"https://example.com/x\", \"sha256\": \"../../x\"}"};
  for (const std::string& text : texts) {
    ASSERT_TRUE(write_file_atomic(path, text));
    EXPECT_FALSE(cache.find_record(url)) << text;
  }
}

TEST(RepoCache, DefaultDirFollowsXdg) {
  const char* old_xdg = std::getenv("XDG_CACHE_HOME");
  std::string saved = old_xdg ? old_xdg : "";
  ::setenv("XDG_CACHE_HOME", "/tmp/xdg-test", 1);
  auto dir = Cache::default_dir();
  ASSERT_TRUE(dir);
  EXPECT_EQ(*dir, fs::path("/tmp/xdg-test/wisp"));
  ::unsetenv("XDG_CACHE_HOME");
  auto home_dir = Cache::default_dir();
  if (const char* home = std::getenv("HOME"); home && *home) {
    ASSERT_TRUE(home_dir);
    EXPECT_EQ(*home_dir, fs::path(home) / ".cache" / "wisp");
  }
  if (old_xdg) ::setenv("XDG_CACHE_HOME", saved.c_str(), 1);
}

}  // namespace wisp::pkg::repo
