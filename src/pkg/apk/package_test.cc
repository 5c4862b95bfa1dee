#include "pkg/apk/package.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>

#include "base/digest.h"
#include "base/encoding.h"
#include "base/file.h"
#include "base/strings.h"
#include "io/gzip.h"
#include "io/sink.h"
#include "io/tar.h"

namespace wisp::pkg::apk {
namespace {

namespace fs = std::filesystem;

const std::string k_testdata = std::string(WISP_TESTDATA) + "/apk";

Keyring keyring_of(const fs::path& key_file) {
  Keyring keyring;
  auto added = keyring.add_path(key_file);
  EXPECT_TRUE(added) << added.error().message;
  return keyring;
}

/// name -> C: from an APKINDEX.tar.gz, parsed by hand so this test does not depend on index.cc.
std::map<std::string, std::string> index_checksums(const fs::path& path) {
  std::map<std::string, std::string> out;
  auto bytes = read_file(path);
  EXPECT_TRUE(bytes);
  auto members = io::gunzip_members(*bytes);
  EXPECT_TRUE(members);
  io::TarReader reader(members->back().data);
  for (;;) {
    auto entry = reader.next();
    EXPECT_TRUE(entry) << entry.error().message;
    if (!entry || !*entry) break;
    if ((*entry)->path != "APKINDEX") continue;
    std::string checksum;
    for (auto line : split(reader.content(), '\n')) {
      if (line.starts_with("C:")) checksum = std::string(line.substr(2));
      if (line.starts_with("P:")) out[std::string(line.substr(2))] = checksum;
    }
  }
  return out;
}

TEST(PackageRead, ApkoMiniRepoVerifiesAndMatchesIndex) {
  const fs::path repo = k_testdata + "/apko-mini-repo";
  Keyring keyring = keyring_of(repo / "melange.rsa.pub");
  PackageReadOptions options;
  options.keyring = &keyring;
  int seen = 0;
  for (const char* arch : {"x86_64", "aarch64"}) {
    auto checksums = index_checksums(repo / arch / "APKINDEX.tar.gz");
    ASSERT_EQ(checksums.size(), 4u);
    for (const auto& entry : fs::directory_iterator(repo / arch)) {
      if (entry.path().extension() != ".apk") continue;
      SCOPED_TRACE(entry.path().string());
      auto pkg = load_package(entry.path(), options);
      ASSERT_TRUE(pkg) << pkg.error().message;
      EXPECT_EQ(pkg->signed_key, "melange.rsa.pub");
      ASSERT_EQ(pkg->signatures.size(), 1u);
      EXPECT_EQ(pkg->signatures[0].alg, SignAlg::rsa_sha256);
      EXPECT_EQ(pkg->info.arch, arch);
      EXPECT_EQ(checksums.at(pkg->info.name), pkg->info.checksum);
      // The same through index.h, which also gives S: (the .apk size) and the other fields.
      auto index = load_index(repo / arch / "APKINDEX.tar.gz", IndexReadOptions{&keyring});
      ASSERT_TRUE(index) << index.error().message;
      auto entry_it = std::find_if(index->packages.begin(), index->packages.end(),
                                   [&](const PackageInfo& p) { return p.name == pkg->info.name; });
      ASSERT_NE(entry_it, index->packages.end());
      EXPECT_EQ(entry_it->checksum, pkg->info.checksum);
      EXPECT_EQ(entry_it->file_size, pkg->info.file_size);
      EXPECT_EQ(entry_it->installed_size, pkg->info.installed_size);
      EXPECT_EQ(entry_it->version, pkg->info.version);
      EXPECT_EQ(entry_it->depends, pkg->info.depends);
      EXPECT_EQ(entry_it->provides, pkg->info.provides);
      EXPECT_FALSE(pkg->info.datahash.empty());
      EXPECT_EQ(pkg->info.datahash, hex_encode(pkg->data_sha256));
      EXPECT_EQ(pkg->info.file_size, fs::file_size(entry.path()));
      EXPECT_FALSE(pkg->files.empty());
      EXPECT_EQ(pkg->signature.offset, 0u);
      EXPECT_EQ(pkg->signature.size, pkg->control.offset);
      EXPECT_EQ(pkg->control.offset + pkg->control.size, pkg->data.offset);
      EXPECT_EQ(pkg->data.offset + pkg->data.size, pkg->info.file_size);
      for (const auto& f : pkg->files) {
        if (f.type == io::TarType::file || f.type == io::TarType::symlink) {
          EXPECT_TRUE(f.has_checksum_record) << f.path;
          EXPECT_EQ(f.sha1.size(), 20u);
        }
      }
      ++seen;
    }
  }
  EXPECT_EQ(seen, 8);
}

TEST(PackageRead, WolfiPackageSignedWithSha1) {
  const fs::path dir = k_testdata + "/wolfi-packages";
  Keyring keyring = keyring_of(dir / "wolfi-signing.rsa.pub");
  PackageReadOptions options;
  options.keyring = &keyring;
  auto pkg = load_package(dir / "aarch64/hello-wolfi-2.12-r1.apk", options);
  ASSERT_TRUE(pkg) << pkg.error().message;
  EXPECT_EQ(pkg->info.name, "hello-wolfi");
  EXPECT_EQ(pkg->info.version, "2.12-r1");
  EXPECT_EQ(pkg->signed_key, "wolfi-signing.rsa.pub");
  ASSERT_EQ(pkg->signatures.size(), 1u);
  EXPECT_EQ(pkg->signatures[0].alg, SignAlg::rsa_sha1);
  EXPECT_TRUE(pkg->info.checksum.starts_with("Q1"));
  bool found = false;
  for (const auto& f : pkg->files) {
    if (f.path != "usr/bin/hello") continue;
    found = true;
    EXPECT_EQ(f.type, io::TarType::file);
    EXPECT_TRUE(f.has_checksum_record);
    EXPECT_GT(f.size, 0u);
  }
  EXPECT_TRUE(found);

  // The content streamed later is the content that was verified.
  auto bytes = read_file(dir / "aarch64/hello-wolfi-2.12-r1.apk");
  ASSERT_TRUE(bytes);
  size_t calls = 0;
  auto streamed = for_each_data_entry(*bytes, *pkg, [&](const PackageFile& f, std::string_view content) -> Status {
    ++calls;
    if (f.type == io::TarType::file) {
      EXPECT_EQ(sha1(content), f.sha1) << f.path;
    }
    return {};
  });
  ASSERT_TRUE(streamed) << streamed.error().message;
  EXPECT_EQ(calls, pkg->files.size());
}

TEST(PackageRead, WrongKeyIsRefused) {
  Keyring keyring = keyring_of(k_testdata + "/wolfi-packages/wolfi-signing.rsa.pub");
  PackageReadOptions options;
  options.keyring = &keyring;
  auto pkg = load_package(k_testdata + "/apko-mini-repo/x86_64/pretend-baselayout-1.0.0-r0.apk", options);
  ASSERT_FALSE(pkg);
  EXPECT_EQ(pkg.error().code, Errc::bad_signature);
  EXPECT_NE(pkg.error().message.find("pretend-baselayout-1.0.0-r0.apk"), std::string::npos);
  EXPECT_NE(pkg.error().message.find("melange.rsa.pub"), std::string::npos) << pkg.error().message;

  // Without a keyring the hashes are still checked and the package reads.
  options.keyring = nullptr;
  pkg = load_package(k_testdata + "/apko-mini-repo/x86_64/pretend-baselayout-1.0.0-r0.apk", options);
  ASSERT_TRUE(pkg) << pkg.error().message;
  EXPECT_TRUE(pkg->signed_key.empty());
}

TEST(PackageRead, MissingFileNamesIt) {
  auto pkg = load_package("/nonexistent/x.apk", {});
  ASSERT_FALSE(pkg);
  EXPECT_EQ(pkg.error().code, Errc::not_found);
  EXPECT_NE(pkg.error().message.find("x.apk"), std::string::npos);
}

// --- writer ---------------------------------------------------------------------------------

void write_text(const fs::path& path, std::string_view text) {
  fs::create_directories(path.parent_path());
  std::ofstream(path, std::ios::binary) << text;
}

struct Fixture {
  TempDir tmp = std::move(*TempDir::create("wisp-pkg-test"));
  fs::path root = tmp.path() / "root";
  PrivateKey key = std::move(*PrivateKey::generate("test.rsa.pub", 2048));
  PackageInfo meta;
  PackageWriteOptions options;

