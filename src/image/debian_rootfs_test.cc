#include "image/debian_rootfs.h"

#include <gtest/gtest.h>

#include "image/customize.h"

namespace wisp::image {
namespace {

struct Fixture {
  ContentStore store = std::move(ContentStore::create().value());
  Rootfs fs;

  // A package file whose bytes live in the store, as the installer leaves them.
  void stored_file(std::string_view path, std::string_view bytes) {
    Node node;
    node.kind = NodeKind::file;
    node.mode = 0644;
    node.size = bytes.size();
    node.stored = store.add(bytes).value();
    node.owner = 0;
    ASSERT_TRUE(fs.put(path, std::move(node)));
  }
  std::string read(std::string_view path) {
    auto text = read_tree_file(fs, store, path);
    EXPECT_TRUE(text) << path;
    return text.value_or("");
  }
};

TEST(DebianRootfs, SkeletonHasDistrolessAccountsAndDirectories) {
  Fixture f;
  ASSERT_TRUE(write_debian_skeleton(f.fs, 1234));
  EXPECT_EQ(f.read("etc/passwd"),
            "root:x:0:0:root:/root:/sbin/nologin\n"
            "nobody:x:65534:65534:nobody:/nonexistent:/sbin/nologin\n"
            "nonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin\n");
  EXPECT_EQ(f.read("etc/group"), "root:x:0:\nnobody:x:65534:\ntty:x:5:\nstaff:x:50:\nnonroot:x:65532:\n");
  std::string nsswitch = f.read("etc/nsswitch.conf");
  EXPECT_NE(nsswitch.find("passwd:         files\n"), std::string::npos);
  EXPECT_NE(nsswitch.find("hosts:          files dns\n"), std::string::npos);

  EXPECT_EQ(f.fs.root().mode, 0755u);
  EXPECT_EQ(f.fs.root().mtime, 1234);
  const Node* tmp = f.fs.find("tmp");
  ASSERT_NE(tmp, nullptr);
  EXPECT_TRUE(tmp->is_dir());
  EXPECT_EQ(tmp->mode, 01777u);
  const Node* root_home = f.fs.find("root");
  ASSERT_NE(root_home, nullptr);
  EXPECT_EQ(root_home->mode, 0700u);
  const Node* home = f.fs.find("home/nonroot");
  ASSERT_NE(home, nullptr);
  EXPECT_EQ(home->mode, 0700u);
  EXPECT_EQ(home->uid, 65532u);
  EXPECT_EQ(home->gid, 65532u);
  EXPECT_EQ(f.fs.find("home")->mode, 0755u);
  EXPECT_EQ(f.fs.find("home")->uid, 0u);
  const Node* status = f.fs.find("var/lib/dpkg/status.d");
  ASSERT_NE(status, nullptr);
  EXPECT_TRUE(status->is_dir());

  // Nothing that a non-usr-merged base-files would collide with, and one mtime for all.
  for (const char* absent : {"bin", "lib", "sbin", "lib64", "usr", "var/lib/dpkg/status", "dev"})
    EXPECT_EQ(f.fs.find(absent), nullptr) << absent;
  ASSERT_TRUE(f.fs.walk([](const std::string& path, const Node& node) -> Status {
    EXPECT_EQ(node.mtime, 1234) << path;
    EXPECT_NE(node.kind, NodeKind::symlink) << path;
    return {};
  }));
}

TEST(DebianRootfs, StatusDHasControlAndMd5sumsPerPackageSorted) {
  Fixture f;
  ASSERT_TRUE(write_debian_skeleton(f.fs, 1));
  std::vector<DebMetadata> packages = {
      {"zlib1g", "Package: zlib1g\nVersion: 1:1.2.13\n", "abc  usr/lib/libz.so.1\n"},
      {"base-files", "Package: base-files\nVersion: 12.4", ""},  // no final newline: one is added
  };
  ASSERT_TRUE(finish_debian_rootfs(f.fs, f.store, packages, 99));
  EXPECT_EQ(f.read("var/lib/dpkg/status.d/zlib1g"), "Package: zlib1g\nVersion: 1:1.2.13\n");
  EXPECT_EQ(f.read("var/lib/dpkg/status.d/zlib1g.md5sums"), "abc  usr/lib/libz.so.1\n");
  EXPECT_EQ(f.read("var/lib/dpkg/status.d/base-files"), "Package: base-files\nVersion: 12.4\n");
  EXPECT_EQ(f.fs.find("var/lib/dpkg/status.d/base-files.md5sums"), nullptr);
  const Node* control = f.fs.find("var/lib/dpkg/status.d/zlib1g");
  EXPECT_EQ(control->mode, 0644u);
  EXPECT_EQ(control->mtime, 99);

  std::vector<std::string> names;
  const Node* dir = f.fs.find("var/lib/dpkg/status.d");
  for (const auto& [name, child] : dir->children) names.push_back(name);
  EXPECT_EQ(names, (std::vector<std::string>{"base-files", "zlib1g", "zlib1g.md5sums"}));
  EXPECT_EQ(f.fs.find("var/lib/dpkg/status"), nullptr);
  EXPECT_EQ(f.fs.find("var/lib/dpkg/info"), nullptr);
}

TEST(DebianRootfs, StatusDRefusesANameThatIsAPath) {
  Fixture f;
  auto bad = finish_debian_rootfs(f.fs, f.store, {{"../passwd", "Package: x\n", ""}}, 0);
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message.find("../passwd"), std::string::npos);
}

TEST(DebianRootfs, CaBundleConcatenatesCertificatesSortedByPath) {
  Fixture f;
  ASSERT_TRUE(write_debian_skeleton(f.fs, 1));
  f.stored_file("usr/share/ca-certificates/mozilla/B.crt", "B\n");
  f.stored_file("usr/share/ca-certificates/mozilla/A.crt", "A");  // no final newline
  f.stored_file("usr/share/ca-certificates/mozilla.crt", "M\n");  // '.' sorts before '/'
  f.stored_file("usr/share/ca-certificates/mozilla/README", "not a cert\n");
  f.stored_file("usr/share/doc/ca-certificates/x.crt", "outside\n");
  ASSERT_TRUE(f.fs.put_file("usr/share/ca-certificates/local/C.crt", "C\n", 0644, 0));
  ASSERT_TRUE(finish_debian_rootfs(f.fs, f.store, {}, 77));
  EXPECT_EQ(f.read("etc/ssl/certs/ca-certificates.crt"), "C\nM\nA\nB\n");
  const Node* bundle = f.fs.find("etc/ssl/certs/ca-certificates.crt");
  EXPECT_EQ(bundle->mode, 0644u);
  EXPECT_EQ(bundle->mtime, 77);
  EXPECT_EQ(f.fs.find("etc/ssl/certs")->mode, 0755u);
}

TEST(DebianRootfs, CaBundleKeepsThePackagesCertsDirectory) {
  Fixture f;
  Node certs;
  certs.mode = 0750;
  certs.mtime = 5;
  ASSERT_TRUE(f.fs.put("etc/ssl/certs", std::move(certs)));
  f.stored_file("usr/share/ca-certificates/x/a.crt", "a\n");
  ASSERT_TRUE(finish_debian_rootfs(f.fs, f.store, {}, 77));
  EXPECT_EQ(f.fs.find("etc/ssl/certs")->mode, 0750u);
  EXPECT_EQ(f.fs.find("etc/ssl/certs")->mtime, 5);
  EXPECT_EQ(f.read("etc/ssl/certs/ca-certificates.crt"), "a\n");
}

TEST(DebianRootfs, NoCertificatesNoBundle) {
  Fixture f;
  ASSERT_TRUE(write_debian_skeleton(f.fs, 1));
  f.stored_file("usr/share/ca-certificates/README", "x\n");
  ASSERT_TRUE(finish_debian_rootfs(f.fs, f.store, {}, 1));
  EXPECT_EQ(f.fs.find("etc/ssl/certs/ca-certificates.crt"), nullptr);
  EXPECT_EQ(f.fs.find("etc/ssl"), nullptr);
}

TEST(DebianRootfs, OsReleaseLinkedWhenOnlyUsrLibHasIt) {
  Fixture f;
  ASSERT_TRUE(write_debian_skeleton(f.fs, 1));
  f.stored_file("usr/lib/os-release", "ID=debian\nVERSION_ID=\"12\"\n");
  ASSERT_TRUE(finish_debian_rootfs(f.fs, f.store, {}, 3));
  const Node* link = f.fs.find("etc/os-release");
  ASSERT_NE(link, nullptr);
  EXPECT_EQ(link->kind, NodeKind::symlink);
  EXPECT_EQ(link->link_target, "../usr/lib/os-release");
  EXPECT_EQ(link->mtime, 3);
  EXPECT_EQ(f.read("etc/os-release"), "ID=debian\nVERSION_ID=\"12\"\n");
}

TEST(DebianRootfs, OsReleaseOfThePackageIsKept) {
  Fixture f;
  ASSERT_TRUE(write_debian_skeleton(f.fs, 1));
  f.stored_file("usr/lib/os-release", "ID=debian\n");
  f.stored_file("etc/os-release", "ID=other\n");
  ASSERT_TRUE(finish_debian_rootfs(f.fs, f.store, {}, 3));
  EXPECT_EQ(f.fs.find("etc/os-release")->kind, NodeKind::file);
  EXPECT_EQ(f.read("etc/os-release"), "ID=other\n");

  Fixture none;  // neither file: no dangling link
  ASSERT_TRUE(finish_debian_rootfs(none.fs, none.store, {}, 3));
  EXPECT_EQ(none.fs.find("etc/os-release"), nullptr);
}

}  // namespace
}  // namespace wisp::image
