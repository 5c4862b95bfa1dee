// The tar reader and writer against GNU tar and real APK packages.
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <map>

#include "base/digest.h"
#include "base/encoding.h"
#include "base/file.h"
#include "base/strings.h"
#include "io/gzip.h"
#include "io/tar.h"

namespace wisp::io {
namespace {

namespace fs = std::filesystem;

/// Runs a shell command, returning its stdout; fails the test on a non-zero exit.
std::string run(const std::string& command) {
  std::string out;
  FILE* pipe = ::popen(command.c_str(), "r");
  if (!pipe) {
    ADD_FAILURE() << "popen failed: " << command;
    return out;
  }
  char buf[4096];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, pipe)) > 0) out.append(buf, n);
  int status = ::pclose(pipe);
  EXPECT_EQ(status, 0) << command;
  return out;
}

TarEntry entry(std::string path, TarType type, uint64_t size = 0) {
  TarEntry e;
  e.path = std::move(path);
  e.type = type;
  e.size = size;
  e.mode = type == TarType::directory ? 0755 : 0644;
  e.mtime = 1600000000;
  e.uname = "wisp";
  e.gname = "wisp";
  e.uid = 1000;
  e.gid = 1000;
  return e;
}

std::map<std::string, TarEntry> read_entries(std::string_view tar, std::map<std::string, std::string>* contents = nullptr) {
  std::map<std::string, TarEntry> out;
  TarReader reader(tar);
  for (;;) {
    auto next = reader.next();
    EXPECT_TRUE(next) << next.error().message;
    if (!next || !*next) break;
    if (contents) (*contents)[(*next)->path] = std::string(reader.content());
    out[(*next)->path] = std::move(**next);
  }
  return out;
}

TEST(TarInterop, GnuTarReadsOurArchives) {
  auto dir = TempDir::create("wisp-tar");
  ASSERT_TRUE(dir);
  std::string long_dir = std::string(120, 'd');
  std::string long_file = long_dir + "/" + std::string(179, 'f');  // 300 bytes
  std::string tar;
  StringSink sink(tar);
  TarWriter writer(sink);
  ASSERT_TRUE(writer.add(entry("top", TarType::directory)));
  ASSERT_TRUE(writer.add(entry("top/hello.txt", TarType::file, 6), "hello\n"));
  ASSERT_TRUE(writer.add(entry("top/empty", TarType::file)));
  TarEntry link = entry("top/link", TarType::symlink);
  link.link_target = "hello.txt";
  ASSERT_TRUE(writer.add(link));
  TarEntry hard = entry("top/hard", TarType::hardlink);
  hard.link_target = "top/hello.txt";
  ASSERT_TRUE(writer.add(hard));
  ASSERT_TRUE(writer.add(entry(long_dir, TarType::directory)));
  TarEntry big_ids = entry(long_file, TarType::file, 4);
  big_ids.uid = 3000000;
  big_ids.gid = 3000000;
  big_ids.pax["SCHILY.xattr.user.wisp"] = "x";
  ASSERT_TRUE(writer.add(big_ids, "long"));
  ASSERT_TRUE(writer.finish());
  fs::path archive = dir->path() / "ours.tar";
  ASSERT_TRUE(write_file_atomic(archive, tar));

  std::string listing = run(fmt::format("tar --numeric-owner -tvf {} 2>&1", archive.string()));
  auto lines = split(trim(listing), '\n');
  ASSERT_EQ(lines.size(), 7u) << listing;
  EXPECT_NE(lines[0].find("drwxr-xr-x 1000/1000"), std::string::npos) << lines[0];
  EXPECT_TRUE(lines[0].ends_with(" top/")) << lines[0];
  EXPECT_TRUE(lines[1].starts_with("-rw-r--r-- 1000/1000 ")) << lines[1];
  EXPECT_NE(lines[1].find(" 6 2020-09-13 "), std::string::npos) << lines[1];
  EXPECT_TRUE(lines[3].ends_with("top/link -> hello.txt")) << lines[3];
  EXPECT_TRUE(lines[4].ends_with("top/hard link to top/hello.txt")) << lines[4];
  EXPECT_NE(lines[6].find("3000000/3000000"), std::string::npos) << lines[6];
  EXPECT_TRUE(lines[6].ends_with(long_file)) << lines[6];

  fs::path out = dir->path() / "x";
  fs::create_directory(out);
  run(fmt::format("tar -xf {} -C {} 2>&1", archive.string(), out.string()));
  EXPECT_EQ(*read_file(out / "top/hello.txt"), "hello\n");
  EXPECT_EQ(*read_file(out / "top/hard"), "hello\n");
  EXPECT_EQ(fs::read_symlink(out / "top/link"), "hello.txt");
  EXPECT_EQ(*read_file(out / long_file), "long");
  EXPECT_EQ(fs::file_size(out / "top/empty"), 0u);
}

void make_tree(const fs::path& root, const std::string& long_dir, const std::string& long_file) {
  fs::create_directories(root / long_dir);
  ASSERT_TRUE(write_file_atomic(root / long_file, "content of a long file\n"));
  ASSERT_TRUE(write_file_atomic(root / "small", std::string(1000, 's')));
  fs::create_symlink(std::string(130, 't'), root / "dangling");
}

