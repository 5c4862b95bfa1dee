#include "pkg/deb/packages_index.h"

#include <string>

#include <gtest/gtest.h>

namespace wisp::pkg::deb {
namespace {

// Shortened from a bookworm Packages index (debian-and-runtime.md §2).
constexpr std::string_view k_index =
    "Package: nginx\n"
    "Source: nginx (1.22.1-9+deb12u11)\n"
    "Version: 1.22.1-9+deb12u11\n"
    "Installed-Size: 1441\n"
    "Maintainer: Debian Nginx Maintainers <pkg-nginx-maintainers@alioth-lists.debian.net>\n"
    "Architecture: amd64\n"
    "Provides: httpd, httpd-cgi, nginx-abi-1.22.1-7\n"
    "Depends: libc6 (>= 2.34), libcrypt1 (>= 1:4.1.0),\n"
    " iproute2, nginx-common (<< 1.22.1-9+deb12u11.1~),\n"
    " nginx-common (>= 1.22.1-9+deb12u11)\n"
    "Breaks: nginx-core (<< 1.22.1-6~)\n"
    "Replaces: nginx-core (<< 1.22.1-6~)\n"
    "Conflicts: nginx-extras\n"
    "Priority: optional\n"
    "Filename: pool/main/nginx_1.22.1-9+deb12u11_amd64.deb\n"
    "Size: 527604\n"
    "SHA256: 3EB1EA6D85488F488CC2A163B98AD640EF88CEE4C79287CF14E361AAF6206F47\n"
    "\n"
    "Package: base-files\n"
    "Version: 12.4+deb12u15\n"
    "Architecture: amd64\n"
    "Essential: yes\n"
    "Priority: required\n"
    "Pre-Depends: awk\n"
    "Provides: base\n"
    "Multi-Arch: foreign\n"
    "Filename: pool/main/base-files_12.4+deb12u15_amd64.deb\n"
    "Size: 70936\n"
    "SHA256: 3eb1ea6d85488f488cc2a163b98ad640ef88cee4c79287cf14e361aaf6206f47\n"
    "\n"
    "Package: libgcc-s1\n"
    "Source: gcc-12\n"
    "Version: 12.2.0-14+deb12u1\n"
    "Architecture: amd64\n"
    "Multi-Arch: same\n"
    "Depends: gcc-12-base (= 12.2.0-14+deb12u1), libc6 (>= 2.35)\n"
    "Provides: libgcc1 (= 1:12.2.0-14+deb12u1)\n"
    "Filename: pool/main/libgcc-s1_12.2.0-14+deb12u1_amd64.deb\n"
    "Size: 49888\n"
    "SHA256: 0000000000000000000000000000000000000000000000000000000000000001\n";

TEST(DebPackagesIndex, ReadsStanzas) {
  auto index = parse_packages_index(k_index);
  ASSERT_TRUE(index) << index.error().message;
  ASSERT_EQ(index->size(), 3u);

  const PackageEntry& nginx = (*index)[0];
  EXPECT_EQ(nginx.name, "nginx");
  EXPECT_EQ(nginx.version, "1.22.1-9+deb12u11");
  EXPECT_EQ(nginx.architecture, "amd64");
  EXPECT_EQ(nginx.source, "");  // same as the package name
  EXPECT_EQ(nginx.source_version, "1.22.1-9+deb12u11");
  EXPECT_EQ(nginx.multi_arch, MultiArch::no);
  EXPECT_FALSE(nginx.essential);
  EXPECT_EQ(nginx.priority, "optional");
  ASSERT_EQ(nginx.depends.size(), 5u);
  EXPECT_EQ(nginx.depends[3][0].str(), "nginx-common (<< 1.22.1-9+deb12u11.1~)");
  ASSERT_EQ(nginx.breaks.size(), 1u);
  EXPECT_EQ(nginx.replaces.size(), 1u);
  EXPECT_EQ(nginx.conflicts[0][0].name, "nginx-extras");
  ASSERT_EQ(nginx.provides.size(), 3u);
  EXPECT_EQ(nginx.provides[1].name, "httpd-cgi");
  EXPECT_EQ(nginx.filename, "pool/main/nginx_1.22.1-9+deb12u11_amd64.deb");
  EXPECT_EQ(nginx.size, 527604u);
  EXPECT_EQ(nginx.sha256, "3eb1ea6d85488f488cc2a163b98ad640ef88cee4c79287cf14e361aaf6206f47");
  EXPECT_EQ(nginx.installed_size_kib, 1441u);
  EXPECT_EQ(nginx.paragraph.get("Maintainer"),
            "Debian Nginx Maintainers <pkg-nginx-maintainers@alioth-lists.debian.net>");

  const PackageEntry& base = (*index)[1];
  EXPECT_TRUE(base.essential);
  EXPECT_EQ(base.multi_arch, MultiArch::foreign);
  EXPECT_EQ(base.priority, "required");
  ASSERT_EQ(base.pre_depends.size(), 1u);
  EXPECT_EQ(base.pre_depends[0][0].name, "awk");
  EXPECT_EQ(base.installed_size_kib, 0u);

  const PackageEntry& gcc = (*index)[2];
  EXPECT_EQ(gcc.source, "gcc-12");
  EXPECT_EQ(gcc.source_version, "");
  EXPECT_EQ(gcc.multi_arch, MultiArch::same);
  EXPECT_EQ(gcc.provides[0], (Relation{"libgcc1", "", RelOp::eq, "1:12.2.0-14+deb12u1"}));
}

TEST(DebPackagesIndex, ControlMemberNeedsNoFileFields) {
  auto p = parse_paragraph("Package: hello\nVersion: 2.10-3\nArchitecture: amd64\nMulti-Arch: allowed\nEssential: no\n");
  ASSERT_TRUE(p);
  auto e = package_from_paragraph(*p, false);
  ASSERT_TRUE(e) << e.error().message;
  EXPECT_EQ(e->multi_arch, MultiArch::allowed);
  EXPECT_FALSE(e->essential);
  EXPECT_EQ(e->sha256, "");
  auto strict = package_from_paragraph(*p, true);
  ASSERT_FALSE(strict);
  EXPECT_EQ(strict.error().message, "package hello: missing field Filename");
}

TEST(DebPackagesIndex, ErrorsNameThePackageAndField) {
  std::string head = "Package: nginx\nVersion: 1.0\nArchitecture: amd64\n";
  std::string files = "Filename: f.deb\nSize: 1\nSHA256: " + std::string(64, 'a') + "\n";
  struct Case {
    std::string extra;
    std::string message;
  };
  for (const Case& c : {
           Case{"Depends: x (>> )\n", "package nginx: field Depends: bad relation 'x (>> )': missing version"},
           Case{"Multi-Arch: maybe\n", "package nginx: field Multi-Arch: expected no, same, foreign or allowed, got 'maybe'"},
           Case{"Essential: Yes\n", "package nginx: field Essential: expected yes or no, got 'Yes'"},
           Case{"Installed-Size: 12k\n", "package nginx: field Installed-Size: expected a number, got '12k'"},
           Case{"Provides: a (>= 1)\n", "package nginx: field Provides: bad provides 'a (>= 1)': only '=' versions are allowed"},
           Case{"Source: nginx (1.0\n", "package nginx: field Source: missing ')' in 'nginx (1.0'"},
           Case{"Pre-Depends: a |\n", "package nginx: field Pre-Depends: bad relation 'a |': empty alternative"},
       }) {
    SCOPED_TRACE(c.extra);
    auto p = parse_paragraph(head + c.extra + files);
    ASSERT_TRUE(p) << p.error().message;
    auto e = package_from_paragraph(*p, true);
    ASSERT_FALSE(e);
    EXPECT_EQ(e.error().code, Errc::bad_format);
    EXPECT_EQ(e.error().message, c.message);
  }
  auto sha = parse_packages_index(head + "Filename: f.deb\nSize: 1\nSHA256: abc\n");
  ASSERT_FALSE(sha);
  EXPECT_EQ(sha.error().message, "package nginx: field SHA256: expected 64 hex digits, got 'abc'");
  auto size = parse_packages_index(head + "Filename: f.deb\nSize: -1\nSHA256: " + std::string(64, 'g') + "\n");
  ASSERT_FALSE(size);
  EXPECT_EQ(size.error().message, "package nginx: field Size: expected a number, got '-1'");
}

TEST(DebPackagesIndex, RefusesBadIdentity) {
  EXPECT_FALSE(package_from_paragraph(*parse_paragraph("Version: 1\nArchitecture: all\n"), false));
  EXPECT_FALSE(package_from_paragraph(*parse_paragraph("Package: -x\nVersion: 1\nArchitecture: all\n"), false));
  auto v = package_from_paragraph(*parse_paragraph("Package: x\nVersion: 1.0-\nArchitecture: all\n"), false);
  ASSERT_FALSE(v);
  EXPECT_EQ(v.error().message, "package x: field Version: version '1.0-': revision number is empty");
  auto a = package_from_paragraph(*parse_paragraph("Package: x\nVersion: 1\nArchitecture: a md64\n"), false);
  ASSERT_FALSE(a);
  EXPECT_EQ(a.error().message, "package x: field Architecture: bad architecture 'a md64'");
  EXPECT_FALSE(package_from_paragraph(*parse_paragraph("Package: x\nVersion: 1\n"), false));
}

TEST(DebPackagesIndex, EmptyIndex) {
  auto index = parse_packages_index("");
  ASSERT_TRUE(index);
  EXPECT_TRUE(index->empty());
}

}  // namespace
}  // namespace wisp::pkg::deb
