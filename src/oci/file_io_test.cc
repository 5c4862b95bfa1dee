#include "oci/file_io.h"

#include <gtest/gtest.h>

namespace wisp::oci {
namespace {

namespace fs = std::filesystem;

TEST(OciReplaceDir, BothMethodsSwapAndRemoveTheOld) {
  for (SwapMethod method : {SwapMethod::exchange, SwapMethod::rename_aside}) {
    auto tmp = TempDir::create("wisp-replace-dir").value();
    fs::path from = tmp.path() / ".new", to = tmp.path() / "dir";
    fs::create_directories(from / "sub");
    fs::create_directories(to / "old");
    write_file_atomic(from / "sub" / "f", "new").value();
    ASSERT_TRUE(replace_dir(from, to, method));
    EXPECT_EQ(read_file(to / "sub" / "f").value(), "new");
    EXPECT_FALSE(fs::exists(to / "old"));
    std::vector<std::string> left;
    for (const auto& e : fs::directory_iterator(tmp.path())) left.push_back(e.path().filename().string());
    EXPECT_EQ(left, std::vector<std::string>{"dir"});
  }
}

TEST(OciReplaceDir, FailureKeepsTheOldDirectory) {
  auto tmp = TempDir::create("wisp-replace-dir").value();
  fs::path to = tmp.path() / "dir";
  fs::create_directories(to / "old");
  auto st = replace_dir(tmp.path() / "missing", to, SwapMethod::rename_aside);
  ASSERT_FALSE(st);
  EXPECT_TRUE(fs::exists(to / "old")) << "put back after the failed rename";
  EXPECT_FALSE(replace_dir(tmp.path() / "missing", to, SwapMethod::exchange));
  EXPECT_TRUE(fs::exists(to / "old"));
}

TEST(OciReadChunks, StreamsTheWholeFile) {
  auto tmp = TempDir::create("wisp-read-chunks").value();
  std::string content((3 << 20) + 5, 'q');
  write_file_atomic(tmp.path() / "f", content).value();
  std::string seen;
  size_t calls = 0;
  ASSERT_TRUE(read_chunks(tmp.path() / "f", [&](std::string_view chunk) -> Status {
    seen += chunk;
    ++calls;
    return {};
  }));
  EXPECT_EQ(seen, content);
  EXPECT_EQ(calls, 4u);
  EXPECT_EQ(read_chunks(tmp.path() / "none", [](std::string_view) -> Status { return {}; }).error().code,
            Errc::not_found);
}

}  // namespace
}  // namespace wisp::oci
