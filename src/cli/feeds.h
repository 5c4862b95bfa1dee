// Security feeds for scan and diff: fetched once (paths, file://, http(s) through the download
// cache), parsed per image, because Debian tracker data is narrowed to the image's release.
#pragma once

#include <string>
#include <vector>

#include "base/result.h"
#include "pkg/repo/fetcher.h"
#include "sbom/contents.h"
#include "vuln/feed.h"

namespace wisp::cli {

/// A feed's bytes as fetched, and where from.
struct FeedText {
  std::string source;
  std::string bytes;
};

/// Fetches every location (errors name it); nothing when `locations` is empty.
Result<std::vector<FeedText>> fetch_feeds(const std::vector<std::string>& locations,
                                          pkg::repo::FetcherOptions options);

/// A Debian image's release codename: os-release VERSION_CODENAME, or for older files the
/// stable release its VERSION_ID names; empty when the image is not Debian or it can't be told.
std::string debian_release(const sbom::ImageContents& image);

/// Parses the feeds, narrowing Debian tracker feeds to `release` (Errc::usage, naming the feed,
/// when one is given an empty release).
Result<std::vector<vuln::Feed>> parse_feeds(const std::vector<FeedText>& texts, const std::string& release);

}  // namespace wisp::cli
