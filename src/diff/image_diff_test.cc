#include "diff/image_diff.h"

#include <gtest/gtest.h>

namespace wisp::diff {
namespace {

sbom::Package apk(std::string name, std::string version, std::string origin = "") {
  sbom::Package p;
  p.ecosystem = sbom::Ecosystem::apk;
  p.name = std::move(name);
  p.version = std::move(version);
  p.arch = "x86_64";
  p.origin = std::move(origin);
  return p;
}

sbom::Package deb(std::string name, std::string version, std::string arch = "amd64") {
  sbom::Package p;
  p.ecosystem = sbom::Ecosystem::deb;
  p.name = std::move(name);
  p.version = std::move(version);
  p.arch = std::move(arch);
  return p;
}

sbom::ImageContents image(std::vector<sbom::Package> packages, std::string version_id = "20230201") {
  sbom::ImageContents out;
  out.digest = "sha256:" + std::string(64, 'a');
  out.apk_arch = "x86_64";
  out.oci_arch = "amd64";
  out.os = sbom::OsRelease{.id = "wolfi", .name = "Wolfi", .version_id = std::move(version_id)};
  out.layers = {{.digest = "sha256:l1", .size = 1000}, {.digest = "sha256:l2", .size = 234}};
  sbom::sort_packages(packages);
  out.packages = std::move(packages);
  return out;
}

vuln::Finding finding(std::string id, std::string package, std::string severity, std::string purl_type = "apk") {
  vuln::Finding f;
  f.id = std::move(id);
  f.package = package;
  f.severity = std::move(severity);
  f.purl = fmt::format("pkg:{}/wolfi/{}@1?arch=x86_64", purl_type, package);
  f.namespace_ = "wolfi:distro:wolfi:rolling";
  return f;
}

TEST(DiffImagesKey, DropsVersionAndEveryQualifierButArch) {
  EXPECT_EQ(package_key("pkg:apk/wolfi/bash@5.2.21-r0?arch=x86_64&distro=wolfi-20230201&upstream=bash-src"),
            "pkg:apk/wolfi/bash?arch=x86_64");
  EXPECT_EQ(package_key("pkg:deb/debian/libc6@2.36-9%2Bdeb12u4?arch=i386"), "pkg:deb/debian/libc6?arch=i386");
  EXPECT_EQ(package_key("not a purl"), "not a purl");
}

TEST(DiffImages, IdenticalImagesGiveAnEmptyDiff) {
  auto a = image({apk("busybox", "1.36.1-r0"), apk("glibc", "2.38-r1")});
  ImageDiff d = diff_images(a, a, {});
  EXPECT_TRUE(d.packages_equal());
  EXPECT_FALSE(d.vulnerabilities_compared);
  EXPECT_TRUE(d.warnings.empty());
  EXPECT_EQ(d.from.packages, 2u);
  EXPECT_EQ(d.from.size, 1234u);
  EXPECT_EQ(d.from.layers, 2u);
  EXPECT_EQ(d.from.os, "wolfi 20230201");
  EXPECT_EQ(d.from.arch, "x86_64");
}

TEST(DiffImages, AddedRemovedAndChangedPackages) {
  auto from = image({apk("busybox", "1.36.1-r0"), apk("glibc", "2.38-r1"), apk("zlib", "1.3-r0")});
  auto to = image({apk("busybox", "1.36.1-r0"), apk("glibc", "2.38-r2"), apk("ca-certificates", "2023-r0")});
  ImageDiff d = diff_images(from, to, {});
  ASSERT_EQ(d.added.size(), 1u);
  EXPECT_EQ(d.added[0], (PackageEntry{"ca-certificates", "2023-r0",
                                      "pkg:apk/wolfi/ca-certificates@2023-r0?arch=x86_64&distro=wolfi-20230201"}));
  ASSERT_EQ(d.removed.size(), 1u);
  EXPECT_EQ(d.removed[0].name, "zlib");
  ASSERT_EQ(d.changed.size(), 1u);
  EXPECT_EQ(d.changed[0].name, "glibc");
  EXPECT_EQ(d.changed[0].previous.version, "2.38-r1");
  EXPECT_EQ(d.changed[0].current.version, "2.38-r2");
  EXPECT_EQ(d.changed[0].current.reference, "pkg:apk/wolfi/glibc@2.38-r2?arch=x86_64&distro=wolfi-20230201");
}

TEST(DiffImages, ANewOsVersionOrOriginDoesNotTurnPackagesIntoAddedAndRemoved) {
  auto from = image({apk("busybox", "1.36.1-r0")}, "20230201");
  auto to = image({apk("busybox", "1.36.1-r0", "busybox-src")}, "20240101");
  ImageDiff d = diff_images(from, to, {});
  EXPECT_TRUE(d.packages_equal());
}

TEST(DiffImages, ArchitecturesStayApart) {
  auto from = image({deb("libc6", "2.36-9", "amd64")});
  auto to = image({deb("libc6", "2.36-9", "amd64"), deb("libc6", "2.36-9", "i386")});
  ImageDiff d = diff_images(from, to, {});
  ASSERT_EQ(d.added.size(), 1u);
  EXPECT_NE(d.added[0].reference.find("arch=i386"), std::string::npos);
  EXPECT_TRUE(d.changed.empty());
}

TEST(DiffImages, ResultsAreSortedByName) {
  auto from = image({});
  auto to = image({apk("zlib", "1"), apk("busybox", "1"), apk("glibc", "1")});
  ImageDiff d = diff_images(from, to, {});
  ASSERT_EQ(d.added.size(), 3u);
  EXPECT_EQ(d.added[0].name, "busybox");
  EXPECT_EQ(d.added[1].name, "glibc");
  EXPECT_EQ(d.added[2].name, "zlib");
  ASSERT_EQ(d.warnings.size(), 1u);
  EXPECT_NE(d.warnings[0].find("FROM"), std::string::npos);
  EXPECT_NE(d.warnings[0].find("added"), std::string::npos);
}

TEST(DiffImages, ArtifactTypesFilterPackages) {
  auto from = image({apk("busybox", "1"), deb("libc6", "1")});
  auto to = image({apk("busybox", "2"), deb("libc6", "2")});
  ImageDiff only_apk = diff_images(from, to, {.artifact_types = {"apk"}});
  ASSERT_EQ(only_apk.changed.size(), 1u);
  EXPECT_EQ(only_apk.changed[0].name, "busybox");
  EXPECT_EQ(only_apk.from.packages, 1u);

  ImageDiff defaults = diff_images(from, to, {});
  EXPECT_EQ(defaults.changed.size(), 2u);
}

TEST(DiffImages, EveryTypeIncludesTheImageItselfAsAnOciPackage) {
  auto from = image({apk("busybox", "1")});
  auto to = image({apk("busybox", "1")});
  to.digest = "sha256:" + std::string(64, 'b');
  ImageDiff d = diff_images(from, to, {.artifact_types = {}});
  ASSERT_EQ(d.changed.size(), 1u);
  EXPECT_EQ(d.changed[0].name, "image");
  EXPECT_EQ(d.changed[0].previous.version, from.digest);
  EXPECT_EQ(d.changed[0].current.version, to.digest);
  EXPECT_EQ(d.changed[0].current.reference.rfind("pkg:oci/image@sha256:bbbb", 0), 0u);
}

TEST(DiffImages, FirstOfSeveralPackagesWithOneKeyWins) {
  auto from = image({apk("busybox", "1"), apk("busybox", "2")});
  auto to = image({apk("busybox", "1")});
  ImageDiff d = diff_images(from, to, {});
  EXPECT_TRUE(d.packages_equal());
  EXPECT_EQ(d.from.packages, 1u);
}

TEST(DiffImages, WarnsAboutDifferentDistrosAndArchitectures) {
  auto from = image({apk("busybox", "1")});
  auto to = image({deb("busybox", "1")});
  to.os = sbom::OsRelease{.id = "debian", .version_id = "12"};
  to.apk_arch = "aarch64";
  ImageDiff d = diff_images(from, to, {});
  ASSERT_EQ(d.warnings.size(), 2u);
  EXPECT_NE(d.warnings[0].find("wolfi and TO is debian"), std::string::npos);
  EXPECT_NE(d.warnings[1].find("x86_64 and TO is aarch64"), std::string::npos);
  EXPECT_EQ(d.added.size(), 1u);
  EXPECT_EQ(d.removed.size(), 1u);
}

TEST(DiffImages, VulnerabilitiesAreMatchedById) {
  auto a = image({apk("openssl", "3.1-r0"), apk("zlib", "1.2-r0")});
  std::vector<vuln::Finding> before = {finding("CVE-2023-0001", "openssl", "High"),
                                       finding("CVE-2023-0002", "zlib", "Low"),
                                       finding("CVE-2023-0003", "zlib", "Medium")};
  // 0002 now found in another package: neither added nor removed; 0001 fixed; 0004 new.
  std::vector<vuln::Finding> after = {finding("CVE-2023-0002", "openssl", "Low"),
                                      finding("CVE-2023-0003", "zlib", "Medium"),
                                      finding("CVE-2023-0004", "openssl", "Critical")};
  ImageDiff d = diff_images(a, a, before, after, {});
  EXPECT_TRUE(d.vulnerabilities_compared);
  ASSERT_EQ(d.vulnerabilities_added.size(), 1u);
  EXPECT_EQ(d.vulnerabilities_added[0],
            (VulnerabilityEntry{"CVE-2023-0004", "wolfi:distro:wolfi:rolling", "Critical"}));
  ASSERT_EQ(d.vulnerabilities_removed.size(), 1u);
  EXPECT_EQ(d.vulnerabilities_removed[0].id, "CVE-2023-0001");
}

TEST(DiffImages, AVulnerabilityInSeveralPackagesIsListedOnceWithItsHighestSeverity) {
  auto a = image({});
  std::vector<vuln::Finding> after = {finding("CVE-2023-0001", "a", "Low"), finding("CVE-2023-0001", "b", "High"),
                                      finding("CVE-2023-0001", "c", "Medium"), finding("CVE-2023-0002", "d", "")};
  ImageDiff d = diff_images(a, a, {}, after, {});
  ASSERT_EQ(d.vulnerabilities_added.size(), 2u);
  EXPECT_EQ(d.vulnerabilities_added[0].severity, "High");
  EXPECT_EQ(d.vulnerabilities_added[1].severity, "Unknown");
}

TEST(DiffImages, ArtifactTypesFilterVulnerabilities) {
  auto a = image({});
  std::vector<vuln::Finding> after = {finding("CVE-1", "a", "Low", "apk"), finding("CVE-2", "b", "Low", "deb")};
  ImageDiff d = diff_images(a, a, {}, after, {.artifact_types = {"deb"}});
  ASSERT_EQ(d.vulnerabilities_added.size(), 1u);
  EXPECT_EQ(d.vulnerabilities_added[0].id, "CVE-2");
}


}  // namespace
}  // namespace wisp::diff
