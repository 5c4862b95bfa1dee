#include "vuln/feed.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "base/file.h"

namespace wisp::vuln {
namespace {

std::string secdb(std::string_view name) {
  auto text = read_file(std::string(WISP_TESTDATA) + "/secdb/" + std::string(name));
  EXPECT_TRUE(text) << text.error().message;
  return text ? *text : std::string();
}

bool has_fix(const Feed& feed, const std::string& package, std::string_view id, std::string_view version) {
  auto it = feed.packages.find(package);
  if (it == feed.packages.end()) return false;
  return std::ranges::any_of(it->second, [&](const Fix& f) { return f.id == id && f.fixed_version == version; });
}

TEST(VulnFeed, ParsesWolfiSecdb) {
  auto feed = parse_apk_secdb(secdb("wolfi-security.json"), "wolfi-security.json");
  ASSERT_TRUE(feed) << feed.error().message;
  EXPECT_EQ(feed->kind, FeedKind::apk_secdb);
  EXPECT_EQ(feed->distro, "wolfi");
  EXPECT_EQ(feed->source, "wolfi-security.json");
  EXPECT_EQ(feed->packages.size(), 27u);
  EXPECT_TRUE(has_fix(*feed, "binutils", "CVE-2022-38533", "2.39-r2"));
  EXPECT_TRUE(has_fix(*feed, "busybox", "CVE-2022-30065", "1.35.0-r3"));
  const Fix& ruled = feed->packages.at("coreutils").front();
  EXPECT_EQ(ruled.id, "CVE-2016-2781");
  EXPECT_TRUE(ruled.not_affected);
  EXPECT_EQ(ruled.severity, "Unknown");
  EXPECT_FALSE(feed->packages.at("binutils").front().not_affected);
}

TEST(VulnFeed, ParsesChainguardSecdb) {
  auto feed = parse_apk_secdb(secdb("chainguard-security.json"), "cg.json");
  ASSERT_TRUE(feed) << feed.error().message;
  EXPECT_EQ(feed->distro, "chainguard");
  EXPECT_EQ(feed->packages.size(), 57u);
  EXPECT_TRUE(has_fix(*feed, "grafana", "CVE-2022-31130", "7.5.19-r0"));
}

TEST(VulnFeed, SplitsSeveralIdsInOneString) {
  auto feed = parse_apk_secdb(
      R"({"reponame":"main","urlprefix":"https://dl-cdn.alpinelinux.org/alpine","packages":[
          {"pkg":{"name":"zlib","secfixes":{"1.2.12-r0":["CVE-2018-25032 GHSA-jc36-42cf-vqwj"]}}},
          {"pkg":{"name":"empty"}}]})",
      "alpine.json");
  ASSERT_TRUE(feed) << feed.error().message;
  EXPECT_EQ(feed->distro, "alpine");
  ASSERT_EQ(feed->packages.at("zlib").size(), 2u);
  EXPECT_TRUE(has_fix(*feed, "zlib", "GHSA-jc36-42cf-vqwj", "1.2.12-r0"));
}

TEST(VulnFeed, RejectsBadSecdbNamingTheSource) {
  for (std::string_view bad : {"", "[1]", "{\"packages\":3}", "{\"packages\":[{\"pkg\":{}}]}",
                               "{\"packages\":[{\"pkg\":{\"name\":\"a\",\"secfixes\":{\"1\":\"CVE-1\"}}}]}",
                               "{\"packages\":[{\"pkg\":{\"name\":\"a\",\"secfixes\":{\"1\":[3]}}}]}"}) {
    auto feed = parse_apk_secdb(bad, "feed.json");
    ASSERT_FALSE(feed) << bad;
    EXPECT_EQ(feed.error().code, Errc::bad_format);
    EXPECT_NE(feed.error().message.find("feed.json"), std::string::npos) << feed.error().message;
  }
}

