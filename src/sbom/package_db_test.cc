#include "sbom/package_db.h"

#include <gtest/gtest.h>

namespace wisp::sbom {
namespace {

// An installed db as apko writes it: `i:[]` for an empty install_if, file lines, no r: line.
constexpr std::string_view k_apko_db = R"(C:Q1L7EnY9Q9b23ejRHAmb0g09QaLEo=
P:ca-certificates-bundle
V:20230506-r0
A:x86_64
S:125484
I:228541
T:Mozilla certificates
U:https://mkcert.org
L:MPL-2.0 AND MIT
o:ca-certificates
m:Wolfi
t:1683383216
c:85d4a6b6e2c1e8fd4c7a6e7d0ad8b87e3c6b6d2b
i:[]
F:etc
F:etc/ssl/certs
R:ca-certificates.crt
a:0:0:644
Z:Q1ttLYmTC3bJ3DlPaFA2aasSXgm/Y=

C:Q1m6wB0UFePGN8Drz82pC8y2uAiu8=
P:glibc
V:2.38-r5
A:x86_64
L:LGPL-2.1-or-later
D:ca-certificates-bundle so:ld-linux-x86-64.so.2 !glibc-old
p:so:libc.so.6=6 so:ld-linux-x86-64.so.2=2 cmd:ldd=2.38-r5
i:[]

C:Q2JYs8m1V8YXJrR6Lq7lWEqWg8jO0aXbmK4sPZ2zE7zRc=
P:app
V:1-r0
A:x86_64
L:custom
D:so:libc.so.6 cmd:ldd>=2 missing-thing
)";

TEST(ApkInstalled, ReadsApkosDatabase) {
  auto packages = parse_apk_installed(k_apko_db);
  ASSERT_TRUE(packages) << packages.error().message;
  ASSERT_EQ(packages->size(), 3u);
  const Package& ca = (*packages)[1];  // sorted: app, ca-certificates-bundle, glibc
  EXPECT_EQ((*packages)[0].name, "app");
  EXPECT_EQ(ca.name, "ca-certificates-bundle");
  EXPECT_EQ(ca.version, "20230506-r0");
  EXPECT_EQ(ca.arch, "x86_64");
  EXPECT_EQ(ca.origin, "ca-certificates");
  EXPECT_EQ(ca.license, "MPL-2.0 AND MIT");
  EXPECT_EQ(ca.homepage, "https://mkcert.org");
  EXPECT_EQ(ca.maintainer, "Wolfi");
  EXPECT_EQ(ca.sha1, "2fb12763d43d6f6dde8d11c099bd20d3d41a2c4a");
  EXPECT_TRUE(ca.sha256.empty());
  EXPECT_EQ((*packages)[2].origin, "");  // no o: line: nothing to say
  // A Q2 identity is a SHA-256.
  EXPECT_EQ((*packages)[0].sha256.size(), 64u);
  EXPECT_TRUE((*packages)[0].sha1.empty());
}

TEST(ApkInstalled, RefusesBrokenText) {
  EXPECT_FALSE(parse_apk_installed("P:x\nnot a field\n"));
  EXPECT_FALSE(parse_apk_installed("P:x\n\n"));  // no version
  EXPECT_TRUE(parse_apk_installed("")->empty());
}

TEST(Dependencies, ResolveThroughNamesAndProvides) {
  auto packages = parse_apk_installed(k_apko_db).value();
  auto deps = resolve_dependencies(packages);
  // app -> glibc (so:libc.so.6 and cmd:ldd); the missing name is skipped.
  EXPECT_EQ(deps[0], std::vector<size_t>{2});
  EXPECT_TRUE(deps[1].empty());
  // glibc -> ca-certificates-bundle; its own so: provide and the conflict are not edges.
  EXPECT_EQ(deps[2], std::vector<size_t>{1});
}

constexpr std::string_view k_status = R"(Package: libc6
Status: install ok installed
Priority: optional
Architecture: amd64
Multi-Arch: same
Source: glibc
Version: 2.36-9+deb12u4
Depends: libgcc-s1
Description: GNU C Library: Shared libraries
 Contains the standard libraries that are used by nearly all programs on
 the system.
Homepage: https://www.gnu.org/software/libc/libc.html

Package: libgcc-s1
Status: install ok installed
Architecture: amd64
Source: gcc-12 (12.2.0-14)
Version: 12.2.0-14
Provides: libgcc1 (= 1:12.2.0-14)
Pre-Depends: libc6 (>= 2.35)
Depends: gcc-12-base (= 12.2.0-14)

Package: removed-one
Status: deinstall ok config-files
Version: 1

Package: base-files
Status: install ok installed
Architecture: amd64
Version: 12.4+deb12u5
Depends: awk | mawk, libgcc1
Maintainer: Santiago Vila <sanvila@debian.org>
)";

