#include "pkg/apk/dependency.h"

#include <filesystem>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "base/file.h"
#include "base/strings.h"

namespace wisp::pkg::apk {
namespace {

Dependency parse_ok(std::string_view atom) {
  auto dep = parse_dependency(atom);
  EXPECT_TRUE(dep) << atom << ": " << dep.error().message;
  if (!dep) return {};
  // Every parsed atom survives a round trip.
  auto again = parse_dependency(format_dependency(*dep));
  EXPECT_TRUE(again) << format_dependency(*dep);
  if (again) {
    EXPECT_EQ(*again, *dep) << atom << " -> " << format_dependency(*dep);
  }
  return *dep;
}

struct AtomCase {
  std::string_view atom;
  std::string_view name;
  std::string_view tag;
  Op op;
  std::string_view version;
  bool conflict;
  std::string_view formatted;  // apk's spelling
};

TEST(ApkDependency, EveryOperator) {
  const AtomCase cases[] = {
      {"name", "name", "", Op::any, "", false, "name"},
      {"name=1.2-r0", "name", "", Op::equal, "1.2-r0", false, "name=1.2-r0"},
      {"name<2", "name", "", Op::less, "2", false, "name<2"},
      {"name>2", "name", "", Op::greater, "2", false, "name>2"},
      {"name<=2", "name", "", Op::less | Op::equal, "2", false, "name<=2"},
      {"name>=2", "name", "", Op::greater | Op::equal, "2", false, "name>=2"},
      {"name~2.1", "name", "", Op::equal | Op::fuzzy, "2.1", false, "name~2.1"},
      {"name=~2.1", "name", "", Op::equal | Op::fuzzy, "2.1", false, "name~2.1"},
      {"name>~2.1", "name", "", Op::greater | Op::equal | Op::fuzzy, "2.1", false, "name>~2.1"},
      {"name<~2.1", "name", "", Op::less | Op::equal | Op::fuzzy, "2.1", false, "name<~2.1"},
      {"!name", "name", "", Op::any, "", true, "!name"},
      {"!name<2", "name", "", Op::less, "2", true, "!name<2"},
      {"name@tag", "name", "tag", Op::any, "", false, "name@tag"},
      {"name@tag>=1", "name", "tag", Op::greater | Op::equal, "1", false, "name@tag>=1"},
      {"name>=1@tag", "name", "tag", Op::greater | Op::equal, "1", false, "name@tag>=1"},
      {"!name@edge", "name", "edge", Op::any, "", true, "!name@edge"},
      {"so:libc.so.6", "so:libc.so.6", "", Op::any, "", false, "so:libc.so.6"},
      {"so:libffi.so.8=8", "so:libffi.so.8", "", Op::equal, "8", false, "so:libffi.so.8=8"},
      {"cmd:sh", "cmd:sh", "", Op::any, "", false, "cmd:sh"},
      {"cmd:sh=1.35.0-r17", "cmd:sh", "", Op::equal, "1.35.0-r17", false, "cmd:sh=1.35.0-r17"},
      {"pc:zlib", "pc:zlib", "", Op::any, "", false, "pc:zlib"},
      {"py3.10:nacl=1.5.0-r0", "py3.10:nacl", "", Op::equal, "1.5.0-r0", false,
       "py3.10:nacl=1.5.0-r0"},
      {"/bin/sh", "/bin/sh", "", Op::any, "", false, "/bin/sh"},
      {"busybox><Q12l/v/T0pPK3aQaUWmI9djiLpF+g=", "busybox", "", Op::checksum,
       "Q12l/v/T0pPK3aQaUWmI9djiLpF+g=", false, "busybox><Q12l/v/T0pPK3aQaUWmI9djiLpF+g="},
      {".virtual=20190603.131426", ".virtual", "", Op::equal, "20190603.131426", false,
       ".virtual=20190603.131426"},
      {"g++", "g++", "", Op::any, "", false, "g++"},
  };
  for (const AtomCase& c : cases) {
    SCOPED_TRACE(c.atom);
    Dependency dep = parse_ok(c.atom);
    EXPECT_EQ(dep.name, c.name);
    EXPECT_EQ(dep.tag, c.tag);
    EXPECT_EQ(dep.op, c.op);
    EXPECT_EQ(dep.version, c.version);
    EXPECT_EQ(dep.conflict, c.conflict);
    EXPECT_EQ(format_dependency(dep), c.formatted);
  }
}

TEST(ApkDependency, BadAtoms) {
  const std::string_view bad[] = {
      "",            // no name
      "!",           // no name
      "=1.0",        // no name
      "@tag",        // no name
      "name=",       // operator without version
      "name>=",      // operator without version
      "name=1.0@",   // empty tag
      "name@",       // empty tag
      "name@=1.0",   // empty tag
      "name@a@b",    // '@' in tag
      "name@a=1@b",  // two tags
      "name=@tag",   // operator without version
      "name=1.0bc",  // invalid version
      "name=a",      // invalid version
      "name<>=1",    // operator constraining nothing
      "name=1 0",    // space in version
      "na me",       // space in name
      "name!",       // '!' in name
      "!!name",      // double conflict
      "Name$",       // '$' in name
      "name@t$g",    // '$' in tag
      "name><Q1*",   // not an identity
      "name=1.0\n",  // newline in version
  };
  for (std::string_view atom : bad) {
    auto dep = parse_dependency(atom);
    ASSERT_FALSE(dep) << '"' << atom << "\" parsed as " << format_dependency(*dep);
    EXPECT_EQ(dep.error().code, Errc::bad_format) << atom;
    EXPECT_EQ(dep.error().message.find('\n'), std::string::npos) << dep.error().message;
  }
  auto dep = parse_dependency("libfoo=1.0bc");
  ASSERT_FALSE(dep);
  EXPECT_NE(dep.error().message.find("\"libfoo=1.0bc\""), std::string::npos) << dep.error().message;
  EXPECT_NE(dep.error().message.find("invalid version"), std::string::npos) << dep.error().message;
}

TEST(ApkDependency, HostileAtoms) {
  std::string with_nul("name=1.0\0x", 10);
  auto dep = parse_dependency(with_nul);
  ASSERT_FALSE(dep);
  EXPECT_NE(dep.error().message.find("\\x00"), std::string::npos) << dep.error().message;

  std::string long_name(100000, 'a');
  auto long_dep = parse_dependency(long_name + "=1");
  ASSERT_TRUE(long_dep);
  EXPECT_EQ(long_dep->name.size(), long_name.size());
  auto bad_long = parse_dependency(long_name + "$");
  ASSERT_FALSE(bad_long);
  EXPECT_LT(bad_long.error().message.size(), 400u);  // the atom is cut in messages

  for (int c = 1; c < 256; ++c) {
    std::string atom = "a" + std::string(1, char(c)) + "b";
    auto parsed = parse_dependency(atom);
    if (parsed) {
      EXPECT_EQ(format_dependency(*parsed), atom) << c;
    }
  }
}

TEST(ApkDependency, Lists) {
  auto deps = parse_dependencies("  so:libc.so.6 busybox>=1.36\n!foo  cmd:sh=1-r0\t");
  ASSERT_TRUE(deps) << deps.error().message;
  ASSERT_EQ(deps->size(), 4u);
  EXPECT_EQ((*deps)[0].name, "so:libc.so.6");
  EXPECT_EQ((*deps)[1].op, Op::greater | Op::equal);
  EXPECT_TRUE((*deps)[2].conflict);
  EXPECT_EQ((*deps)[3].version, "1-r0");

  auto empty = parse_dependencies(" \n ");
  ASSERT_TRUE(empty);
  EXPECT_TRUE(empty->empty());

  auto bad = parse_dependencies("a b=x c");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, Errc::bad_format);
  EXPECT_NE(bad.error().message.find("\"b=x\""), std::string::npos) << bad.error().message;
}

TEST(ApkDependency, SatisfiedByPackages) {
  Dependency dep = parse_ok("busybox>=1.36");
  EXPECT_TRUE(dep.satisfied_by("busybox", "1.36.1-r2"));
  EXPECT_TRUE(dep.satisfied_by("busybox", "1.36"));
  EXPECT_FALSE(dep.satisfied_by("busybox", "1.35.0-r17"));
  EXPECT_FALSE(dep.satisfied_by("toybox", "1.36.1"));

  Dependency any = parse_ok("busybox");
  EXPECT_TRUE(any.satisfied_by("busybox", "0.1"));
  EXPECT_FALSE(any.satisfied_by("busybox-static", "0.1"));

  Dependency fuzzy = parse_ok("python3~3.12");
  EXPECT_TRUE(fuzzy.satisfied_by("python3", "3.12.4-r0"));
  EXPECT_FALSE(fuzzy.satisfied_by("python3", "3.13.0-r0"));
  EXPECT_FALSE(fuzzy.satisfied_by("python3", "3.1"));

  // A conflict is kept by packages that do not match it, including other names.
  Dependency conflict = parse_ok("!openssl<3");
  EXPECT_FALSE(conflict.satisfied_by("openssl", "1.1.1w-r0"));
  EXPECT_TRUE(conflict.satisfied_by("openssl", "3.3.0-r0"));
  EXPECT_TRUE(conflict.satisfied_by("libressl", "1.0"));
  EXPECT_TRUE(conflict.matches("openssl", "1.1.1w-r0"));
  EXPECT_FALSE(parse_ok("!foo").satisfied_by("foo", "1"));

  // A checksum pin needs the identity.
  Dependency pin = parse_ok("busybox><Q1abc=");
  EXPECT_TRUE(pin.satisfied_by("busybox", "1.36.1-r2", "Q1abc="));
  EXPECT_FALSE(pin.satisfied_by("busybox", "1.36.1-r2", "Q1abd="));
  EXPECT_FALSE(pin.satisfied_by("busybox", "1.36.1-r2"));
  EXPECT_FALSE(pin.satisfied_by("busybox", "Q1abc="));  // a version is not an identity

  // The tag selects repositories; it does not change what matches.
  EXPECT_TRUE(parse_ok("busybox@edge>1").satisfied_by("busybox", "1.36"));
}

TEST(ApkDependency, SatisfiedByProvides) {
  auto provide = [](std::string_view text) {
    auto p = parse_provide(text);
    EXPECT_TRUE(p) << text;
    return p ? *p : Provide{};
  };
  Provide libc = provide("so:libc.so.6");
  EXPECT_TRUE(parse_ok("so:libc.so.6").satisfied_by(libc));
  EXPECT_FALSE(parse_ok("so:libc.so.6>=1").satisfied_by(libc));
  EXPECT_FALSE(parse_ok("so:libc.so.6<1").satisfied_by(libc));  // apk would say yes; see header
  EXPECT_FALSE(parse_ok("so:libc.so").satisfied_by(libc));
  EXPECT_FALSE(parse_ok("!so:libc.so.6").satisfied_by(libc));
  EXPECT_TRUE(parse_ok("!so:libc.so.6>1").satisfied_by(libc));

  Provide sh = provide("cmd:sh=1.2-r0");
  EXPECT_TRUE(parse_ok("cmd:sh").satisfied_by(sh));
  EXPECT_TRUE(parse_ok("cmd:sh=1.2-r0").satisfied_by(sh));
  EXPECT_TRUE(parse_ok("cmd:sh>=1.1").satisfied_by(sh));
  EXPECT_TRUE(parse_ok("cmd:sh~1").satisfied_by(sh));
  EXPECT_FALSE(parse_ok("cmd:sh=1.2-r1").satisfied_by(sh));
  EXPECT_FALSE(parse_ok("cmd:sh<1.2").satisfied_by(sh));
  EXPECT_FALSE(parse_ok("!cmd:sh<2").satisfied_by(sh));
  EXPECT_FALSE(parse_ok("cmd:sh><Q1abc=").satisfied_by(sh));

  Provide ffi = provide("so:libffi.so.8=8");
  EXPECT_TRUE(parse_ok("so:libffi.so.8=8").satisfied_by(ffi));
  EXPECT_TRUE(parse_ok("so:libffi.so.8>=7").satisfied_by(ffi));
}

TEST(ApkProvide, ParseAndFormat) {
  for (std::string_view text : {"so:libc.so.6", "cmd:sh=1.36.1-r2", "pc:zlib=1.3.1", "/bin/sh",
                                "py3.10:nacl=1.5.0-r0", "so:libffi.so.8=8"}) {
    auto p = parse_provide(text);
    ASSERT_TRUE(p) << text << ": " << p.error().message;
    EXPECT_EQ(format_provide(*p), text);
  }
  auto p = parse_provide("cmd:sh=1.2-r0");
  ASSERT_TRUE(p);
  EXPECT_EQ(p->name, "cmd:sh");
  EXPECT_EQ(p->version, "1.2-r0");

  for (std::string_view bad : {"", "=1", "cmd:sh=", "cmd:sh>=1", "cmd:sh~1", "!cmd:sh",
                               "cmd:sh@edge", "cmd:sh=1.0bc", "a b", "cmd:sh==1"}) {
    auto r = parse_provide(bad);
    ASSERT_FALSE(r) << bad;
    EXPECT_EQ(r.error().code, Errc::bad_format);
  }

  auto list = parse_provides("so:libc.so.6 cmd:ldd=2.39-r1\nso:libm.so.6");
  ASSERT_TRUE(list) << list.error().message;
  ASSERT_EQ(list->size(), 3u);
  EXPECT_EQ((*list)[1], (Provide{"cmd:ldd", "2.39-r1"}));
  EXPECT_FALSE(parse_provides("so:libc.so.6 cmd:ldd>2"));
}

TEST(ApkPackageName, Characters) {
  EXPECT_TRUE(is_valid_package_name("libstdc++-dev"));
  EXPECT_TRUE(is_valid_package_name("py3.12-pip_x"));
  EXPECT_FALSE(is_valid_package_name("so:libc.so.6"));
  EXPECT_FALSE(is_valid_package_name(""));
  EXPECT_FALSE(is_valid_package_name("a b"));
  EXPECT_TRUE(is_valid_dependency_name("so:libc.so.6"));
  EXPECT_TRUE(is_valid_dependency_name("font[a,b]"));
  EXPECT_FALSE(is_valid_dependency_name("a@b"));
  EXPECT_FALSE(is_valid_dependency_name("a=b"));
}

// Every D:, p: and i: atom of apk-tools' solver fixtures parses; the one atom with a tag is the
// fixture apk rejects because tags are not allowed in package metadata.
TEST(ApkDependency, SolverFixtureAtoms) {
  namespace fs = std::filesystem;
  int atoms = 0;
  int provides = 0;
  std::vector<std::string> tagged;
  for (const auto& entry : fs::directory_iterator(std::string(WISP_TESTDATA) + "/apk-tools/solver")) {
    std::string ext = entry.path().extension().string();
    if (ext != ".repo" && ext != ".installed") continue;
    auto text = read_file(entry.path());
    ASSERT_TRUE(text) << text.error().message;
    for (std::string_view line : split(*text, '\n')) {
      if (line.size() < 2 || line[1] != ':') continue;
      if (line[0] == 'D' || line[0] == 'i') {
        auto deps = parse_dependencies(line.substr(2));
        ASSERT_TRUE(deps) << entry.path() << ": " << deps.error().message;
        for (const Dependency& d : *deps) {
          if (!d.tag.empty()) tagged.push_back(format_dependency(d));
          ++atoms;
        }
      } else if (line[0] == 'p') {
        auto list = parse_provides(line.substr(2));
        ASSERT_TRUE(list) << entry.path() << ": " << list.error().message;
        provides += int(list->size());
      }
    }
  }
  EXPECT_GT(atoms, 100);
  EXPECT_GT(provides, 30);
  EXPECT_EQ(tagged, std::vector<std::string>{"invalid-dependency@tag"});
}

}  // namespace
}  // namespace wisp::pkg::apk