TEST(TarInterop, WeReadGnuTarFormats) {
  auto dir = TempDir::create("wisp-tar");
  ASSERT_TRUE(dir);
  fs::path root = dir->path() / "src";
  // 232 bytes: too long for ustar's name alone, fits prefix (141) + name (90).
  std::string long_dir = std::string(60, 'a') + "/" + std::string(80, 'b');
  std::string long_file = long_dir + "/" + std::string(90, 'c');
  make_tree(root, long_dir, long_file);
  for (std::string format : {"pax", "gnu", "ustar"}) {
    SCOPED_TRACE(format);
    fs::path archive = dir->path() / (format + ".tar");
    // ustar cannot hold the 130-byte link target: leave that member out there.
    run(fmt::format("tar --format={} --owner=0 --group=0 -C {} -cf {} small {} {} 2>&1", format,
                    root.string(), archive.string(), format == "ustar" ? "" : "dangling", long_dir));
    auto data = read_file(archive);
    ASSERT_TRUE(data);
    std::map<std::string, std::string> contents;
    auto entries = read_entries(*data, &contents);
    if (format != "ustar") {
      ASSERT_TRUE(entries.contains("dangling"));
      EXPECT_EQ(entries["dangling"].type, TarType::symlink);
      EXPECT_EQ(entries["dangling"].link_target, std::string(130, 't'));
    }
    ASSERT_TRUE(entries.contains(long_file));
    EXPECT_EQ(entries[long_file].type, TarType::file);
    EXPECT_EQ(contents[long_file], "content of a long file\n");
    ASSERT_TRUE(entries.contains(long_dir));
    EXPECT_EQ(entries[long_dir].type, TarType::directory);
    EXPECT_EQ(contents["small"], std::string(1000, 's'));
    EXPECT_EQ(entries["small"].uid, 0u);
    EXPECT_GT(entries["small"].mtime, 1500000000);
    // GNU tar's pax format adds fractional mtime/atime/ctime records to every member.
    EXPECT_EQ(entries["small"].pax.contains("atime"), format == "pax");
  }
}

TEST(TarInterop, RealApkMembers) {
  auto apk = read_file(std::string(WISP_TESTDATA) + "/apk/wolfi-packages/aarch64/hello-wolfi-2.12-r1.apk");
  ASSERT_TRUE(apk);
  auto members = gunzip_members(*apk);
  ASSERT_TRUE(members) << members.error().message;
  ASSERT_EQ(members->size(), 3u);

  // Signature and control tars are cut: no end marker.
  TarReaderOptions cut{.require_end_marker = false};
  TarReader sig((*members)[0].data, cut);
  auto first = sig.next();
  ASSERT_TRUE(first && *first) << (first ? "end" : first.error().message);
  EXPECT_TRUE((*first)->path.starts_with(".SIGN.RSA.")) << (*first)->path;
  EXPECT_EQ(sig.content().size(), 512u);
  auto end = sig.next();
  ASSERT_TRUE(end);
  EXPECT_FALSE(*end);
  TarReader strict((*members)[0].data);
  ASSERT_TRUE(strict.next());
  auto missing_marker = strict.next();
  ASSERT_FALSE(missing_marker);
  EXPECT_EQ(missing_marker.error().code, Errc::bad_format);

  TarReader control((*members)[1].data, cut);
  auto pkginfo = control.next();
  ASSERT_TRUE(pkginfo && *pkginfo);
  EXPECT_EQ((*pkginfo)->path, ".PKGINFO");
  EXPECT_TRUE(control.content().starts_with("# Generated by melange.\npkgname = hello-wolfi\n"));

  TarReader data((*members)[2].data);
  size_t files = 0, dirs = 0;
  for (;;) {
    auto next = data.next();
    ASSERT_TRUE(next) << next.error().message;
    if (!*next) break;
    const TarEntry& e = **next;
    if (e.type == TarType::directory) {
      ++dirs;
      EXPECT_FALSE(e.pax.contains("APK-TOOLS.checksum.SHA1")) << e.path;
      continue;
    }
    ASSERT_EQ(e.type, TarType::file) << e.path;
    ++files;
    ASSERT_TRUE(e.pax.contains("APK-TOOLS.checksum.SHA1")) << e.path;
    EXPECT_EQ(e.pax.at("APK-TOOLS.checksum.SHA1"), hex_encode(sha1(data.content()))) << e.path;
    EXPECT_EQ(data.content().size(), e.size);
  }
  EXPECT_EQ(files, 47u);
  EXPECT_GT(dirs, 40u);
  EXPECT_EQ(data.offset(), (*members)[2].data.size());

  // The joined stream is one tar too, as apk-tools reads it.
  std::string joined = (*members)[0].data + (*members)[1].data + (*members)[2].data;
  EXPECT_EQ(read_entries(joined).size(), 2 + files + dirs);
}

}  // namespace
}  // namespace wisp::io