  Fixture() {
    write_text(root / "usr/bin/hello", "#!/bin/sh\necho hello\n");
    fs::permissions(root / "usr/bin/hello", fs::perms(0755));
    write_text(root / "usr/share/doc/hello/README", "read me\n");
    write_text(root / "etc/hello.conf", "greeting = hi\n");
    fs::create_directories(root / "var/empty");
    fs::create_symlink("hello", root / "usr/bin/hi");
    fs::create_symlink("/etc/hello.conf", root / "usr/share/doc/hello/conf");
    fs::create_hard_link(root / "usr/bin/hello", root / "usr/bin/hello-again");
    meta.name = "hello";
    meta.version = "1.2.3-r4";
    meta.arch = "x86_64";
    meta.description = "a test package";
    meta.url = "https://example.org/hello";
    meta.license = "MIT";
    meta.origin = "hello-src";
    meta.depends = {"so:libc.so.6", "busybox>=1.36"};
    meta.provides = {"cmd:hello=1.2.3-r4", "hello-virtual"};
    meta.replaces = {"hello-old"};
    meta.install_if = {"hello-base=1.2.3-r4", "docs"};
    meta.triggers = {"/usr/share/hello/*"};
    meta.provider_priority = 42;
    meta.replaces_priority = 3;
    options.key = &key;
    options.source_date_epoch = 1700000000;
    options.scripts[".post-install"] = "#!/bin/sh\necho installed\n";
    options.scripts[".trigger"] = "#!/bin/sh\nexit 0\n";
  }

