// Security feeds: which package versions fix which vulnerabilities.
//  - apk secdb (Wolfi/Chainguard/Alpine security.json): {"apkurl","archs","reponame","urlprefix",
//    "packages":[{"pkg":{"name":ORIGIN,"secfixes":{"FIXED-VERSION":["CVE-..."],...}}}]}. A package
//    is affected by every entry whose version is greater than the installed one; version "0"
//    means "never affected" (a false positive the distro has ruled out). Looked up by origin.
//  - Debian security tracker JSON (https://security-tracker.debian.org/tracker/data/json):
//    {SOURCE:{ID:{"description","scope","releases":{CODENAME:{"status":"resolved|open|undetermined",
//    "fixed_version","urgency":"low|medium|high|unimportant|not yet assigned|end-of-life",...}}}}}.
//    Looked up by source package and the image's release codename.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace wisp::vuln {

enum class FeedKind { apk_secdb, debian_tracker };

/// One fix (or ruling) for one source package.
struct Fix {
  std::string id;             // "CVE-2023-1234", "GHSA-...", "TEMP-..."
  std::string fixed_version;  // apk: "1.2-r3" ("0": not affected); deb: "" when not fixed yet
  bool not_affected = false;  // apk "0"; deb status resolved with fixed_version "0"
  std::string severity;       // "Unknown", "Negligible", "Low", "Medium", "High", "Critical"
  std::string description;    // deb only; may be empty
};

struct Feed {
  FeedKind kind = FeedKind::apk_secdb;
  std::string source;   // where it was read from (path or URL), for messages and reports
  std::string distro;   // apk: "wolfi"/"chainguard"/"alpine" (from reponame/urlprefix, or as
                        // given); deb: "debian"
  std::string release;  // deb: the codename this feed was narrowed to ("bookworm"); apk: ""
  /// By source package name (apk origin, deb Source), every fix or ruling recorded for it.
  std::map<std::string, std::vector<Fix>> packages;
};

/// Parses an apk secdb document. `source` names it in errors. Errc::bad_format.
Result<Feed> parse_apk_secdb(std::string_view json, std::string_view source);
/// Parses Debian tracker JSON, keeping only `release` (a codename). Errc::bad_format.
Result<Feed> parse_debian_tracker(std::string_view json, std::string_view release, std::string_view source);
/// Parses either kind, told apart by shape: an object with a "packages" array is an apk secdb,
/// any other object Debian tracker JSON narrowed to `release` (Errc::usage when that is empty).
Result<Feed> parse_feed(std::string_view json, std::string_view release, std::string_view source);

}  // namespace wisp::vuln
