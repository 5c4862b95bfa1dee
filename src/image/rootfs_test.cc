#include "image/rootfs.h"

#include <gtest/gtest.h>

#include <vector>

namespace wisp::image {
namespace {

Node dir() { return Node{}; }

Node symlink_to(std::string target) {
  Node n;
  n.kind = NodeKind::symlink;
  n.mode = 0777;
  n.link_target = std::move(target);
  return n;
}

std::vector<std::string> walk_paths(const Rootfs& fs) {
  std::vector<std::string> out;
  EXPECT_TRUE(fs.walk([&](const std::string& p, const Node&) -> Status {
    out.push_back(p);
    return {};
  }));
  return out;
}

TEST(Rootfs, WalkIsPreOrderByNameNotByFullPath) {
  Rootfs fs;
  ASSERT_TRUE(fs.make_dirs("etc/apk", dir()));
  ASSERT_TRUE(fs.put_file("etc/apk/arch", "x86_64\n", 0644, 0));
  ASSERT_TRUE(fs.put_file("etc/apk-tools", "", 0644, 0));
  ASSERT_TRUE(fs.put_file("etc/apko.json", "{}", 0444, 0));
  // "apk-tools" < "apk/arch" byte-wise, but a directory's children come right after it.
  EXPECT_EQ(walk_paths(fs), (std::vector<std::string>{"etc", "etc/apk", "etc/apk/arch", "etc/apk-tools",
                                                      "etc/apko.json"}));
  EXPECT_EQ(fs.size(), 5u);
}

TEST(Rootfs, ParentSymlinksAreFollowedInsideTheRoot) {
  Rootfs fs;
  ASSERT_TRUE(fs.make_dirs("usr/lib", dir()));
  ASSERT_TRUE(fs.put("lib", symlink_to("usr/lib")));
  ASSERT_TRUE(fs.put_file("lib/libz.so.1", "z", 0755, 0));
  ASSERT_NE(fs.find("usr/lib/libz.so.1"), nullptr);
  EXPECT_EQ(fs.find("lib")->kind, NodeKind::symlink);  // the last component is not followed
  auto slot = fs.slot("lib/libz.so.1");
  ASSERT_TRUE(slot);
  EXPECT_EQ(slot->path, "usr/lib/libz.so.1");

  // Absolute targets start at the image root and ".." stops there: nothing escapes.
  ASSERT_TRUE(fs.put("escape", symlink_to("../../../../usr")));
  ASSERT_TRUE(fs.put_file("escape/x", "", 0644, 0));
  EXPECT_NE(fs.find("usr/x"), nullptr);
  ASSERT_TRUE(fs.put("abs", symlink_to("/usr/lib")));
  EXPECT_NE(fs.find_following("abs/libz.so.1"), nullptr);
}

TEST(Rootfs, SymlinkLoopsAndFilesAsDirectoriesAreErrors) {
  Rootfs fs;
  ASSERT_TRUE(fs.put("a", symlink_to("b")));
  ASSERT_TRUE(fs.put("b", symlink_to("a")));
  auto loop = fs.put_file("a/x", "", 0644, 0);
  ASSERT_FALSE(loop);
  EXPECT_EQ(loop.error().code, Errc::unsafe_path);
  ASSERT_TRUE(fs.put_file("f", "", 0644, 0));
  auto through_file = fs.put_file("f/x", "", 0644, 0);
  ASSERT_FALSE(through_file);
  EXPECT_EQ(through_file.error().code, Errc::bad_format);
}

TEST(Rootfs, DirectoryReplacingDirectoryKeepsChildren) {
  Rootfs fs;
  ASSERT_TRUE(fs.put_file("opt/a", "", 0644, 0));
  Node d;
  d.mode = 0700;
  ASSERT_TRUE(fs.put("opt", std::move(d)));
  EXPECT_NE(fs.find("opt/a"), nullptr);
  EXPECT_EQ(fs.find("opt")->mode, 0700u);
  EXPECT_TRUE(fs.remove("opt"));
  EXPECT_EQ(fs.find("opt/a"), nullptr);
}

}  // namespace
}  // namespace wisp::image
