#include <gtest/gtest.h>

#include "base/file.h"
#include "build/image_config.h"

namespace wisp::build {
namespace {

namespace fs = std::filesystem;

void write(const fs::path& path, std::string_view text) {
  fs::create_directories(path.parent_path());
  ASSERT_TRUE(write_file_atomic(path, text));
}

}  // namespace

TEST(ImageConfigLoad, ChecksumIsSha256OfTheFileBytes) {
  auto dir = TempDir::create("wisp-cfg");
  ASSERT_TRUE(dir);
  fs::path file = dir->path() / "image.yaml";
  // Expected value computed outside wisp: printf ... | sha256sum | xxd -r -p | base64.
  write(file, "contents:\n  packages: [busybox]\narchs: [x86_64]\n");
  auto config = load_image_config(file);
  ASSERT_TRUE(config) << config.error().message;
  EXPECT_EQ(config->config_checksum, "sha256-PZtu8ELzBehKntMi0Q+xHWLcOup9+59DKvwcIksQca4=");
  EXPECT_EQ(config->config_file, file.string());
  // Stable across loads; any byte change changes it (even one that parses the same).
  EXPECT_EQ(load_image_config(file)->config_checksum, config->config_checksum);
  write(file, "contents:\n  packages: [busybox]\narchs: [x86_64]  \n");
  auto changed = load_image_config(file);
  ASSERT_TRUE(changed);
  EXPECT_TRUE(changed->same_config(*config));
  EXPECT_NE(changed->config_checksum, config->config_checksum);
}

TEST(ImageConfigLoad, IncludeMergesBaseUnderneath) {
  auto dir = TempDir::create("wisp-cfg");
  ASSERT_TRUE(dir);
  write(dir->path() / "base" / "base.yaml", R"(contents:
  repositories: [https://base.example/os/]
  keyring: [base.rsa.pub]
  packages: [base-pkg, shared]
entrypoint: {command: /bin/base}
cmd: base-cmd
work-dir: /base
stop-signal: SIGINT
accounts:
  users: [{username: baseuser, uid: 100}]
  groups: [{groupname: basegroup, gid: 100}]
  run-as: baseuser
archs: [aarch64]
environment: {A: base, B: base}
annotations: {x: base, y: base}
paths: [{path: /base, type: directory, permissions: 0o755}]
volumes: [/vbase]
vcs-url: https://base.example/repo@1
layering: {strategy: origin, budget: 3}
format: tar
)");
  write(dir->path() / "image.yaml", R"(include: base/base.yaml
contents:
  repositories: [https://child.example/os]
  packages: [child-pkg, shared]
cmd: child-cmd
accounts:
  users: [{username: childuser, uid: 200}]
environment: {B: child, C: child}
annotations: {y: child}
paths: [{path: /child, type: empty-file, permissions: 0o644}]
volumes: [/vchild]
)");
  auto c = load_image_config(dir->path() / "image.yaml");
  ASSERT_TRUE(c) << c.error().message;
  // Lists: base first.
  EXPECT_EQ(c->contents.repositories,
            (std::vector<std::string>{"https://base.example/os", "https://child.example/os"}));
  EXPECT_EQ(c->contents.packages,
            (std::vector<std::string>{"base-pkg", "shared", "child-pkg", "shared"}));
  EXPECT_EQ(c->contents.keyring, std::vector<std::string>{"base.rsa.pub"});
  ASSERT_EQ(c->accounts.users.size(), 2u);
  EXPECT_EQ(c->accounts.users[0].username, "baseuser");
  EXPECT_EQ(c->accounts.users[0].loc.file, (dir->path() / "base" / "base.yaml").string());
  EXPECT_EQ(c->accounts.users[1].username, "childuser");
  EXPECT_EQ(c->accounts.groups.size(), 1u);
  ASSERT_EQ(c->paths.size(), 2u);
  EXPECT_EQ(c->paths[0].path, "/base");
  EXPECT_EQ(c->paths[1].path, "/child");
  EXPECT_EQ(c->volumes, (std::vector<std::string>{"/vbase", "/vchild"}));
  // Scalars: the child wins where set, the base fills the rest.
  EXPECT_EQ(c->cmd, "child-cmd");
  EXPECT_EQ(c->work_dir, "/base");
  EXPECT_EQ(c->stop_signal, "SIGINT");
  EXPECT_EQ(c->entrypoint.command, "/bin/base");
  EXPECT_EQ(c->accounts.run_as, "baseuser");
  EXPECT_EQ(c->archs, std::vector<std::string>{"aarch64"});
  ASSERT_TRUE(c->layering);
  EXPECT_EQ(c->layering->budget, 3);
  EXPECT_EQ(c->format, "tar");
  EXPECT_EQ(c->vcs_url, "");  // apko's MergeInto does not carry vcs-url over
  // Maps: merged, the child wins.
  EXPECT_EQ(c->environment,
            (std::map<std::string, std::string>{{"A", "base"}, {"B", "child"}, {"C", "child"}}));
  EXPECT_EQ(c->annotations, (std::map<std::string, std::string>{{"x", "base"}, {"y", "child"}}));
  EXPECT_EQ(c->include, "base/base.yaml");
}

TEST(ImageConfigLoad, ChecksumCoversIncludesInApkoOrder) {
  auto dir = TempDir::create("wisp-cfg");
  ASSERT_TRUE(dir);
  write(dir->path() / "image.yaml", "include: base.yaml\ncmd: child\nstop-signal: SIGINT\n");
  write(dir->path() / "base.yaml", "cmd: base\nwork-dir: /b\n");
  auto c = load_image_config(dir->path() / "image.yaml");
  ASSERT_TRUE(c) << c.error().message;
  // sha256(child bytes || base bytes), computed with sha256sum.
  EXPECT_EQ(c->config_checksum, "sha256-FdzpAQ4hssRYvaN7AVV+60H+Zx/6wN1C0azpxZ9jVQI=");
  EXPECT_EQ(c->cmd, "child");
  EXPECT_EQ(c->work_dir, "/b");
}

TEST(ImageConfigLoad, IncludePathsAreSearched) {
  auto dir = TempDir::create("wisp-cfg");
  ASSERT_TRUE(dir);
  write(dir->path() / "shared" / "common.yaml", "environment: {FROM: shared}\n");
  write(dir->path() / "app" / "image.yaml", "include: common.yaml\n");
  auto missing = load_image_config(dir->path() / "app" / "image.yaml");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, Errc::not_found);
  EXPECT_NE(missing.error().message.find("image.yaml:1:10: include 'common.yaml' not found"),
            std::string::npos)
      << missing.error().message;

  LoadOptions options;
  options.include_paths = {dir->path() / "shared"};
  auto found = load_image_config(dir->path() / "app" / "image.yaml", options);
  ASSERT_TRUE(found) << found.error().message;
  EXPECT_EQ(found->environment.at("FROM"), "shared");
}

TEST(ImageConfigLoad, IncludeCyclesAreReported) {
  auto dir = TempDir::create("wisp-cfg");
  ASSERT_TRUE(dir);
  write(dir->path() / "a.yaml", "include: b.yaml\n");
  write(dir->path() / "b.yaml", "include: ./a.yaml\n");
  auto c = load_image_config(dir->path() / "a.yaml");
  ASSERT_FALSE(c);
  EXPECT_EQ(c.error().code, Errc::usage);
  EXPECT_TRUE(c.error().message.starts_with("include cycle: ")) << c.error().message;
  EXPECT_NE(c.error().message.find("a.yaml -> "), std::string::npos) << c.error().message;

  write(dir->path() / "self.yaml", "include: self.yaml\n");
  auto self = load_image_config(dir->path() / "self.yaml");
  ASSERT_FALSE(self);
  EXPECT_TRUE(self.error().message.starts_with("include cycle: ")) << self.error().message;
}

TEST(ImageConfigLoad, ErrorsInIncludedFilesNameThem) {
  auto dir = TempDir::create("wisp-cfg");
  ASSERT_TRUE(dir);
  write(dir->path() / "image.yaml", "cmd: x\ninclude: base.yaml\n");
  write(dir->path() / "base.yaml", "contents:\n  pakages: [x]\n");
  auto c = load_image_config(dir->path() / "image.yaml");
  ASSERT_FALSE(c);
  EXPECT_EQ(c.error().code, Errc::bad_format);
  EXPECT_NE(c.error().message.find("image.yaml:2:10"), std::string::npos) << c.error().message;
  EXPECT_NE(c.error().message.find("base.yaml:2:3: unknown key 'pakages' in 'contents'"),
            std::string::npos)
      << c.error().message;

  // Validation runs on the merged result: a uid-0 user from the base is caught, with its place.
  write(dir->path() / "base.yaml", "accounts:\n  users: [{username: r, uid: 0}]\n");
  c = load_image_config(dir->path() / "image.yaml");
  ASSERT_FALSE(c);
  EXPECT_NE(c.error().message.find("base.yaml:2:11: user 'r' has uid 0"), std::string::npos)
      << c.error().message;

  auto none = load_image_config(dir->path() / "nope.yaml");
  ASSERT_FALSE(none);
  EXPECT_EQ(none.error().code, Errc::not_found);
}

}  // namespace wisp::build