  Keyring keyring() const {
    Keyring k;
    k.add(key.public_key());
    return k;
  }
};

TEST(PackageWrite, RoundTrip) {
  Fixture fx;
  auto bytes = write_package(fx.meta, fx.root, fx.options);
  ASSERT_TRUE(bytes) << bytes.error().message;
  auto members = io::gunzip_members(*bytes);
  ASSERT_TRUE(members);
  EXPECT_EQ(members->size(), 3u);

  Keyring keyring = fx.keyring();
  PackageReadOptions read_options;
  read_options.keyring = &keyring;
  auto pkg = read_package(*bytes, read_options);
  ASSERT_TRUE(pkg) << pkg.error().message;
  EXPECT_EQ(pkg->signed_key, "test.rsa.pub");
  ASSERT_EQ(pkg->signatures.size(), 1u);
  EXPECT_EQ(pkg->signatures[0].alg, SignAlg::rsa_sha256);

  const PackageInfo& info = pkg->info;
  EXPECT_EQ(info.name, fx.meta.name);
  EXPECT_EQ(info.version, fx.meta.version);
  EXPECT_EQ(info.arch, fx.meta.arch);
  EXPECT_EQ(info.description, fx.meta.description);
  EXPECT_EQ(info.url, fx.meta.url);
  EXPECT_EQ(info.license, fx.meta.license);
  EXPECT_EQ(info.origin, fx.meta.origin);
  EXPECT_EQ(info.depends, fx.meta.depends);
  EXPECT_EQ(info.provides, fx.meta.provides);
  EXPECT_EQ(info.replaces, fx.meta.replaces);
  EXPECT_EQ(info.install_if, fx.meta.install_if);
  EXPECT_EQ(info.triggers, fx.meta.triggers);
  EXPECT_EQ(info.provider_priority, fx.meta.provider_priority);
  EXPECT_EQ(info.replaces_priority, fx.meta.replaces_priority);
  EXPECT_EQ(info.build_time, std::optional<int64_t>(1700000000));
  const uint64_t hello_size = std::string_view("#!/bin/sh\necho hello\n").size();
  EXPECT_EQ(info.installed_size,
            hello_size + std::string_view("read me\n").size() + std::string_view("greeting = hi\n").size());
  EXPECT_EQ(info.datahash, hex_encode(pkg->data_sha256));
  EXPECT_EQ(info.checksum, "Q1" + base64_encode(sha1(bytes->substr(pkg->control.offset, pkg->control.size))));
  EXPECT_EQ(pkg->scripts, fx.options.scripts);

  std::map<std::string, PackageFile> files;
  std::vector<std::string> order;
  for (const auto& f : pkg->files) {
    files[f.path] = f;
    order.push_back(f.path);
  }
  std::vector<std::string> expected = {"etc",
                                       "etc/hello.conf",
                                       "usr",
                                       "usr/bin",
                                       "usr/bin/hello",
                                       "usr/bin/hello-again",
                                       "usr/bin/hi",
                                       "usr/share",
                                       "usr/share/doc",
                                       "usr/share/doc/hello",
                                       "usr/share/doc/hello/README",
                                       "usr/share/doc/hello/conf",
                                       "var",
                                       "var/empty"};
  EXPECT_EQ(order, expected);
  EXPECT_EQ(files["usr/bin/hello"].type, io::TarType::file);
  EXPECT_EQ(files["usr/bin/hello"].mode, 0755u);
  EXPECT_EQ(files["usr/bin/hello"].size, hello_size);
  EXPECT_EQ(files["usr/bin/hello"].sha1, sha1("#!/bin/sh\necho hello\n"));
  EXPECT_TRUE(files["usr/bin/hello"].has_checksum_record);
  EXPECT_EQ(files["usr/bin/hello-again"].type, io::TarType::hardlink);
  EXPECT_EQ(files["usr/bin/hello-again"].link_target, "usr/bin/hello");
  EXPECT_EQ(files["usr/bin/hello-again"].sha1, files["usr/bin/hello"].sha1);
  EXPECT_EQ(files["usr/bin/hi"].type, io::TarType::symlink);
  EXPECT_EQ(files["usr/bin/hi"].link_target, "hello");
  EXPECT_EQ(files["usr/bin/hi"].sha1, sha1("hello"));
  EXPECT_EQ(files["usr/share/doc/hello/conf"].link_target, "/etc/hello.conf");
  EXPECT_EQ(files["var/empty"].type, io::TarType::directory);
  for (const auto& f : pkg->files) {
    EXPECT_EQ(f.uid, 0u) << f.path;
    EXPECT_EQ(f.gid, 0u) << f.path;
    EXPECT_LE(f.mtime, 1700000000) << f.path;  // clamped: the files were just created
  }

  std::map<std::string, std::string> contents;
  auto streamed = for_each_data_entry(*bytes, *pkg, [&](const PackageFile& f, std::string_view content) -> Status {
    contents[f.path] = std::string(content);
    return {};
  });
  ASSERT_TRUE(streamed) << streamed.error().message;
  EXPECT_EQ(contents["usr/share/doc/hello/README"], "read me\n");
  EXPECT_EQ(contents["usr/bin/hello-again"], "");

  // A callback error stops the walk and comes back as it is.
  auto stopped = for_each_data_entry(*bytes, *pkg, [](const PackageFile&, std::string_view) -> Status {
    return fail(Errc::io, "disk full");
  });
  ASSERT_FALSE(stopped);
  EXPECT_EQ(stopped.error().message, "disk full");

  // Bytes other than those read are refused.
  std::string other = *bytes;
  other[pkg->data.offset + 20] ^= 1;
  auto changed = for_each_data_entry(other, *pkg, [](const PackageFile&, std::string_view) -> Status { return {}; });
  ASSERT_FALSE(changed);
  EXPECT_EQ(changed.error().code, Errc::digest_mismatch);
}

TEST(PackageWrite, Reproducible) {
  Fixture fx;
  auto first = write_package(fx.meta, fx.root, fx.options);
  ASSERT_TRUE(first) << first.error().message;
  // Touching the files (mtime now > SOURCE_DATE_EPOCH) changes nothing.
  fs::last_write_time(fx.root / "etc/hello.conf", fs::file_time_type::clock::now());
  auto second = write_package(fx.meta, fx.root, fx.options);
  ASSERT_TRUE(second) << second.error().message;
  EXPECT_EQ(*first, *second);

  // A different epoch changes the bytes (mtimes and builddate are in them).
  fx.options.source_date_epoch = 1600000000;
  auto third = write_package(fx.meta, fx.root, fx.options);
  ASSERT_TRUE(third);
  EXPECT_NE(*first, *third);
  auto pkg = read_package(*third, {});
  ASSERT_TRUE(pkg) << pkg.error().message;
  EXPECT_EQ(pkg->info.build_time, std::optional<int64_t>(1600000000));
}

TEST(PackageWrite, UnsignedHasTwoMembers) {
  Fixture fx;
  fx.options.key = nullptr;
  auto bytes = write_package(fx.meta, fx.root, fx.options);
  ASSERT_TRUE(bytes) << bytes.error().message;
  auto members = io::gunzip_members(*bytes);
  ASSERT_TRUE(members);
  EXPECT_EQ(members->size(), 2u);
  auto pkg = read_package(*bytes, {});
  ASSERT_TRUE(pkg) << pkg.error().message;
  EXPECT_TRUE(pkg->signatures.empty());
  EXPECT_EQ(pkg->signature.size, 0u);
  Keyring keyring = fx.keyring();
  PackageReadOptions options;
  options.keyring = &keyring;
  auto verified = read_package(*bytes, options);
  ASSERT_FALSE(verified);
  EXPECT_EQ(verified.error().code, Errc::bad_signature);
}

TEST(PackageWrite, OwnerOptions) {
  Fixture fx;
  fx.options.owner = std::pair<uint32_t, uint32_t>(1000, 1001);
  auto bytes = write_package(fx.meta, fx.root, fx.options);
  ASSERT_TRUE(bytes) << bytes.error().message;
  auto pkg = read_package(*bytes, {});
  ASSERT_TRUE(pkg);
  for (const auto& f : pkg->files) {
    EXPECT_EQ(f.uid, 1000u);
    EXPECT_EQ(f.gid, 1001u);
  }
  fx.options.owner.reset();
  fx.options.keep_owner = true;
  bytes = write_package(fx.meta, fx.root, fx.options);
  ASSERT_TRUE(bytes);
  pkg = read_package(*bytes, {});
  ASSERT_TRUE(pkg);
  EXPECT_EQ(pkg->files[0].uid, ::getuid());
}

TEST(PackageWrite, RefusesBadInput) {
  Fixture fx;
  PackageInfo meta = fx.meta;
  meta.version.clear();
  auto r = write_package(meta, fx.root, fx.options);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::usage);

