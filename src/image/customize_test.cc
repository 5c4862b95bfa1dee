#include "image/customize.h"

#include <gtest/gtest.h>

namespace wisp::image {
namespace {

struct Fixture {
  ContentStore store = std::move(ContentStore::create().value());
  Rootfs fs;
};

TEST(Customize, AccountsAppendToWhatPackagesWrote) {
  Fixture f;
  ASSERT_TRUE(f.fs.put_file("etc/passwd", "root:x:0:0:root:/root:/bin/sh", 0644, 0));
  ASSERT_TRUE(f.fs.put_file("etc/group", "root:x:0:\n", 0644, 0));
  build::Accounts accounts;
  accounts.groups.push_back({"nonroot", 65532, {}, {}});
  accounts.groups.push_back({"root", 99, {}, {}});  // already there: left alone
  build::User user;
  user.username = "nonroot";
  user.uid = 65532;
  user.homedir = "/home/nonroot";
  accounts.users.push_back(user);
  ASSERT_TRUE(apply_accounts(f.fs, f.store, accounts, 7));
  EXPECT_EQ(read_tree_file(f.fs, f.store, "etc/passwd").value(),
            "root:x:0:0:root:/root:/bin/sh\nnonroot:x:65532:65532:Account created by wisp:/home/nonroot:/bin/sh\n");
  EXPECT_EQ(read_tree_file(f.fs, f.store, "etc/group").value(), "root:x:0:\nnonroot:x:65532:\n");
  EXPECT_EQ(read_tree_file(f.fs, f.store, "etc/shadow").value(), "nonroot:!:::::::\n");
  const Node* home = f.fs.find("home/nonroot");
  ASSERT_NE(home, nullptr);
  EXPECT_EQ(home->mode, 0700u);
  EXPECT_EQ(home->uid, 65532u);
  EXPECT_EQ(f.fs.find("home")->mode, 0755u);

  EXPECT_EQ(resolve_run_as(f.fs, f.store, "nonroot").value(), "65532");
  EXPECT_EQ(resolve_run_as(f.fs, f.store, "nonroot:65532").value(), "65532:65532");
  EXPECT_EQ(resolve_run_as(f.fs, f.store, "1000").value(), "1000");
  auto missing = resolve_run_as(f.fs, f.store, "nobody");
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.error().message.find("run-as user 'nobody' is not in the image's /etc/passwd"),
            std::string::npos);
}

TEST(Customize, PathMutationsInOrder) {
  Fixture f;
  std::vector<build::PathMutation> paths(5);
  paths[0].path = "/app/data";
  paths[0].type = build::PathType::directory;
  paths[0].uid = 65532;
  paths[0].gid = 65532;
  paths[0].permissions = 0750;
  paths[1].path = "/app/data/empty";
  paths[1].type = build::PathType::empty_file;
  paths[2].path = "/app/link";
  paths[2].type = build::PathType::symlink;
  paths[2].source = "data/empty";
  paths[3].path = "/app/hard";
  paths[3].type = build::PathType::hardlink;
  paths[3].source = "/app/data/empty";
  paths[4].path = "/app";
  paths[4].type = build::PathType::permissions;
  paths[4].uid = 1;
  paths[4].recursive = true;
  ASSERT_TRUE(apply_paths(f.fs, paths, 5));
  EXPECT_EQ(f.fs.find("app/data")->mode, 0750u);
  EXPECT_EQ(f.fs.find("app/data/empty")->mode, 0644u);
  EXPECT_EQ(f.fs.find("app/data/empty")->uid, 1u);  // the recursive chown reached it
  EXPECT_EQ(f.fs.find("app/data/empty")->gid, 0u);
  EXPECT_EQ(f.fs.find("app/link")->link_target, "data/empty");
  EXPECT_EQ(f.fs.find("app/hard")->kind, NodeKind::hardlink);
  EXPECT_EQ(f.fs.find("app/hard")->link_target, "app/data/empty");

  std::vector<build::PathMutation> bad(1);
  bad[0].path = "/nope";
  bad[0].type = build::PathType::permissions;
  bad[0].loc = {"image.yaml", 3, 5};
  auto status = apply_paths(f.fs, bad, 0);
  ASSERT_FALSE(status);
  EXPECT_NE(status.error().message.find("image.yaml:3:5: paths entry '/nope' (permissions)"), std::string::npos)
      << status.error().message;
}

}  // namespace
}  // namespace wisp::image
