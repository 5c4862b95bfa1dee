#include "pkg/deb/deb_file.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <vector>

#include "base/file.h"
#include "io/gzip.h"
#include "io/sink.h"

namespace wisp::pkg::deb {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view k_control =
    "Package: wisp-test\n"
    "Version: 1.0-1\n"
    "Architecture: amd64\n"
    "Maintainer: Wisp Tests <tests@example.org>\n"
    "Description: a package built by the tests\n"
    " with a continuation line\n";
constexpr std::string_view k_postinst = "#!/bin/sh\nset -e\necho configured\n";
constexpr std::string_view k_tool = "#!/bin/sh\necho tool\n";
constexpr std::string_view k_conf = "setting = 1\n";
constexpr int64_t k_mtime = 1700000000;

void put(const fs::path& path, std::string_view content, unsigned mode) {
  fs::create_directories(path.parent_path());
  ASSERT_TRUE(write_file_atomic(path, content, mode));
  ASSERT_EQ(::chmod(path.c_str(), mode), 0);  // umask-proof, and setuid bits survive
}

void run(const std::string& cmd) { ASSERT_EQ(std::system(cmd.c_str()), 0) << cmd; }

/// A package tree with every kind of entry a .deb carries, built into a .deb by dpkg-deb.
class DebFile : public ::testing::Test {
 protected:
  void SetUp() override {
    auto dir = TempDir::create("wisp-deb");
    ASSERT_TRUE(dir);
    m_dir.emplace(std::move(*dir));
    const fs::path root = tree();
    put(root / "DEBIAN/control", k_control, 0644);
    put(root / "DEBIAN/md5sums", "d41d8cd98f00b204e9800998ecf8427e  usr/bin/tool\n", 0644);
    put(root / "DEBIAN/conffiles", "/etc/wisp-test.conf\n", 0644);
    put(root / "DEBIAN/postinst", k_postinst, 0755);
    put(root / "etc/wisp-test.conf", k_conf, 0644);
    put(root / "usr/bin/tool", k_tool, 0755);
    put(root / "usr/sbin/helper", "suid\n", 04755);
    fs::create_directories(root / "var/lib/wisp-test");
    ::chmod((root / "var/lib/wisp-test").c_str(), 0700);
    fs::create_symlink("tool", root / "usr/bin/tool-alias");
    fs::create_symlink("/etc/wisp-test.conf", root / "usr/bin/absolute-link");
    fs::create_hard_link(root / "usr/bin/tool", root / "usr/bin/tool-hard");
    run("find " + root.string() + " -exec touch -h -d @" + std::to_string(k_mtime) + " {} +");
  }

  fs::path tree() const { return m_dir->path() / "tree"; }

  /// Builds the tree with `dpkg-deb -Z<codec>` and returns the .deb's bytes.
  std::string build(const std::string& codec) {
    fs::path out = m_dir->path() / ("out-" + codec + ".deb");
    run("dpkg-deb --root-owner-group -Z" + codec + " --build " + tree().string() + " " +
        out.string() + " >/dev/null");
    auto bytes = read_file(out);
    EXPECT_TRUE(bytes);
    return bytes ? *bytes : std::string();
  }

