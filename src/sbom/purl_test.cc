#include "sbom/purl.h"

#include <gtest/gtest.h>

#include "sbom/naming.h"

namespace wisp::sbom {
namespace {

TEST(Purl, EncodesAllButUnreservedAndColon) {
  EXPECT_EQ(purl_encode("abcXYZ019.-_~:"), "abcXYZ019.-_~:");
  EXPECT_EQ(purl_encode("libstdc++"), "libstdc%2B%2B");
  EXPECT_EQ(purl_encode("a b/c@d?e#f&g=h%"), "a%20b%2Fc%40d%3Fe%23f%26g%3Dh%25");
  EXPECT_EQ(purl_encode("\xc3\xa9"), "%C3%A9");
}

TEST(Purl, CanonicalFormSortsQualifiersAndDropsEmptyOnes) {
  Purl p;
  p.type = "APK";
  p.namespace_ = {"wolfi"};
  p.name = "libstdc++";
  p.version = "13.2.0-r2";
  p.qualifiers = {{"distro", "wolfi-20230201"}, {"arch", "x86_64"}, {"upstream", ""}};
  EXPECT_EQ(to_string(p), "pkg:apk/wolfi/libstdc%2B%2B@13.2.0-r2?arch=x86_64&distro=wolfi-20230201");
}

TEST(Purl, RoundTrips) {
  for (const char* text : {"pkg:apk/wolfi/hello-wolfi@2.12-r1?arch=aarch64&distro=wolfi",
                           "pkg:deb/debian/libc6@1:2.36-9%2Bdeb12u4?arch=amd64&distro=debian-12&upstream=glibc",
                           "pkg:oci/app@sha256:abcd?arch=arm64&repository_url=ghcr.io%2Facme%2Fapp&tag=1.0",
                           "pkg:github/wolfi-dev/os@abc#a/b.yaml"}) {
    auto p = parse_purl(text);
    ASSERT_TRUE(p) << text << ": " << p.error().message;
    EXPECT_EQ(to_string(*p), text);
  }
  auto deb = parse_purl("pkg:deb/debian/libc6@1:2.36-9%2Bdeb12u4?arch=amd64");
  ASSERT_TRUE(deb);
  EXPECT_EQ(deb->version, "1:2.36-9+deb12u4");
  EXPECT_EQ(deb->namespace_, std::vector<std::string>{"debian"});
}

TEST(Purl, RefusesMalformedText) {
  EXPECT_FALSE(parse_purl("apk/wolfi/x@1"));
  EXPECT_FALSE(parse_purl("pkg:apk"));
  EXPECT_FALSE(parse_purl("pkg:apk/wolfi/x@1%2"));
  EXPECT_FALSE(parse_purl("pkg:apk/wolfi/x@1%zz"));
  EXPECT_FALSE(parse_purl("pkg:apk/x?arch"));
}

TEST(Purl, PackagesAndImages) {
  Package p;
  p.name = "libcrypto3";
  p.version = "3.1.4-r0";
  p.arch = "x86_64";
  p.origin = "openssl";
  OsRelease os{"Wolfi", "Wolfi", "20230201", "", ""};
  EXPECT_EQ(package_purl(p, os, "aarch64"),
            "pkg:apk/wolfi/libcrypto3@3.1.4-r0?arch=x86_64&distro=wolfi-20230201&upstream=openssl");
  p.arch.clear();
  p.origin.clear();
  EXPECT_EQ(package_purl(p, std::nullopt, "aarch64"), "pkg:apk/unknown/libcrypto3@3.1.4-r0?arch=aarch64");
  Package d;
  d.ecosystem = Ecosystem::deb;
  d.name = "libc6";
  d.version = "2.36-9+deb12u4";
  d.arch = "amd64";
  EXPECT_EQ(package_purl(d, OsRelease{"debian", "Debian GNU/Linux", "12", "", ""}, ""),
            "pkg:deb/debian/libc6@2.36-9%2Bdeb12u4?arch=amd64&distro=debian-12");

  EXPECT_EQ(image_purl(parse_image_name("ghcr.io/Acme/App:1.0"), "sha256:ab", "arm64"),
            "pkg:oci/app@sha256:ab?arch=arm64&repository_url=ghcr.io%2FAcme%2FApp&tag=1.0");
  EXPECT_EQ(image_purl(parse_image_name("hello:latest"), "sha256:ab", "amd64"),
            "pkg:oci/hello@sha256:ab?arch=amd64&tag=latest");
  EXPECT_EQ(image_purl(parse_image_name(""), "sha256:ab", ""), "pkg:oci/image@sha256:ab");
}

TEST(Purl, ImageNames) {
  ImageName n = parse_image_name("localhost:5000/team/app:v1");
  EXPECT_EQ(n.name, "app");
  EXPECT_EQ(n.repository, "localhost:5000/team/app");
  EXPECT_EQ(n.tag, "v1");
  n = parse_image_name("team/app");
  EXPECT_EQ(n.name, "app");
  EXPECT_EQ(n.repository, "");  // Docker Hub shorthand: no registry named
  EXPECT_EQ(n.tag, "");
  n = parse_image_name("app@sha256:abcd");
  EXPECT_EQ(n.name, "app");
  EXPECT_EQ(n.tag, "");
}

TEST(Naming, SerialNumbersAreUuidsFromTheSeed) {
  std::string a = serial_number("x"), b = serial_number("y");
  EXPECT_EQ(a, serial_number("x"));
  EXPECT_NE(a, b);
  ASSERT_EQ(a.size(), 9u + 36u);
  EXPECT_TRUE(a.starts_with("urn:uuid:"));
  EXPECT_EQ(a[9 + 14], '8');  // version 8
  EXPECT_EQ(a[9 + 8], '-');
}

TEST(Naming, PeopleAndIds) {
  EXPECT_EQ(spdx_person("Jane Doe <jane@example.org>"), "Person: Jane Doe (jane@example.org)");
  EXPECT_EQ(spdx_person("team"), "Person: team");
  EXPECT_EQ(spdx_person(" "), "");
  std::vector<Package> ps(3);
  ps[0].name = ps[1].name = ps[2].name = "libc6";
  ps[0].version = ps[1].version = ps[2].version = "1";
  ps[0].arch = "amd64";
  ps[1].arch = "i386";
  ps[2].arch = "i386";
  auto ids = package_spdx_ids(ps);
  EXPECT_EQ(ids[0], "SPDXRef-Package-apk-libc6-1-amd64");
  EXPECT_EQ(ids[1], "SPDXRef-Package-apk-libc6-1-i386");
  EXPECT_EQ(ids[2], "SPDXRef-Package-apk-libc6-1-i386-1");
  EXPECT_EQ(document_namespace("image", "sha256:ab"), "https://spdx.org/spdxdocs/wisp/image/sha256-ab");
}

}  // namespace
}  // namespace wisp::sbom