TEST(DpkgStatus, ReadsInstalledStanzas) {
  auto packages = parse_dpkg_status(k_status);
  ASSERT_TRUE(packages) << packages.error().message;
  ASSERT_EQ(packages->size(), 3u);  // the deinstalled one is not there
  const Package& base = (*packages)[0];
  const Package& libc = (*packages)[1];
  const Package& gcc = (*packages)[2];
  EXPECT_EQ(base.name, "base-files");
  EXPECT_EQ(base.maintainer, "Santiago Vila <sanvila@debian.org>");
  EXPECT_EQ(libc.ecosystem, Ecosystem::deb);
  EXPECT_EQ(libc.origin, "glibc");
  EXPECT_EQ(libc.source_version, "");
  EXPECT_EQ(libc.description, "GNU C Library: Shared libraries");
  EXPECT_EQ(libc.homepage, "https://www.gnu.org/software/libc/libc.html");
  EXPECT_EQ(gcc.origin, "gcc-12");
  EXPECT_EQ(gcc.source_version, "");  // same as the binary's version
  EXPECT_EQ(gcc.depends, (std::vector<std::string>{"libc6 (>= 2.35)", "gcc-12-base (= 12.2.0-14)"}));

  auto deps = resolve_dependencies(*packages);
  EXPECT_EQ(deps[0], std::vector<size_t>{2});  // base-files -> libgcc1, provided by libgcc-s1
  EXPECT_EQ(deps[1], std::vector<size_t>{2});  // libc6 -> libgcc-s1
  EXPECT_EQ(deps[2], std::vector<size_t>{1});  // libgcc-s1 -> libc6 (gcc-12-base is absent)
}

TEST(DpkgStatus, DistrolessStatusFileWithoutStatus) {
  auto packages = parse_dpkg_status("Package: tzdata\nVersion: 2024a-0+deb12u1\nArchitecture: all\nSource: tzdata (2024a-0+deb12u1)\n");
  ASSERT_TRUE(packages);
  ASSERT_EQ(packages->size(), 1u);
  EXPECT_EQ((*packages)[0].origin, "");
  EXPECT_EQ((*packages)[0].arch, "all");
}

TEST(DpkgStatus, RefusesBrokenText) {
  EXPECT_FALSE(parse_dpkg_status(" continuation first\n"));
  EXPECT_FALSE(parse_dpkg_status("Package: x\nno colon here\n"));
  EXPECT_FALSE(parse_dpkg_status("Package: x\nStatus: install ok installed\n"));  // no version
  EXPECT_TRUE(parse_dpkg_status("\n\n")->empty());
}

TEST(OsRelease, ReadsQuotedValues) {
  OsRelease os = parse_os_release("# c\nID=wolfi\nNAME=\"Wolfi\"\nPRETTY_NAME='Wolfi \\\"x\\\"'\nVERSION_ID=20230201\nbad line\n");
  EXPECT_EQ(os.id, "wolfi");
  EXPECT_EQ(os.name, "Wolfi");
  EXPECT_EQ(os.version_id, "20230201");
  EXPECT_EQ(os.pretty_name, "Wolfi \"x\"");
  EXPECT_EQ(os.version_codename, "");
  EXPECT_EQ(parse_os_release("ID=debian\nVERSION_CODENAME=bookworm\n").version_codename, "bookworm");
}

}  // namespace
}  // namespace wisp::sbom
