#include "vuln/match.h"

#include <gtest/gtest.h>

#include "base/file.h"

namespace wisp::vuln {
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

sbom::ImageContents image_of(std::string os_id, std::vector<sbom::Package> packages, std::string version_id = "") {
  sbom::ImageContents image;
  image.apk_arch = "x86_64";
  image.os = sbom::OsRelease{.id = os_id, .version_id = version_id};
  image.packages = std::move(packages);
  return image;
}

Feed wolfi_fixture() {
  auto text = read_file(std::string(WISP_TESTDATA) + "/secdb/wolfi-security.json");
  EXPECT_TRUE(text);
  auto feed = parse_apk_secdb(text ? *text : "", "wolfi-security.json");
  EXPECT_TRUE(feed) << feed.error().message;
  return feed ? *feed : Feed{};
}

std::vector<std::string> ids(const std::vector<Finding>& findings) {
  std::vector<std::string> out;
  for (const Finding& f : findings) out.push_back(f.id + "/" + f.package);
  return out;
}

TEST(VulnMatch, ApkOlderThanFixIsAffected) {
  // binutils: r1 fixes 38126, r2 38533, r3 38128; 2.39-r2 is missing only the last.
  auto image = image_of("wolfi", {apk("binutils", "2.39-r2")});
  auto findings = match_image(image, {wolfi_fixture()});
  ASSERT_EQ(findings.size(), 1u);
  const Finding& f = findings[0];
  EXPECT_EQ(f.id, "CVE-2022-38128");
  EXPECT_EQ(f.fixed_version, "2.39-r3");
  EXPECT_EQ(f.package, "binutils");
  EXPECT_EQ(f.version, "2.39-r2");
  EXPECT_EQ(f.source_package, "binutils");
  EXPECT_EQ(f.severity, "Unknown");
  EXPECT_EQ(f.feed, "wolfi-security.json");
  EXPECT_EQ(f.namespace_, "wolfi:distro:wolfi:rolling");
  EXPECT_EQ(f.purl, "pkg:apk/wolfi/binutils@2.39-r2?arch=x86_64&distro=wolfi");

  EXPECT_TRUE(match_image(image_of("wolfi", {apk("binutils", "2.39-r3")}), {wolfi_fixture()}).empty());
  EXPECT_EQ(match_image(image_of("wolfi", {apk("binutils", "2.38-r9")}), {wolfi_fixture()}).size(), 3u);
}

TEST(VulnMatch, ApkLooksUpOriginAndName) {
  // libbrotli's origin is brotli; a subpackage listed under its own name is found too.
  Feed feed;
  feed.distro = "wolfi";
  feed.source = "f";
  feed.packages["brotli"] = {Fix{.id = "CVE-A", .fixed_version = "1.1-r0", .severity = "Unknown"}};
  feed.packages["libbrotli"] = {Fix{.id = "CVE-A", .fixed_version = "1.0-r5", .severity = "Unknown"},
                                Fix{.id = "CVE-B", .fixed_version = "2-r0", .severity = "Unknown"}};
  auto findings = match_image(image_of("wolfi", {apk("libbrotli", "1.0-r0", "brotli")}), {feed});
  EXPECT_EQ(ids(findings), (std::vector<std::string>{"CVE-A/libbrotli", "CVE-B/libbrotli"}));
  EXPECT_EQ(findings[0].fixed_version, "1.0-r5");  // one per (id, package), lowest fix
  EXPECT_EQ(findings[1].source_package, "libbrotli");
}

TEST(VulnMatch, ZeroVersionSuppresses) {
  Feed feed = wolfi_fixture();
  feed.packages["coreutils"].push_back(Fix{.id = "CVE-2016-2781", .fixed_version = "99-r0", .severity = "Unknown"});
  EXPECT_TRUE(match_image(image_of("wolfi", {apk("coreutils", "9.1-r0")}), {feed}).empty());
}

TEST(VulnMatch, DistroDecidesWhichFeedsApply) {
  Feed wolfi = wolfi_fixture();
  auto binutils = apk("binutils", "2.39-r2");
  EXPECT_EQ(match_image(image_of("chainguard", {binutils}), {wolfi}).size(), 1u);
  EXPECT_TRUE(match_image(image_of("alpine", {binutils}, "3.19.1"), {wolfi}).empty());
  EXPECT_TRUE(match_image(image_of("debian", {binutils}), {wolfi}).empty());
  sbom::ImageContents no_os = image_of("wolfi", {binutils});
  no_os.os.reset();
  EXPECT_TRUE(match_image(no_os, {wolfi}).empty());

  Feed alpine = wolfi;
  alpine.distro = "alpine";
  auto findings = match_image(image_of("alpine", {binutils}, "3.19.1"), {alpine});
  ASSERT_EQ(findings.size(), 1u);
  EXPECT_EQ(findings[0].namespace_, "alpine:distro:alpine:3.19");
}

sbom::Package deb(std::string name, std::string version, std::string source = "", std::string source_version = "") {
  sbom::Package p;
  p.ecosystem = sbom::Ecosystem::deb;
  p.name = std::move(name);
  p.version = std::move(version);
  p.arch = "amd64";
  p.origin = std::move(source);
  p.source_version = std::move(source_version);
  return p;
}

Feed tracker() {
  auto feed = parse_debian_tracker(R"({"openssl": {
      "CVE-1": {"releases": {"bookworm": {"status": "resolved", "fixed_version": "3.0.11-1~deb12u2", "urgency": "high"}}},
      "CVE-2": {"releases": {"bookworm": {"status": "open", "urgency": "low"}}},
      "CVE-3": {"releases": {"bookworm": {"status": "resolved", "fixed_version": "0"}}},
      "CVE-4": {"releases": {"bookworm": {"status": "resolved", "fixed_version": "3.0.9-1"}}}}})",
                                   "bookworm", "tracker.json");
  EXPECT_TRUE(feed);
  return feed ? *feed : Feed{};
}

TEST(VulnMatch, DebMatchesBySourceAndSourceVersion) {
  auto image = image_of("debian", {deb("libssl3", "3.0.11-1~deb12u1+b1", "openssl", "3.0.11-1~deb12u1")}, "12");
  image.os->version_codename = "bookworm";
  auto findings = match_image(image, {tracker()});
  ASSERT_EQ(ids(findings), (std::vector<std::string>{"CVE-1/libssl3", "CVE-2/libssl3"}));
  EXPECT_EQ(findings[0].fixed_version, "3.0.11-1~deb12u2");
  EXPECT_EQ(findings[0].severity, "High");
  EXPECT_EQ(findings[0].source_package, "openssl");
  EXPECT_EQ(findings[0].version, "3.0.11-1~deb12u1+b1");
  EXPECT_EQ(findings[0].namespace_, "debian:distro:debian:12");
  EXPECT_EQ(findings[1].fixed_version, "");

  image.os->version_codename = "trixie";  // another release's feed does not apply
  EXPECT_TRUE(match_image(image, {tracker()}).empty());
  image.os->id = "wolfi";
  image.os->version_codename = "bookworm";
  EXPECT_TRUE(match_image(image, {tracker()}).empty());
}

}  // namespace
}  // namespace wisp::vuln