  meta = fx.meta;
  meta.description = "two\nlines";
  r = write_package(meta, fx.root, fx.options);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::usage);

  meta = fx.meta;
  meta.depends = {"a b"};
  r = write_package(meta, fx.root, fx.options);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::usage);

  PackageWriteOptions options = fx.options;
  options.scripts[".install"] = "x";
  r = write_package(fx.meta, fx.root, options);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find(".install"), std::string::npos);

  r = write_package(fx.meta, fx.tmp.path() / "missing", fx.options);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::not_found);

  ASSERT_EQ(::mkfifo((fx.root / "usr/fifo").c_str(), 0644), 0);
  r = write_package(fx.meta, fx.root, fx.options);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::unsupported);
  EXPECT_NE(r.error().message.find("usr/fifo"), std::string::npos);
  fs::remove(fx.root / "usr/fifo");

  write_text(fx.root / ".hidden", "x");
  r = write_package(fx.meta, fx.root, fx.options);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find(".hidden"), std::string::npos);
}

TEST(PackageWrite, EveryFlippedByteIsDetected) {
  Fixture fx;
  auto bytes = write_package(fx.meta, fx.root, fx.options);
  ASSERT_TRUE(bytes) << bytes.error().message;
  Keyring keyring = fx.keyring();
  PackageReadOptions options;
  options.keyring = &keyring;
  auto pkg = read_package(*bytes, options);
  ASSERT_TRUE(pkg);
  // The gzip header of the signature member holds MTIME (bytes 4-7), XFL (8) and OS (9), which
  // no hash covers (apk-tools does not look at them either); everything else is protected.
  size_t checked = 0;
  for (size_t offset = 0; offset < bytes->size(); ++offset) {
    if (offset >= 4 && offset <= 9) continue;
    bool in_signature = offset < pkg->control.offset;
    bool near_boundary = offset < 64 || (offset + 64 > pkg->control.offset && offset < pkg->control.offset + 64) ||
                         (offset + 64 > pkg->data.offset && offset < pkg->data.offset + 64) ||
                         offset + 64 > bytes->size();
    if (!in_signature && !near_boundary && offset % 7 != 0) continue;  // keep the test quick
    std::string copy = *bytes;
    copy[offset] = static_cast<char>(copy[offset] ^ 0xff);
    auto r = read_package(copy, options);
    EXPECT_FALSE(r) << "flipping byte " << offset << " went unnoticed";
    ++checked;
  }
  EXPECT_GT(checked, 300u);
}

