// The security feed parsers (apk secdb, Debian tracker JSON) on untrusted downloads, and matching
// what they yield. The first byte picks the parser, the rest is the document. A parsed feed must
// hold sane fixes, and matching it against a small image must give sorted findings, one per
// (id, package), each with a fix newer than the installed version or none at all.
#include <cstdint>
#include <cstdlib>
#include <string_view>
#include <tuple>

#include "pkg/apk/version.h"
#include "pkg/deb/version.h"
#include "vuln/feed.h"
#include "vuln/match.h"

namespace {

using namespace wisp;

void check(bool ok) {
  if (!ok) std::abort();
}

sbom::Package package(sbom::Ecosystem ecosystem, std::string name, std::string version, std::string origin) {
  sbom::Package p;
  p.ecosystem = ecosystem;
  p.name = std::move(name);
  p.version = std::move(version);
  p.origin = std::move(origin);
  return p;
}

void check_matches(const vuln::Feed& feed) {
  sbom::ImageContents image;
  const bool apk = feed.kind == vuln::FeedKind::apk_secdb;
  const auto ecosystem = apk ? sbom::Ecosystem::apk : sbom::Ecosystem::deb;
  image.os.emplace();
  image.os->id = apk ? feed.distro : "debian";
  image.os->version_codename = feed.release;
  // Every package the feed names, at a low and a middling version.
  for (const auto& [name, fixes] : feed.packages) {
    image.packages.push_back(package(ecosystem, name, "0.1-r0", ""));
    image.packages.push_back(package(ecosystem, name + "-sub", "1.0", name));
    if (image.packages.size() > 64) break;
  }
  auto findings = vuln::match_image(image, {feed});
  for (size_t i = 1; i < findings.size(); ++i)
    check(std::tie(findings[i - 1].id, findings[i - 1].package) < std::tie(findings[i].id, findings[i].package));
  for (const vuln::Finding& f : findings) {
    check(!f.id.empty() && !f.purl.empty() && f.feed == feed.source);
    if (f.fixed_version.empty()) continue;
    int order = apk ? pkg::apk::compare_versions(f.version, f.fixed_version)
                    : pkg::deb::compare_versions(f.version, f.fixed_version);
    check(order < 0);
  }
}

void check_feed(const vuln::Feed& feed) {
  check(feed.source == "fuzz");
  for (const auto& [name, fixes] : feed.packages)
    for (const vuln::Fix& fix : fixes) {
      check(!fix.id.empty() && !fix.severity.empty());
      if (feed.kind == vuln::FeedKind::apk_secdb) {
        check(fix.id.find(' ') == std::string::npos);
        check(fix.not_affected == (fix.fixed_version == "0"));
      } else if (fix.not_affected) {
        check(fix.fixed_version.empty());
      }
    }
  check_matches(feed);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  std::string_view input(reinterpret_cast<const char*>(data) + 1, size - 1);
  Result<vuln::Feed> feed;
  switch (data[0] % 3) {
    case 0: feed = vuln::parse_apk_secdb(input, "fuzz"); break;
    case 1: feed = vuln::parse_debian_tracker(input, "bookworm", "fuzz"); break;
    default: feed = vuln::parse_feed(input, "bookworm", "fuzz"); break;
  }
  if (feed) check_feed(*feed);
  else check(feed.error().message.starts_with("fuzz"));
  return 0;
}
