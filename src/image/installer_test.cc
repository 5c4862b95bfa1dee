#include "image/installer.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "base/file.h"
#include "image/apk_database.h"
#include "image/customize.h"

namespace wisp::image {
namespace {

const std::string k_repo = std::string(WISP_TESTDATA) + "/apk/apko-mini-repo/x86_64/";

ExtractedPackage extract(const std::string& file, ContentStore& store) {
  auto bytes = read_file(k_repo + file);
  EXPECT_TRUE(bytes) << file;
  auto pkg = extract_package(*bytes, store, nullptr, "");
  EXPECT_TRUE(pkg) << pkg.error().message;
  return std::move(*pkg);
}

// A package made on the spot: one file `path` with `content`.
std::string make_package(const std::string& name, const std::string& origin, const std::string& path,
                         const std::string& content, std::vector<std::string> replaces = {}) {
  auto dir = TempDir::create("wisp-installer-test");
  EXPECT_TRUE(dir);
  std::filesystem::path file = dir->path() / path;
  std::filesystem::create_directories(file.parent_path());
  std::ofstream(file) << content;
  pkg::apk::PackageInfo meta;
  meta.name = name;
  meta.version = "1.0-r0";
  meta.arch = "x86_64";
  meta.origin = origin;
  meta.replaces = std::move(replaces);
  pkg::apk::PackageWriteOptions options;
  options.source_date_epoch = 1700000000;
  auto bytes = pkg::apk::write_package(meta, dir->path(), options);
  EXPECT_TRUE(bytes) << bytes.error().message;
  return *bytes;
}

TEST(Installer, ReplacesLetsALaterPackageTakeAFileAndTheDatabaseFollows) {
  auto store = ContentStore::create();
  ASSERT_TRUE(store);
  Rootfs fs;
  Installer installer(fs);
  ASSERT_TRUE(installer.install(extract("pretend-baselayout-1.0.0-r0.apk", *store)));
  ASSERT_TRUE(installer.install(extract("replayout-1.0.0-r0.apk", *store)));
  const Node* os_release = fs.find("etc/os-release");
  ASSERT_NE(os_release, nullptr);
  EXPECT_EQ(os_release->owner, 1);
  EXPECT_EQ(os_release->size, 102u);
  // The tar's owner is kept (apko would force 0:0).
  EXPECT_EQ(os_release->uid, 501u);
  EXPECT_EQ(os_release->gid, 20u);
  auto text = read_tree_file(fs, *store, "etc/os-release");
  ASSERT_TRUE(text);
  EXPECT_EQ(text->size(), 102u);

  std::string db = format_installed_db(fs, installer.installed());
  size_t second = db.find("P:replayout");
  ASSERT_NE(second, std::string::npos);
  // Only replayout lists os-release now, with its ownership and checksum.
  EXPECT_EQ(db.find("R:os-release"), db.find("R:os-release", second));
  EXPECT_NE(db.find("R:os-release\na:501:20:644\nZ:Q1", second), std::string::npos) << db;
  EXPECT_TRUE(db.starts_with("C:Q1m6wB0UFePGN8Drz82pC8y2uAiu8=\nP:pretend-baselayout\nV:1.0.0-r0\n")) << db;
  EXPECT_NE(db.find("\nr:pretend-baselayout\n"), std::string::npos);
  EXPECT_NE(db.find("F:var/lib/db/sbom\nR:pretend-baselayout-1.0.0-r0.spdx.json\nZ:Q1"), std::string::npos) << db;
}

TEST(Installer, UnrelatedPackagesWritingOnePathConflict) {
  auto store = ContentStore::create();
  ASSERT_TRUE(store);
  Rootfs fs;
  Installer installer(fs);
  auto add = [&](const std::string& bytes) {
    auto pkg = extract_package(bytes, *store, nullptr, "");
    EXPECT_TRUE(pkg) << pkg.error().message;
    return installer.install(std::move(*pkg));
  };
  ASSERT_TRUE(add(make_package("one", "one", "etc/motd", "hello\n")));
  // Same content: fine. Same origin: fine. replaces: fine.
  ASSERT_TRUE(add(make_package("two", "two", "etc/motd", "hello\n")));
  ASSERT_TRUE(add(make_package("one-extra", "one", "etc/motd", "extra\n")));
  ASSERT_TRUE(add(make_package("four", "four", "etc/motd", "four\n", {"one-extra"})));
  auto status = add(make_package("five", "five", "etc/motd", "five\n"));
  ASSERT_FALSE(status);
  EXPECT_EQ(status.error().code, Errc::conflict);
  EXPECT_NE(status.error().message.find("'/etc/motd' is in both four-1.0-r0 (origin four) and five-1.0-r0"),
            std::string::npos)
      << status.error().message;
}

TEST(Installer, TheIndexChecksumMustMatch) {
  auto store = ContentStore::create();
  ASSERT_TRUE(store);
  auto bytes = read_file(k_repo + "replayout-1.0.0-r0.apk");
  ASSERT_TRUE(bytes);
  auto pkg = extract_package(*bytes, *store, nullptr, "Q1AAAAAAAAAAAAAAAAAAAAAAAAAAAA=");
  ASSERT_FALSE(pkg);
  EXPECT_EQ(pkg.error().code, Errc::digest_mismatch);
}

TEST(ApkDatabase, SkeletonAndFilesForAnApkSystem) {
  auto store = ContentStore::create();
  ASSERT_TRUE(store);
  Rootfs fs;
  ASSERT_TRUE(write_skeleton(fs, 42));
  Installer installer(fs);
  ASSERT_TRUE(installer.install(extract("pretend-baselayout-1.0.0-r0.apk", *store)));
  ApkDatabaseInput in;
  in.arch = "x86_64";
  in.world = {"pretend-baselayout=1.0.0-r0"};
  in.repositories = {"https://b.example/os", "https://a.example/os", "https://b.example/os"};
  in.keys = {{"melange.rsa.pub", "PEM"}};
  in.mtime = 42;
  ASSERT_TRUE(write_apk_database(fs, installer.installed(), in));
  EXPECT_EQ(fs.find("tmp")->mode, 01777u);
  EXPECT_EQ(fs.find("dev/null")->kind, NodeKind::chardev);
  EXPECT_EQ(fs.find("dev/null")->devminor, 3u);
  EXPECT_EQ(fs.find("lib/apk")->link_target, "../usr/lib/apk");
  EXPECT_EQ(read_tree_file(fs, *store, "etc/apk/arch").value(), "x86_64\n");
  EXPECT_EQ(read_tree_file(fs, *store, "etc/apk/repositories").value(),
            "https://b.example/os\nhttps://a.example/os\n");
  EXPECT_EQ(read_tree_file(fs, *store, "etc/apk/keys/melange.rsa.pub").value(), "PEM");
  EXPECT_EQ(read_tree_file(fs, *store, "lib/apk/db/installed").value(),
            format_installed_db(fs, installer.installed()));
  // No scripts in these packages: scripts.tar is an empty archive.
  EXPECT_EQ(read_tree_file(fs, *store, "usr/lib/apk/db/scripts.tar").value(), std::string(1024, '\0'));
  EXPECT_EQ(fs.find("etc/apk/world")->mtime, 42);
}

}  // namespace
}  // namespace wisp::image