TEST(PackageWrite, TruncationIsDetected) {
  Fixture fx;
  auto bytes = write_package(fx.meta, fx.root, fx.options);
  ASSERT_TRUE(bytes);
  for (size_t len = 0; len < bytes->size(); len += 37) {
    auto r = read_package(std::string_view(*bytes).substr(0, len), {});
    EXPECT_FALSE(r) << "truncated to " << len;
  }
}

// --- hostile packages crafted entry by entry --------------------------------------------------

struct CraftEntry {
  io::TarEntry entry;
  std::string content;
};

CraftEntry file(std::string path, std::string content, bool checksum = true) {
  CraftEntry e;
  e.entry.path = std::move(path);
  e.entry.type = io::TarType::file;
  e.entry.size = content.size();
  if (checksum) e.entry.pax["APK-TOOLS.checksum.SHA1"] = hex_encode(sha1(content));
  e.content = std::move(content);
  return e;
}

CraftEntry special(std::string path, io::TarType type, std::string target = {}) {
  CraftEntry e;
  e.entry.path = std::move(path);
  e.entry.type = type;
  e.entry.mode = type == io::TarType::directory ? 0755 : 0777;
  e.entry.link_target = std::move(target);
  return e;
}

std::string tar_of(const std::vector<CraftEntry>& entries, bool end_marker) {
  std::string out;
  io::StringSink sink(out);
  io::TarWriter writer(sink);
  for (const auto& e : entries) EXPECT_TRUE(writer.add(e.entry, e.content));
  if (end_marker) {
    EXPECT_TRUE(writer.finish());
  }
  return out;
}

