#include "image/deb_packages.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <map>

#include "base/digest.h"
#include "base/encoding.h"
#include "base/file.h"
#include "image/customize.h"
#include "image/installer.h"
#include "io/sink.h"

namespace wisp::image {
namespace {

namespace fs = std::filesystem;

constexpr int64_t k_old = 1700000000;
constexpr int64_t k_new = 1700000500;

constexpr const char* k_hello_control =
    "Package: hello\n"
    "Source: hello-src (1.0-1)\n"
    "Version: 1.0-1\n"
    "Architecture: amd64\n"
    "Maintainer: Someone <someone@example.org>\n"
    "Installed-Size: 12\n"
    "Replaces: oldhello (<< 1.0), other, third\n"
    "Homepage: https://example.org/hello\n"
    "Description: says hello\n"
    " A longer text that is not\n"
    " part of the summary.\n";

constexpr const char* k_hello_md5sums = "0123456789abcdef0123456789abcdef  usr/bin/hello\n";

constexpr const char* k_data_control =
    "Package: hello-data\n"
    "Version: 2\n"
    "Architecture: all\n"
    "Maintainer: Someone <someone@example.org>\n"
    "Description: data for hello\n";

struct DebFile {
  std::string content;
  uint32_t mode = 0644;
};

/// Builds .debs with the real dpkg-deb (xz-compressed, root-owned, fixed mtimes).
struct Fixture {
  TempDir dir = std::move(*TempDir::create());

  static bool have_dpkg_deb() { return std::system("command -v dpkg-deb >/dev/null 2>&1") == 0; }

  fs::path build(const std::string& name, const std::string& control, const std::string& md5sums,
                 const std::map<std::string, DebFile>& files, const std::map<std::string, std::string>& symlinks,
                 const std::string& newest_file = "") {
    fs::path root = dir.path() / ("tree-" + name);
    fs::create_directories(root / "DEBIAN");
    EXPECT_TRUE(write_file_atomic(root / "DEBIAN/control", control));
    if (!md5sums.empty()) {
      EXPECT_TRUE(write_file_atomic(root / "DEBIAN/md5sums", md5sums));
    }
    for (const auto& [path, file] : files) {
      fs::create_directories((root / path).parent_path());
      EXPECT_TRUE(write_file_atomic(root / path, file.content, file.mode));
    }
    for (const auto& [path, target] : symlinks) {
      fs::create_directories((root / path).parent_path());
      fs::create_symlink(target, root / path);
    }
    fs::path deb = dir.path() / (name + ".deb");
    std::string script = fmt::format("find '{0}' -exec touch -h -d @{1} {{}} + && ", root.string(), k_old);
    if (!newest_file.empty()) script += fmt::format("touch -h -d @{} '{}' && ", k_new, (root / newest_file).string());
    script += fmt::format("env -u SOURCE_DATE_EPOCH dpkg-deb --root-owner-group -Zxz --build '{}' '{}' >/dev/null",
                          root.string(), deb.string());
    EXPECT_EQ(std::system(script.c_str()), 0) << script;
    return deb;
  }

  DebSource source(const fs::path& deb, const std::string& name) {
    std::string bytes = read_file(deb).value_or("");
    return DebSource{deb.string(), hex_encode(sha256(bytes)), bytes.size(), name};
  }

  std::unique_ptr<pkg::repo::Fetcher> fetcher(const std::string& cache = "cache") {
    pkg::repo::FetcherOptions options;
    options.cache_dir = dir.path() / cache;
    auto f = pkg::repo::Fetcher::create(options);
    EXPECT_TRUE(f);
    return std::move(*f);
  }