  std::optional<TempDir> m_dir;
};

struct Seen {
  DebEntry entry;
  std::string content;
};

std::map<std::string, Seen> read_all(std::string_view tar, std::vector<std::string>* order = nullptr) {
  std::map<std::string, Seen> out;
  auto status = read_data_tar(tar, [&](const DebEntry& e, std::string_view content) -> Status {
    EXPECT_FALSE(out.contains(e.path)) << e.path;
    if (order) order->push_back(e.path);
    out[e.path] = Seen{e, std::string(content)};
    return {};
  });
  EXPECT_TRUE(status) << status.error().message;
  return out;
}

TEST_F(DebFile, EveryFieldComesBackForEachCompression) {
  const std::map<std::string, std::string> suffix = {
      {"gzip", ".gz"}, {"xz", ".xz"}, {"zstd", ".zst"}, {"none", ""}};
  for (const auto& [codec, ext] : suffix) {
    SCOPED_TRACE(codec);
    std::string bytes = build(codec);
    auto deb = open_deb(bytes);
    ASSERT_TRUE(deb) << deb.error().message;
    EXPECT_EQ(deb->data_member, "data.tar" + ext);
    EXPECT_EQ(deb->control.control, k_control);
    EXPECT_EQ(deb->control.md5sums, "d41d8cd98f00b204e9800998ecf8427e  usr/bin/tool\n");
    EXPECT_EQ(deb->control.conffiles, "/etc/wisp-test.conf\n");
    ASSERT_EQ(deb->control.other.size(), 1u);
    EXPECT_EQ(deb->control.other.at("postinst"), k_postinst);
    // The data view points into the input.
    EXPECT_GE(deb->data.data(), bytes.data());
    EXPECT_LE(deb->data.data() + deb->data.size(), bytes.data() + bytes.size());

    auto tar = decompress_data(*deb);
    ASSERT_TRUE(tar) << tar.error().message;
    std::vector<std::string> order;
    auto entries = read_all(*tar, &order);
    EXPECT_FALSE(entries.contains("")) << "the root entry is skipped";
    EXPECT_FALSE(entries.contains("."));
    for (const auto& [path, seen] : entries) {
      EXPECT_FALSE(path.starts_with("./") || path.starts_with('/') || path.ends_with('/')) << path;
      EXPECT_EQ(seen.entry.uid, 0u) << path;
      EXPECT_EQ(seen.entry.gid, 0u) << path;
      EXPECT_EQ(seen.entry.uname, "root") << path;
      EXPECT_EQ(seen.entry.gname, "root") << path;
      EXPECT_EQ(seen.entry.mtime, k_mtime) << path;
    }
    for (std::string dir : {"etc", "usr", "usr/bin", "usr/sbin", "var", "var/lib"}) {
      ASSERT_TRUE(entries.contains(dir)) << dir;
      EXPECT_EQ(entries[dir].entry.type, io::TarType::directory) << dir;
    }
    const DebEntry& private_dir = entries["var/lib/wisp-test"].entry;
    EXPECT_EQ(private_dir.type, io::TarType::directory);
    EXPECT_EQ(private_dir.mode, 0700u);

    const Seen& conf = entries["etc/wisp-test.conf"];
    EXPECT_EQ(conf.entry.type, io::TarType::file);
    EXPECT_EQ(conf.entry.mode, 0644u);
    EXPECT_EQ(conf.entry.size, k_conf.size());
    EXPECT_EQ(conf.content, k_conf);

    const Seen& helper = entries["usr/sbin/helper"];
    EXPECT_EQ(helper.entry.mode, 04755u);
    EXPECT_EQ(helper.content, "suid\n");

    const DebEntry& alias = entries["usr/bin/tool-alias"].entry;
    EXPECT_EQ(alias.type, io::TarType::symlink);
    EXPECT_EQ(alias.link_target, "tool");
    EXPECT_EQ(entries["usr/bin/absolute-link"].entry.link_target, "/etc/wisp-test.conf")
        << "symlink targets are kept as stored";

    // tar stores whichever of the two names it meets first as the file, the other as a link.
    const Seen& tool = entries["usr/bin/tool"];
    const Seen& hard = entries["usr/bin/tool-hard"];
    const Seen& file = tool.entry.type == io::TarType::file ? tool : hard;
    const Seen& link = tool.entry.type == io::TarType::file ? hard : tool;
    EXPECT_EQ(file.entry.type, io::TarType::file);
    EXPECT_EQ(file.content, k_tool);
    EXPECT_EQ(file.entry.mode, 0755u);
    EXPECT_EQ(link.entry.type, io::TarType::hardlink);
    EXPECT_EQ(link.entry.link_target, file.entry.path);
    EXPECT_EQ(link.content, "");
    auto link_pos = std::find(order.begin(), order.end(), link.entry.path);
    auto file_pos = std::find(order.begin(), order.end(), file.entry.path);
    EXPECT_LT(file_pos, link_pos);
  }
}

TEST_F(DebFile, CallbackErrorsStopTheWalk) {
  std::string bytes = build("gzip");
  auto deb = open_deb(bytes);  // keeps a view into `bytes`
  ASSERT_TRUE(deb);
  auto tar = decompress_data(*deb);
  ASSERT_TRUE(tar);
  int calls = 0;
  auto status = read_data_tar(*tar, [&](const DebEntry&, std::string_view) -> Status {
    ++calls;
    return fail(Errc::conflict, "stop");
  });
  ASSERT_FALSE(status);
  EXPECT_EQ(status.error().code, Errc::conflict);
  EXPECT_EQ(calls, 1);
}

TEST_F(DebFile, LimitsHold) {
  std::string bytes = build("xz");
  auto deb = open_deb(bytes);
  ASSERT_TRUE(deb);
  auto tar = decompress_data(*deb, DebLimits{.max_data = 1000});
  ASSERT_FALSE(tar);
  EXPECT_EQ(tar.error().code, Errc::too_large);
  auto small_control = open_deb(bytes, DebLimits{.max_control = 100});
  ASSERT_FALSE(small_control);
  EXPECT_EQ(small_control.error().code, Errc::too_large);

  auto full = decompress_data(*deb);
  ASSERT_TRUE(full);
  auto entries = read_data_tar(*full, [](const DebEntry&, std::string_view) -> Status { return {}; },
                               DebLimits{.max_entries = 5});
  ASSERT_FALSE(entries);
  EXPECT_EQ(entries.error().code, Errc::too_large);
}

TEST_F(DebFile, TruncatedPackagesAreRefused) {
  std::string bytes = build("xz");
  for (size_t keep : {size_t{0}, size_t{8}, size_t{70}, bytes.size() / 2, bytes.size() - 1}) {
    auto deb = open_deb(std::string_view(bytes).substr(0, keep));
    if (deb) {
      // Cut inside the data member: the container still parses only if ar padding allows it,
      // and then decompression must notice.
      auto tar = decompress_data(*deb);
      ASSERT_FALSE(tar) << "keeping " << keep;
      EXPECT_EQ(tar.error().code, Errc::bad_format);
    } else {
      EXPECT_EQ(deb.error().code, Errc::bad_format) << "keeping " << keep << ": " << deb.error().message;
    }
  }
}

// Hand-made packages.

struct Member {
  std::string name;
  std::string content;
};

std::string ar_archive(const std::vector<Member>& members) {
  std::string out = "!<arch>\n";
  for (const auto& m : members) {
    out += fmt::format("{:<16}{:<12}{:<6}{:<6}{:<8}{:<10}`\n", m.name, 0, 0, 0, 100644, m.content.size());
    out += m.content;
    if (m.content.size() % 2) out += '\n';
  }
  return out;
}

io::TarEntry tar_entry(std::string path, io::TarType type = io::TarType::file, std::string link = "") {
  io::TarEntry e;
  e.path = std::move(path);
  e.type = type;
  e.mode = type == io::TarType::directory ? 0755 : 0644;
  e.link_target = std::move(link);
  return e;
}

std::string tar_of(const std::vector<std::pair<io::TarEntry, std::string>>& entries) {
  std::string out;
  io::StringSink sink(out);
  io::TarWriter writer(sink);
  for (auto [e, content] : entries) {
    if (e.type == io::TarType::file) e.size = content.size();
    EXPECT_TRUE(writer.add(e, content)) << e.path;
  }
  EXPECT_TRUE(writer.finish());
  return out;
}

std::string control_tar(std::string_view control = k_control) {
  return tar_of({{tar_entry("./", io::TarType::directory), ""}, {tar_entry("./control"), std::string(control)}});
}

std::string data_tar() {
  return tar_of({{tar_entry("./", io::TarType::directory), ""},
                 {tar_entry("./usr", io::TarType::directory), ""},
                 {tar_entry("./usr/x"), "x\n"}});
}

std::string hand_deb(std::vector<Member> extra_before_data = {}) {
  std::vector<Member> members = {{"debian-binary", "2.0\n"}, {"control.tar.gz", io::gzip_compress(control_tar())}};
  for (auto& m : extra_before_data) members.push_back(std::move(m));
  members.push_back({"data.tar.gz", io::gzip_compress(data_tar())});
  return ar_archive(members);
}

Errc open_error(const std::string& bytes) {
  auto deb = open_deb(bytes);
  EXPECT_FALSE(deb);
  return deb ? Errc::internal : deb.error().code;
}

TEST(DebFileHostile, HandMadePackageReads) {
  std::string bytes = hand_deb();
  auto deb = open_deb(bytes);
  ASSERT_TRUE(deb) << deb.error().message;
  auto tar = decompress_data(*deb);
  ASSERT_TRUE(tar);
  auto entries = read_all(*tar);
  ASSERT_EQ(entries.size(), 2u);
  EXPECT_EQ(entries["usr/x"].content, "x\n");
}

TEST(DebFileHostile, MemberOrderAndNames) {
  std::string control = io::gzip_compress(control_tar());
  std::string data = io::gzip_compress(data_tar());
  EXPECT_EQ(open_error(ar_archive({{"control.tar.gz", control}, {"debian-binary", "2.0\n"}, {"data.tar.gz", data}})),
            Errc::bad_format);
  EXPECT_EQ(open_error(ar_archive({{"debian-binary", "2.0\n"}, {"data.tar.gz", data}, {"control.tar.gz", control}})),
            Errc::bad_format);
  EXPECT_EQ(open_error(ar_archive({{"debian-binary", "2.0\n"}, {"data.tar.gz", data}})), Errc::bad_format);
  EXPECT_EQ(open_error(ar_archive({{"debian-binary", "2.0\n"}, {"control.tar.gz", control}})), Errc::bad_format);
  EXPECT_EQ(open_error(ar_archive({{"debian-binary", "2.0\n"}, {"control.tar.gz", control},
                                   {"control.tar.gz", control}, {"data.tar.gz", data}})),
            Errc::bad_format);
  EXPECT_EQ(open_error(ar_archive({{"debian-binary", "2.0\n"}, {"control.tar.gz", control},
                                   {"extra", "x"}, {"data.tar.gz", data}})),
            Errc::bad_format);
  EXPECT_EQ(open_error(ar_archive({{"debian-binary", "2.0\n"}, {"controls.tar.gz", control}, {"data.tar.gz", data}})),
            Errc::bad_format);
  EXPECT_EQ(open_error("not an ar archive"), Errc::bad_format);
  EXPECT_EQ(open_error(""), Errc::bad_format);
  // deb(5): members starting with '_' may sit before control.tar and data.tar and are skipped;
  // anything after data.tar is ignored (signatures appended by debsigs).
  std::string extras = ar_archive({{"debian-binary", "2.0\n"}, {"_future", "x"}, {"control.tar.gz", control},
                                   {"_more", "yy"}, {"data.tar.gz", data}, {"_gpgorigin", "sig"}});
  auto with_extras = open_deb(extras);
  ASSERT_TRUE(with_extras) << with_extras.error().message;
  EXPECT_EQ(with_extras->data_member, "data.tar.gz");
  EXPECT_EQ(*decompress_data(*with_extras), data_tar());
}

TEST(DebFileHostile, DebianBinaryVersion) {
  std::string control = io::gzip_compress(control_tar());
  std::string data = io::gzip_compress(data_tar());
  auto with_version = [&](std::string version) {
    return ar_archive({{"debian-binary", std::move(version)}, {"control.tar.gz", control}, {"data.tar.gz", data}});
  };
  for (std::string good : {"2.0\n", "2.1\nfuture line\n"}) {  // a higher minor version is fine
    std::string bytes = with_version(good);
    auto deb = open_deb(bytes);
    EXPECT_TRUE(deb) << good << ": " << deb.error().message;
  }
  for (std::string bad : {"3.0\n", "2.0", "1.0\n", "2.x\n", "", "20\n", "2.\n"}) {
    EXPECT_EQ(open_error(with_version(bad)), Errc::bad_format) << bad;
  }
}

TEST(DebFileHostile, ControlTarChecks) {
  std::string data = io::gzip_compress(data_tar());
  auto with_control_tar = [&](std::string tar) {
    return ar_archive({{"debian-binary", "2.0\n"}, {"control.tar", std::move(tar)}, {"data.tar.gz", data}});
  };
  std::string plain = with_control_tar(control_tar());
  EXPECT_TRUE(open_deb(plain));
  // `control` without "./" is accepted too (some builders write it that way).
  std::string bare_bytes = with_control_tar(tar_of({{tar_entry("control"), "Package: a\n"}}));
  auto bare = open_deb(bare_bytes);
  ASSERT_TRUE(bare) << bare.error().message;
  EXPECT_EQ(bare->control.control, "Package: a\n");

  EXPECT_EQ(open_error(with_control_tar(tar_of({{tar_entry("./md5sums"), ""}}))), Errc::bad_format);
  EXPECT_EQ(open_error(with_control_tar(tar_of({{tar_entry("./control"), "a"}, {tar_entry("./control"), "b"}}))),
            Errc::bad_format);
  EXPECT_EQ(open_error(with_control_tar(tar_of(
                {{tar_entry("./control"), "a"}, {tar_entry("./postinst", io::TarType::symlink, "/bin/sh"), ""}}))),
            Errc::bad_format);
  EXPECT_EQ(open_error(with_control_tar(tar_of(
                {{tar_entry("./control"), "a"}, {tar_entry("./sub", io::TarType::directory), ""}}))),
            Errc::bad_format);
  EXPECT_EQ(open_error(with_control_tar(tar_of({{tar_entry("./control"), "a"}, {tar_entry("./sub/x"), ""}}))),
            Errc::bad_format);
  EXPECT_EQ(open_error(with_control_tar(tar_of({{tar_entry("../control"), "a"}}))), Errc::unsafe_path);
  EXPECT_EQ(open_error(with_control_tar("garbage")), Errc::bad_format);
}

TEST(DebFileHostile, UnsupportedCompression) {
  std::string control = io::gzip_compress(control_tar());
  for (std::string name : {"data.tar.bz2", "data.tar.lzma", "data.tar.gz.xz"}) {
    std::string bytes = ar_archive({{"debian-binary", "2.0\n"}, {"control.tar.gz", control}, {name, "BZh9"}});
    auto deb = open_deb(bytes);
    ASSERT_FALSE(deb) << name;
    EXPECT_EQ(deb.error().code, Errc::unsupported) << name;
    EXPECT_NE(deb.error().message.find(name.substr(name.rfind('.'))), std::string::npos) << deb.error().message;
  }
  EXPECT_EQ(open_error(ar_archive({{"debian-binary", "2.0\n"}, {"control.tar.bz2", "BZh9"}, {"data.tar", data_tar()}})),
            Errc::unsupported);
}

Status walk(std::string_view tar) {
  return read_data_tar(tar, [](const DebEntry&, std::string_view) -> Status { return {}; });
}

Errc walk_error(const std::string& tar) {
  auto status = walk(tar);
  EXPECT_FALSE(status);
  return status ? Errc::internal : status.error().code;
}

TEST(DebFileHostile, DataTarPaths) {
  using io::TarType;
  EXPECT_EQ(walk_error(tar_of({{tar_entry("./../etc/x"), "x"}})), Errc::unsafe_path);
  EXPECT_EQ(walk_error(tar_of({{tar_entry("/etc/x"), "x"}})), Errc::unsafe_path);
  EXPECT_EQ(walk_error(tar_of({{tar_entry("./usr/../../x"), "x"}})), Errc::unsafe_path);
  // Writing through a symlink the package made.
  EXPECT_EQ(walk_error(tar_of({{tar_entry("./etc", TarType::symlink, "/etc"), ""}, {tar_entry("./etc/passwd"), "x"}})),
            Errc::unsafe_path);
  // Hardlinks only to earlier regular files.
  EXPECT_EQ(walk_error(tar_of({{tar_entry("./x", TarType::hardlink, "./y"), ""}})), Errc::unsafe_path);
  EXPECT_EQ(walk_error(tar_of({{tar_entry("./x", TarType::hardlink, "/etc/shadow"), ""}})), Errc::unsafe_path);
  EXPECT_EQ(walk_error(tar_of({{tar_entry("./x", TarType::hardlink, "../etc/shadow"), ""}})), Errc::unsafe_path);
  EXPECT_EQ(walk_error(tar_of({{tar_entry("./d", TarType::directory), ""}, {tar_entry("./x", TarType::hardlink, "./d"), ""}})),
            Errc::unsafe_path);
  EXPECT_EQ(walk_error(tar_of({{tar_entry("./x"), "1"}, {tar_entry("./x"), "2"}})), Errc::bad_format);
  EXPECT_EQ(walk_error(tar_of({{tar_entry("./", TarType::symlink, "/"), ""}})), Errc::bad_format);
  EXPECT_EQ(walk_error("not a tar"), Errc::bad_format);

  // Allowed: repeated directories, links to links, symlinks to anywhere (resolved later).
  std::vector<std::string> paths;
  std::vector<std::string> targets;
  auto ok = read_data_tar(tar_of({{tar_entry(".", TarType::directory), ""},
                                  {tar_entry("./a", TarType::directory), ""},
                                  {tar_entry("a/", TarType::directory), ""},
                                  {tar_entry("./a//f"), "f"},
                                  {tar_entry("./a/g", TarType::hardlink, "./a/f"), ""},
                                  {tar_entry("./h", TarType::hardlink, "a/g"), ""},
                                  {tar_entry("./s", TarType::symlink, "../../etc/passwd"), ""}}),
                          [&](const DebEntry& e, std::string_view) -> Status {
                            paths.push_back(e.path);
                            targets.push_back(e.link_target);
                            return {};
                          });
  ASSERT_TRUE(ok) << ok.error().message;
  EXPECT_EQ(paths, (std::vector<std::string>{"a", "a", "a/f", "a/g", "h", "s"}));
  EXPECT_EQ(targets, (std::vector<std::string>{"", "", "", "a/f", "a/g", "../../etc/passwd"}));
}

TEST(DebFileHostile, DataBombAgainstSmallLimit) {
  std::string big(size_t{8} << 20, '\0');
  std::string data = tar_of({{tar_entry("./zeros"), big}});
  std::string deb_bytes = ar_archive({{"debian-binary", "2.0\n"},
                                      {"control.tar.gz", io::gzip_compress(control_tar())},
                                      {"data.tar.gz", io::gzip_compress(data)}});
  EXPECT_LT(deb_bytes.size(), size_t{64} << 10);
  auto deb = open_deb(deb_bytes, DebLimits{.max_data = 1 << 20});
  ASSERT_TRUE(deb);
  auto tar = decompress_data(*deb, DebLimits{.max_data = 1 << 20});
  ASSERT_FALSE(tar);
  EXPECT_EQ(tar.error().code, Errc::too_large);
  EXPECT_NE(tar.error().message.find("data.tar.gz"), std::string::npos) << tar.error().message;
}

}  // namespace
}  // namespace wisp::pkg::deb