struct Craft {
  std::vector<CraftEntry> data = {special("usr", io::TarType::directory), file("usr/a", "aaa")};
  std::vector<CraftEntry> control_extra;
  std::string pkginfo_extra;
  std::optional<std::string> datahash;  // overrides the real one
  bool control_end_marker = false;
  bool split_data = false;  // data in two gzip members
  bool sign_in_control = false;
  const PrivateKey* key = nullptr;

  std::string build() const {
    std::string data_gz;
    if (split_data) {
      std::vector<CraftEntry> first(data.begin(), data.begin() + 1);
      std::vector<CraftEntry> rest(data.begin() + 1, data.end());
      data_gz = io::gzip_compress(tar_of(first, false)) + io::gzip_compress(tar_of(rest, true));
    } else {
      data_gz = io::gzip_compress(tar_of(data, true));
    }
    std::string pkginfo = "pkgname = crafted\npkgver = 1.0-r0\narch = x86_64\nsize = 3\n" + pkginfo_extra +
                          "datahash = " + datahash.value_or(hex_encode(sha256(data_gz))) + "\n";
    std::vector<CraftEntry> control = {file(".PKGINFO", pkginfo, false)};
    for (const auto& e : control_extra) control.push_back(e);
    if (sign_in_control) control.insert(control.begin(), file(".SIGN.RSA256.test.rsa.pub", "x", false));
    std::string control_gz = io::gzip_compress(tar_of(control, control_end_marker));
    std::string out;
    if (key) {
      auto signature = key->sign(SignAlg::rsa_sha256, control_gz);
      EXPECT_TRUE(signature);
      out = io::gzip_compress(tar_of({file(".SIGN.RSA256." + key->name(), *signature, false)}, false));
    }
    return out + control_gz + data_gz;
  }
};

Error read_error(const Craft& craft, PackageReadOptions options = {}) {
  auto r = read_package(craft.build(), options);
  EXPECT_FALSE(r) << "crafted package was accepted";
  return r ? Error{} : r.error();
}

TEST(PackageHostile, CraftedBaselineIsValid) {
  Craft craft;
  auto pkg = read_package(craft.build(), {});
  ASSERT_TRUE(pkg) << pkg.error().message;
  ASSERT_EQ(pkg->files.size(), 2u);
  EXPECT_EQ(pkg->files[1].path, "usr/a");
}

TEST(PackageHostile, PathTraversal) {
  Craft craft;
  craft.data.push_back(file("usr/../../etc/passwd", "x"));
  Error e = read_error(craft);
  EXPECT_EQ(e.code, Errc::unsafe_path);
  EXPECT_NE(e.message.find("usr/../../etc/passwd"), std::string::npos) << e.message;

  craft = Craft{};
  craft.data.push_back(file("/etc/passwd", "x"));
  e = read_error(craft);
  EXPECT_EQ(e.code, Errc::unsafe_path);
  EXPECT_NE(e.message.find("/etc/passwd"), std::string::npos) << e.message;
}

TEST(PackageHostile, WriteThroughSymlink) {
  Craft craft;
  craft.data.push_back(special("usr/link", io::TarType::symlink, "/etc"));
  craft.data.push_back(file("usr/link/passwd", "root::0:0::/:/bin/sh\n"));
  Error e = read_error(craft);
  EXPECT_EQ(e.code, Errc::unsafe_path);
  EXPECT_NE(e.message.find("usr/link/passwd"), std::string::npos) << e.message;

  // Replacing the symlink itself by a file is a duplicate path.
  craft = Craft{};
  craft.data.push_back(special("usr/link", io::TarType::symlink, "/etc/passwd"));
  craft.data.push_back(file("usr/link", "x"));
  e = read_error(craft);
  EXPECT_EQ(e.code, Errc::bad_format);
  EXPECT_NE(e.message.find("duplicate"), std::string::npos) << e.message;
}

TEST(PackageHostile, DeviceNodes) {
  Craft craft;
  CraftEntry dev = special("usr/null", io::TarType::chardev);
  dev.entry.devmajor = 1;
  dev.entry.devminor = 3;
  craft.data.push_back(dev);
  Error e = read_error(craft);
  EXPECT_EQ(e.code, Errc::unsafe_path);
  EXPECT_NE(e.message.find("usr/null"), std::string::npos) << e.message;

  PackageReadOptions options;
  options.allow_devices = true;
  auto pkg = read_package(craft.build(), options);
  ASSERT_TRUE(pkg) << pkg.error().message;
  EXPECT_EQ(pkg->files.back().devmajor, 1u);
  EXPECT_EQ(pkg->files.back().devminor, 3u);
}