constexpr std::string_view kTracker = R"({
  "openssl": {
    "CVE-2023-0001": {"description": "fixed one", "scope": "remote",
      "releases": {"bookworm": {"status": "resolved", "fixed_version": "3.0.9-1", "urgency": "high"},
                   "bullseye": {"status": "open", "urgency": "low"}}},
    "CVE-2023-0002": {"releases": {"bookworm": {"status": "open", "urgency": "low**"}}},
    "CVE-2023-0003": {"releases": {"bookworm": {"status": "resolved", "fixed_version": "0", "urgency": "unimportant"}}},
    "CVE-2023-0004": {"releases": {"bullseye": {"status": "resolved", "fixed_version": "1.1"}}},
    "CVE-2023-0005": {"releases": {"bookworm": {"status": "undetermined", "urgency": "not yet assigned"}}}
  },
  "zlib": {"CVE-2023-0006": {"releases": {"bookworm": {"status": "open", "urgency": "medium"}}}}
})";

const Fix* find_fix(const Feed& feed, const std::string& package, std::string_view id) {
  auto it = feed.packages.find(package);
  if (it == feed.packages.end()) return nullptr;
  auto fix = std::ranges::find(it->second, id, &Fix::id);
  return fix == it->second.end() ? nullptr : &*fix;
}

TEST(VulnFeed, ParsesDebianTrackerForOneRelease) {
  auto feed = parse_debian_tracker(kTracker, "bookworm", "tracker.json");
  ASSERT_TRUE(feed) << feed.error().message;
  EXPECT_EQ(feed->kind, FeedKind::debian_tracker);
  EXPECT_EQ(feed->distro, "debian");
  EXPECT_EQ(feed->release, "bookworm");
  const Fix* fixed = find_fix(*feed, "openssl", "CVE-2023-0001");
  ASSERT_TRUE(fixed);
  EXPECT_EQ(fixed->fixed_version, "3.0.9-1");
  EXPECT_EQ(fixed->severity, "High");
  EXPECT_EQ(fixed->description, "fixed one");
  const Fix* open = find_fix(*feed, "openssl", "CVE-2023-0002");
  ASSERT_TRUE(open);
  EXPECT_EQ(open->fixed_version, "");
  EXPECT_FALSE(open->not_affected);
  EXPECT_EQ(open->severity, "Low");
  const Fix* ruled = find_fix(*feed, "openssl", "CVE-2023-0003");
  ASSERT_TRUE(ruled);
  EXPECT_TRUE(ruled->not_affected);
  EXPECT_EQ(ruled->severity, "Negligible");
  EXPECT_FALSE(find_fix(*feed, "openssl", "CVE-2023-0004"));  // bullseye only
  ASSERT_TRUE(find_fix(*feed, "openssl", "CVE-2023-0005"));
  EXPECT_EQ(find_fix(*feed, "openssl", "CVE-2023-0005")->severity, "Unknown");
  EXPECT_EQ(find_fix(*feed, "zlib", "CVE-2023-0006")->severity, "Medium");

  auto older = parse_debian_tracker(kTracker, "bullseye", "tracker.json");
  ASSERT_TRUE(older);
  EXPECT_EQ(find_fix(*older, "openssl", "CVE-2023-0004")->fixed_version, "1.1");
  EXPECT_FALSE(older->packages.contains("zlib"));
}

TEST(VulnFeed, RejectsBadTrackerNamingTheSource) {
  for (std::string_view bad : {"{", "\"x\"", R"({"a": 1})", R"({"a": {"CVE-1": []}})"}) {
    auto feed = parse_debian_tracker(bad, "bookworm", "deb.json");
    ASSERT_FALSE(feed) << bad;
    EXPECT_NE(feed.error().message.find("deb.json"), std::string::npos) << feed.error().message;
  }
}

TEST(VulnFeed, ParseFeedTellsKindsApartByShape) {
  auto apk = parse_feed(secdb("wolfi-security.json"), "", "w.json");
  ASSERT_TRUE(apk) << apk.error().message;
  EXPECT_EQ(apk->kind, FeedKind::apk_secdb);
  auto deb = parse_feed(kTracker, "bookworm", "d.json");
  ASSERT_TRUE(deb) << deb.error().message;
  EXPECT_EQ(deb->kind, FeedKind::debian_tracker);
  auto no_release = parse_feed(kTracker, "", "d.json");
  ASSERT_FALSE(no_release);
  EXPECT_EQ(no_release.error().code, Errc::usage);
}

}  // namespace
}  // namespace wisp::vuln
