#include "cli/feeds.h"

#include <map>

namespace wisp::cli {

Result<std::vector<FeedText>> fetch_feeds(const std::vector<std::string>& locations,
                                          pkg::repo::FetcherOptions options) {
  std::vector<FeedText> out;
  if (locations.empty()) return out;
  TRY_ASSIGN(auto fetcher, pkg::repo::Fetcher::create(std::move(options)));
  for (const auto& location : locations) {
    TRY_ASSIGN_CTX(std::string bytes, fetcher->fetch(location), "--feed");
    out.push_back({location, std::move(bytes)});
  }
  return out;
}

std::string debian_release(const sbom::ImageContents& image) {
  if (!image.os || image.os->id != "debian") return {};
  if (!image.os->version_codename.empty()) return image.os->version_codename;
  // Older os-release files lack VERSION_CODENAME; the stable releases' numbers are fixed.
  static const std::map<std::string, std::string, std::less<>> k_codenames = {
      {"10", "buster"}, {"11", "bullseye"}, {"12", "bookworm"}, {"13", "trixie"}, {"14", "forky"}};
  auto it = k_codenames.find(image.os->version_id);
  return it == k_codenames.end() ? std::string{} : it->second;
}

Result<std::vector<vuln::Feed>> parse_feeds(const std::vector<FeedText>& texts, const std::string& release) {
  std::vector<vuln::Feed> out;
  for (const auto& text : texts) {
    TRY_ASSIGN(vuln::Feed feed, vuln::parse_feed(text.bytes, release, text.source));
    out.push_back(std::move(feed));
  }
  return out;
}

}  // namespace wisp::cli