  std::vector<DebSource> two_packages() {
    fs::path hello = build("hello", k_hello_control, k_hello_md5sums,
                           {{"usr/bin/hello", {"#!/bin/sh\necho hello\n", 0755}},
                            {"usr/share/doc/hello/copyright", {"GPL\n", 0644}}},
                           {{"usr/bin/hi", "hello"}}, "usr/bin/hello");
    fs::path data = build("hello-data", k_data_control, "", {{"usr/share/hello/greeting", {"hi\n", 0644}}}, {});
    return {source(hello, "hello"), source(data, "hello-data")};
  }
};

std::string stored(const FetchedPackages& fetched, const PayloadEntry& entry) {
  std::string out;
  io::StringSink sink(out);
  EXPECT_TRUE(entry.stored.has_value());
  if (entry.stored) {
    EXPECT_TRUE(fetched.store.read(*entry.stored, sink));
  }
  return out;
}

const PayloadEntry* entry_at(const ExtractedPackage& package, std::string_view path) {
  for (const PayloadEntry& e : package.entries)
    if (e.file.path == path) return &e;
  return nullptr;
}

#define REQUIRE_DPKG_DEB() \
  if (!Fixture::have_dpkg_deb()) GTEST_SKIP() << "dpkg-deb is not installed"

TEST(DebPackages, EntriesAndMetadataOfRealDebs) {
  REQUIRE_DPKG_DEB();
  Fixture f;
  auto sources = f.two_packages();
  auto fetcher = f.fetcher();
  auto debs = fetch_debs(sources, *fetcher, 2);
  ASSERT_TRUE(debs) << debs.error().message;
  ASSERT_EQ(debs->packages.packages.size(), 2u);
  ASSERT_EQ(debs->metadata.size(), 2u);

  const ExtractedPackage& hello = debs->packages.packages[0];
  const pkg::apk::PackageInfo& info = hello.package.info;
  EXPECT_EQ(info.name, "hello");
  EXPECT_EQ(info.version, "1.0-1");
  EXPECT_EQ(info.arch, "amd64");
  EXPECT_EQ(info.description, "says hello");
  EXPECT_EQ(info.origin, "hello-src");
  EXPECT_EQ(info.replaces, (std::vector<std::string>{"oldhello", "other", "third"}));
  EXPECT_EQ(info.license, "");
  EXPECT_EQ(info.url, "https://example.org/hello");
  EXPECT_EQ(info.installed_size, 12u * 1024);
  EXPECT_EQ(info.file_size, sources[0].size);
  EXPECT_EQ(info.build_time, k_new);

  const PayloadEntry* binary = entry_at(hello, "usr/bin/hello");
  ASSERT_NE(binary, nullptr);
  EXPECT_EQ(binary->file.type, io::TarType::file);
  EXPECT_EQ(binary->file.mode, 0755u);
  EXPECT_EQ(binary->file.uid, 0u);
  EXPECT_EQ(binary->file.mtime, k_new);
  EXPECT_EQ(binary->file.size, 21u);
  EXPECT_EQ(stored(debs->packages, *binary), "#!/bin/sh\necho hello\n");
  EXPECT_TRUE(binary->file.sha1.empty());
  const PayloadEntry* link = entry_at(hello, "usr/bin/hi");
  ASSERT_NE(link, nullptr);
  EXPECT_EQ(link->file.type, io::TarType::symlink);
  EXPECT_EQ(link->file.link_target, "hello");
  EXPECT_FALSE(link->stored.has_value());
  const PayloadEntry* bin = entry_at(hello, "usr/bin");
  ASSERT_NE(bin, nullptr);
  EXPECT_EQ(bin->file.type, io::TarType::directory);
  EXPECT_EQ(bin->file.mtime, k_old);
  EXPECT_EQ(entry_at(hello, ""), nullptr);  // the tar's "./" is not an entry
  EXPECT_EQ(entry_at(hello, "DEBIAN/control"), nullptr);
  EXPECT_EQ(stored(debs->packages, *entry_at(hello, "usr/share/doc/hello/copyright")), "GPL\n");

  const ExtractedPackage& data = debs->packages.packages[1];
  EXPECT_EQ(data.package.info.name, "hello-data");
  EXPECT_EQ(data.package.info.origin, "hello-data");  // no Source: the package itself
  EXPECT_EQ(data.package.info.arch, "all");
  EXPECT_TRUE(data.package.info.replaces.empty());
  EXPECT_EQ(data.package.info.build_time, k_old);
  EXPECT_EQ(stored(debs->packages, *entry_at(data, "usr/share/hello/greeting")), "hi\n");

  EXPECT_EQ(debs->packages.newest_build_time, k_new);
  EXPECT_EQ(debs->metadata[0].name, "hello");
  EXPECT_EQ(debs->metadata[0].control, k_hello_control);
  EXPECT_EQ(debs->metadata[0].md5sums, k_hello_md5sums);
  EXPECT_EQ(debs->metadata[1].name, "hello-data");
  EXPECT_EQ(debs->metadata[1].control, k_data_control);
  EXPECT_EQ(debs->metadata[1].md5sums, "");
}

TEST(DebPackages, Sha256MismatchNamesThePackage) {
  REQUIRE_DPKG_DEB();
  Fixture f;
  auto sources = f.two_packages();
  const std::string real = sources[1].sha256;
  sources[1].sha256 = std::string(64, '0');
  auto fetcher = f.fetcher();
  auto debs = fetch_debs(sources, *fetcher, 2);
  ASSERT_FALSE(debs);
  EXPECT_EQ(debs.error().code, Errc::digest_mismatch);
  EXPECT_NE(debs.error().message.find("package hello-data"), std::string::npos) << debs.error().message;
  EXPECT_NE(debs.error().message.find(sources[1].location), std::string::npos) << debs.error().message;
  // Nothing was cached for the bad package, under either digest.
  EXPECT_FALSE(fetcher->cache().find_record("deb-data:" + sources[1].sha256));
  EXPECT_FALSE(fetcher->cache().find_record("deb-data:" + real));
}

TEST(DebPackages, NotADebNamesThePackage) {
  Fixture f;
  fs::path junk = f.dir.path() / "junk.deb";
  ASSERT_TRUE(write_file_atomic(junk, "not an ar archive"));
  auto fetcher = f.fetcher();
  auto debs = fetch_debs({f.source(junk, "junk")}, *fetcher, 1);
  ASSERT_FALSE(debs);
  EXPECT_NE(debs.error().message.find("package junk"), std::string::npos) << debs.error().message;
}

TEST(DebPackages, WarmRunReadsTheDecompressedCacheNotTheDebs) {
  REQUIRE_DPKG_DEB();
  Fixture f;
  auto sources = f.two_packages();
  auto cold = fetch_debs(sources, *f.fetcher(), 2);
  ASSERT_TRUE(cold) << cold.error().message;
  auto first = f.fetcher();
  for (const DebSource& s : sources) {
    EXPECT_TRUE(first->cache().find_record("deb-data:" + s.sha256)) << s.name;
    EXPECT_TRUE(first->cache().find_record("deb-control:" + s.sha256)) << s.name;
  }

  for (const DebSource& s : sources) fs::remove(s.location);
  auto warm = fetch_debs(sources, *f.fetcher(), 2);
  ASSERT_TRUE(warm) << warm.error().message;
  ASSERT_EQ(warm->packages.packages.size(), 2u);
  for (size_t i = 0; i < 2; ++i) {
    const auto& a = cold->packages.packages[i];
    const auto& b = warm->packages.packages[i];
    EXPECT_EQ(a.package.info.name, b.package.info.name);
    EXPECT_EQ(a.package.info.build_time, b.package.info.build_time);
    EXPECT_EQ(a.package.info.replaces, b.package.info.replaces);
    ASSERT_EQ(a.entries.size(), b.entries.size());
    for (size_t e = 0; e < a.entries.size(); ++e) {
      EXPECT_EQ(a.entries[e].file.path, b.entries[e].file.path);
      EXPECT_EQ(a.entries[e].file.mode, b.entries[e].file.mode);
      if (a.entries[e].stored) {
        EXPECT_EQ(stored(cold->packages, a.entries[e]), stored(warm->packages, b.entries[e]));
      }
    }
    EXPECT_EQ(cold->metadata[i].control, warm->metadata[i].control);
    EXPECT_EQ(cold->metadata[i].md5sums, warm->metadata[i].md5sums);
  }

  // Without that cache the deleted files are really gone.
  auto elsewhere = fetch_debs(sources, *f.fetcher("other-cache"), 2);
  ASSERT_FALSE(elsewhere);
  EXPECT_EQ(elsewhere.error().code, Errc::not_found);
}

TEST(DebPackages, DamagedCacheFallsBackToTheDeb) {
  REQUIRE_DPKG_DEB();
  Fixture f;
  auto sources = f.two_packages();
  auto fetcher = f.fetcher();
  ASSERT_TRUE(fetch_debs(sources, *fetcher, 2));
  auto record = fetcher->cache().find_record("deb-data:" + sources[0].sha256);
  ASSERT_TRUE(record);
  ASSERT_TRUE(write_file_atomic(fetcher->cache().blob_path(record->sha256), "torn"));
  auto again = fetch_debs(sources, *fetcher, 2);
  ASSERT_TRUE(again) << again.error().message;
  EXPECT_EQ(stored(again->packages, *entry_at(again->packages.packages[0], "usr/bin/hello")),
            "#!/bin/sh\necho hello\n");
}

TEST(DebPackages, InstalledOnTheDebianSkeleton) {
  REQUIRE_DPKG_DEB();
  Fixture f;
  auto sources = f.two_packages();
  fs::path certs = f.build("ca-certificates",
                           "Package: ca-certificates\nVersion: 1\nArchitecture: all\nMaintainer: x\nDescription: CAs\n",
                           "", {{"usr/share/ca-certificates/mozilla/B.crt", {"B\n", 0644}},
                                {"usr/share/ca-certificates/mozilla/A.crt", {"A\n", 0644}},
                                {"etc/ssl/certs/.keep", {"", 0644}}},
                           {});
  sources.push_back(f.source(certs, "ca-certificates"));
  auto debs = fetch_debs(sources, *f.fetcher(), 2);
  ASSERT_TRUE(debs) << debs.error().message;

  Rootfs fs;
  ASSERT_TRUE(write_debian_skeleton(fs, 5));
  Installer installer(fs);
  for (ExtractedPackage& p : debs->packages.packages) {
    auto installed = installer.install(std::move(p));
    ASSERT_TRUE(installed) << installed.error().message;
  }
  ASSERT_TRUE(finish_debian_rootfs(fs, debs->packages.store, debs->metadata, 5));
  const ContentStore& store = debs->packages.store;
  EXPECT_EQ(read_tree_file(fs, store, "usr/bin/hello").value_or(""), "#!/bin/sh\necho hello\n");
  EXPECT_EQ(read_tree_file(fs, store, "usr/bin/hi").value_or(""), "#!/bin/sh\necho hello\n");
  EXPECT_EQ(fs.find("usr/bin/hello")->owner, 0);
  EXPECT_EQ(read_tree_file(fs, store, "etc/ssl/certs/ca-certificates.crt").value_or(""), "A\nB\n");
  EXPECT_EQ(read_tree_file(fs, store, "var/lib/dpkg/status.d/hello").value_or(""), k_hello_control);
  EXPECT_EQ(read_tree_file(fs, store, "var/lib/dpkg/status.d/hello.md5sums").value_or(""), k_hello_md5sums);
  EXPECT_NE(fs.find("var/lib/dpkg/status.d/ca-certificates"), nullptr);
  EXPECT_EQ(fs.find("var/lib/dpkg/status.d/ca-certificates.md5sums"), nullptr);
  EXPECT_EQ(fs.find("tmp")->mode, 01777u);
  EXPECT_EQ(installer.installed()[0].package.info.name, "hello");
}

}  // namespace
}  // namespace wisp::image