TEST(PackageHostile, Hardlinks) {
  Craft craft;
  craft.data.push_back(special("usr/b", io::TarType::hardlink, "usr/a"));
  auto pkg = read_package(craft.build(), {});
  ASSERT_TRUE(pkg) << pkg.error().message;
  EXPECT_EQ(pkg->files.back().sha1, sha1("aaa"));

  craft = Craft{};
  craft.data.push_back(special("usr/b", io::TarType::hardlink, "etc/shadow"));
  Error e = read_error(craft);
  EXPECT_NE(e.message.find("usr/b"), std::string::npos) << e.message;

  craft = Craft{};
  craft.data.push_back(special("usr/b", io::TarType::hardlink, "../../etc/shadow"));
  e = read_error(craft);
  EXPECT_EQ(e.code, Errc::unsafe_path);

  craft = Craft{};  // a hardlink to a directory
  craft.data.push_back(special("usr/b", io::TarType::hardlink, "usr"));
  e = read_error(craft);
  EXPECT_EQ(e.code, Errc::bad_format);
}

TEST(PackageHostile, PerFileChecksum) {
  Craft craft;
  CraftEntry bad = file("usr/bin/tool", "real content");
  bad.entry.pax["APK-TOOLS.checksum.SHA1"] = hex_encode(sha1("other content"));
  craft.data.push_back(bad);
  Error e = read_error(craft);
  EXPECT_EQ(e.code, Errc::digest_mismatch);
  EXPECT_NE(e.message.find("usr/bin/tool"), std::string::npos) << e.message;

  craft = Craft{};
  CraftEntry link = special("usr/l", io::TarType::symlink, "a");
  link.entry.pax["APK-TOOLS.checksum.SHA1"] = hex_encode(sha1("b"));
  craft.data.push_back(link);
  e = read_error(craft);
  EXPECT_EQ(e.code, Errc::digest_mismatch);

  craft = Craft{};  // apko's Q1 form is accepted
  CraftEntry q1 = file("usr/q", "q content");
  q1.entry.pax["APK-TOOLS.checksum.SHA1"] = "Q1" + base64_encode(sha1("q content"));
  craft.data.push_back(q1);
  auto pkg = read_package(craft.build(), {});
  ASSERT_TRUE(pkg) << pkg.error().message;
  EXPECT_TRUE(pkg->files.back().has_checksum_record);

  craft = Craft{};
  CraftEntry garbage = file("usr/g", "g");
  garbage.entry.pax["APK-TOOLS.checksum.SHA1"] = "not-a-checksum";
  craft.data.push_back(garbage);
  e = read_error(craft);
  EXPECT_NE(e.message.find("usr/g"), std::string::npos) << e.message;
}

TEST(PackageHostile, Datahash) {
  Craft craft;
  craft.datahash = std::string(64, '0');
  Error e = read_error(craft);
  EXPECT_EQ(e.code, Errc::digest_mismatch);
  EXPECT_NE(e.message.find("datahash"), std::string::npos);
}

TEST(PackageHostile, Signatures) {
  auto key = PrivateKey::generate("test.rsa.pub", 2048);
  auto other = PrivateKey::generate("other.rsa.pub", 2048);
  ASSERT_TRUE(key && other);
  Craft craft;
  craft.key = &*key;
  Keyring keyring;
  keyring.add(key->public_key());
  PackageReadOptions options;
  options.keyring = &keyring;
  auto pkg = read_package(craft.build(), options);
  ASSERT_TRUE(pkg) << pkg.error().message;
  EXPECT_EQ(pkg->signed_key, "test.rsa.pub");

  // Unknown key.
  Keyring unrelated;
  unrelated.add(other->public_key());
  options.keyring = &unrelated;
  Error e = read_error(craft, options);
  EXPECT_EQ(e.code, Errc::bad_signature);
  EXPECT_NE(e.message.find("test.rsa.pub"), std::string::npos) << e.message;

  // Right name, wrong key: the signature does not verify.
  Keyring impostor;
  auto fake = PrivateKey::generate("test.rsa.pub", 2048);
  impostor.add(fake->public_key());
  options.keyring = &impostor;
  e = read_error(craft, options);
  EXPECT_EQ(e.code, Errc::bad_signature);

  // A signature over other bytes.
  std::string bytes = craft.build();
  Craft unsigned_craft;
  unsigned_craft.pkginfo_extra = "pkgdesc = changed\n";
  auto sig_member = io::gunzip_members(bytes);
  ASSERT_TRUE(sig_member);
  std::string forged = std::string((*sig_member)[0].raw(bytes)) + unsigned_craft.build();
  options.keyring = &keyring;
  auto r = read_package(forged, options);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::bad_signature);
}

