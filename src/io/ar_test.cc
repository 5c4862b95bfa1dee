#include "io/ar.h"

#include <gtest/gtest.h>

#include <cstdlib>

#include "base/file.h"

namespace wisp::io {
namespace {

/// One member in the common (System V / GNU) layout.
std::string member(std::string_view name, std::string_view content, std::string_view mode = "100644") {
  std::string header = fmt::format("{:<16}{:<12}{:<6}{:<6}{:<8}{:<10}`\n", name, "1700000000", "0", "0",
                                   mode, content.size());
  EXPECT_EQ(header.size(), 60u);
  std::string out = header + std::string(content);
  if (content.size() % 2) out += '\n';
  return out;
}

std::string deb_like() {
  return "!<arch>\n" + member("debian-binary", "2.0\n") + member("control.tar.gz", "odd") +
         member("data.tar.xz/", std::string(1001, 'd'));
}

TEST(Ar, ReadsMembersWithPadding) {
  std::string ar = deb_like();
  auto members = read_ar(ar);
  ASSERT_TRUE(members) << members.error().message;
  ASSERT_EQ(members->size(), 3u);
  EXPECT_EQ((*members)[0].name, "debian-binary");
  EXPECT_EQ((*members)[0].content, "2.0\n");
  EXPECT_EQ((*members)[0].offset, 8u);
  EXPECT_EQ((*members)[0].mode, 0100644u);
  EXPECT_EQ((*members)[0].mtime, 1700000000);
  EXPECT_EQ((*members)[1].name, "control.tar.gz");
  EXPECT_EQ((*members)[1].content, "odd");
  EXPECT_EQ((*members)[2].offset, 8u + 64 + 64);  // 3 bytes + 1 padding byte
  EXPECT_EQ((*members)[2].name, "data.tar.xz") << "GNU '/' terminator removed";
  EXPECT_EQ((*members)[2].content, std::string(1001, 'd'));
  EXPECT_TRUE(read_ar("!<arch>\n")->empty());
}

TEST(Ar, ReadsGnuArOutput) {
  auto dir = TempDir::create("wisp-ar");
  ASSERT_TRUE(dir);
  ASSERT_TRUE(write_file_atomic(dir->path() / "debian-binary", "2.0\n"));
  ASSERT_TRUE(write_file_atomic(dir->path() / "odd", "12345"));
  std::string cmd = fmt::format("cd {} && ar rcD out.a debian-binary odd", dir->path().string());
  ASSERT_EQ(std::system(cmd.c_str()), 0);
  auto data = read_file(dir->path() / "out.a");
  ASSERT_TRUE(data);
  auto members = read_ar(*data);
  ASSERT_TRUE(members) << members.error().message;
  ASSERT_EQ(members->size(), 2u);
  EXPECT_EQ((*members)[0].name, "debian-binary");
  EXPECT_EQ((*members)[0].content, "2.0\n");
  EXPECT_EQ((*members)[1].name, "odd");
  EXPECT_EQ((*members)[1].content, "12345");
}

TEST(Ar, HostileInputs) {
  auto code = [](std::string_view in, ArLimits limits = {}) {
    auto r = read_ar(in, limits);
    return r ? Errc::internal : r.error().code;
  };
  std::string good = deb_like();
  EXPECT_EQ(code("!<arch"), Errc::bad_format);
  EXPECT_EQ(code("<arch>\n" + good.substr(8)), Errc::bad_format);
  // Truncation anywhere inside a member fails; at a member boundary it is a shorter archive.
  for (size_t n = 9; n < good.size(); ++n) {
    if (n == 8 + 64 || n == 8 + 128) continue;
    EXPECT_EQ(code(good.substr(0, n)), Errc::bad_format) << "prefix " << n;
  }
  std::string bad_term = good;
  bad_term[8 + 58] = 'x';
  EXPECT_EQ(code(bad_term), Errc::bad_format);
  std::string bad_size = good;
  bad_size[8 + 48] = 'z';
  EXPECT_EQ(code(bad_size), Errc::bad_format);
  std::string bad_mode = "!<arch>\n" + member("x", "ab", "100698");
  EXPECT_EQ(code(bad_mode), Errc::bad_format);
  std::string too_big = "!<arch>\n" + member("x", "ab");
  too_big.replace(8 + 48, 10, "999999999 ");
  EXPECT_EQ(code(too_big), Errc::bad_format);
  EXPECT_EQ(code("!<arch>\n" + member("", "ab")), Errc::bad_format);
  EXPECT_EQ(code("!<arch>\n" + member("#1/20", "ab")), Errc::unsupported);
  EXPECT_EQ(code("!<arch>\n" + member("/123", "ab")), Errc::unsupported);
  EXPECT_EQ(code(good, {.max_members = 2}), Errc::too_large);
  // GNU symbol and name tables come back as members.
  std::string with_tables = "!<arch>\n" + member("/", "") + member("//", "names/\n");
  auto tables = read_ar(with_tables);  // views into with_tables
  ASSERT_TRUE(tables);
  EXPECT_EQ((*tables)[0].name, "/");
  EXPECT_EQ((*tables)[1].name, "//");
}

}  // namespace
}  // namespace wisp::io