TEST(PackageHostile, Layout) {
  Craft craft;
  craft.control_end_marker = true;  // apk-tools would stop before the data
  EXPECT_EQ(read_error(craft).code, Errc::bad_format);

  {  // the end marker in the control member and an empty data member
    std::string control = io::gzip_compress(
        tar_of({file(".PKGINFO", "pkgname = a\npkgver = 1-r0\n", false)}, true));
    auto r = read_package(control + io::gzip_compress(""), {});
    ASSERT_FALSE(r);
    EXPECT_NE(r.error().message.find("end-of-archive"), std::string::npos) << r.error().message;
  }

  {  // an entry whose header and content lie in different gzip members
    std::string control = tar_of({file(".PKGINFO", "pkgname = a\npkgver = 1-r0\n", false)}, false);
    std::string data = io::gzip_compress(tar_of({file("usr/a", "a")}, true));
    auto r = read_package(io::gzip_compress(control.substr(0, 512)) + io::gzip_compress(control.substr(512)) + data, {});
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, Errc::bad_format);
  }

  craft = Craft{};
  craft.split_data = true;
  Error e = read_error(craft);
  EXPECT_EQ(e.code, Errc::bad_format);
  EXPECT_NE(e.message.find("member"), std::string::npos) << e.message;

  craft = Craft{};
  craft.sign_in_control = true;
  e = read_error(craft);
  EXPECT_NE(e.message.find(".SIGN.RSA256.test.rsa.pub"), std::string::npos) << e.message;

  craft = Craft{};
  craft.control_extra.push_back(file(".INSTALL", "#!/bin/sh\n", false));
  e = read_error(craft);
  EXPECT_NE(e.message.find(".INSTALL"), std::string::npos) << e.message;

  craft = Craft{};
  craft.control_extra.push_back(file("usr/in-control", "x", false));
  e = read_error(craft);
  EXPECT_NE(e.message.find("usr/in-control"), std::string::npos) << e.message;

  craft = Craft{};
  craft.control_extra.push_back(file(".PKGINFO", "pkgname = again\n", false));
  e = read_error(craft);
  EXPECT_NE(e.message.find("duplicate"), std::string::npos) << e.message;

  craft = Craft{};
  craft.data.push_back(file("usr/a", "again"));
  e = read_error(craft);
  EXPECT_NE(e.message.find("duplicate"), std::string::npos) << e.message;

  // A lone data member (no .PKGINFO) and plain garbage.
  std::string data_only = io::gzip_compress(tar_of({file("usr/a", "a")}, true));
  EXPECT_FALSE(read_package(data_only, {}));
  EXPECT_FALSE(read_package(data_only + data_only, {}));
  EXPECT_FALSE(read_package("not a package", {}));
  EXPECT_FALSE(read_package("", {}));
}

TEST(PackageHostile, DotEntriesAreSkippedLikeApk) {
  Craft craft;
  craft.data.push_back(file("./usr/dot", "x"));
  auto pkg = read_package(craft.build(), {});
  ASSERT_TRUE(pkg) << pkg.error().message;
  EXPECT_EQ(pkg->files.size(), 2u);
  ASSERT_EQ(pkg->skipped.size(), 1u);
  EXPECT_EQ(pkg->skipped[0], "./usr/dot");
  size_t calls = 0;
  auto streamed = for_each_data_entry(craft.build(), *pkg, [&](const PackageFile&, std::string_view) -> Status {
    ++calls;
    return {};
  });
  ASSERT_TRUE(streamed) << streamed.error().message;
  EXPECT_EQ(calls, 2u);
}

TEST(PackageHostile, GzipBomb) {
  Craft craft;
  craft.data.push_back(file("usr/zeros", std::string(64 << 20, '\0')));
  std::string bytes = craft.build();
  EXPECT_LT(bytes.size(), 1u << 20);
  PackageReadOptions options;
  options.limits.max_decompressed = 8 << 20;
  auto r = read_package(bytes, options);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::too_large);

  options.limits = {};
  options.limits.max_entries = 2;
  r = read_package(Craft{}.build(), options);  // .PKGINFO + 2 data entries
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::too_large);
}

}  // namespace
}  // namespace wisp::pkg::apk
