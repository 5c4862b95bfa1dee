#include "vuln/feed.h"

#include <nlohmann/json.hpp>

namespace wisp::vuln {
namespace {

// The Debian tracker's whole-archive JSON is about 100 MB; anything far beyond is not a feed.
constexpr size_t kMaxFeedBytes = size_t{1} << 30;

using json = nlohmann::json;

Result<json> parse_object(std::string_view text, std::string_view source) {
  if (text.size() > kMaxFeedBytes) return fail(Errc::too_large, "{}: feed larger than {} bytes", source, kMaxFeedBytes);
  json doc = json::parse(text, nullptr, false);
  if (doc.is_discarded()) return fail(Errc::bad_format, "{}: not JSON", source);
  if (!doc.is_object()) return fail(Errc::bad_format, "{}: feed is not a JSON object", source);
  return doc;
}

std::string string_field(const json& object, const char* key) {
  auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// Which distribution an apk secdb describes; its own fields say so (Wolfi's urlprefix is
// packages.wolfi.dev, Chainguard's *.cgr.dev with reponame "chainguard", Alpine's
// dl-cdn.alpinelinux.org with reponames main/community).
std::string apk_distro(const json& doc) {
  std::string prefix = string_field(doc, "urlprefix");
  std::string repo = string_field(doc, "reponame");
  if (prefix.find("wolfi.dev") != std::string::npos) return "wolfi";
  if (prefix.find("cgr.dev") != std::string::npos || repo == "chainguard") return "chainguard";
  if (prefix.find("alpinelinux.org") != std::string::npos) return "alpine";
  if (repo == "wolfi") return "wolfi";
  return "";
}

// Alpine's secdb sometimes lists several ids in one string ("CVE-2019-1 CVE-2019-2"), or an id
// with a trailing remark; each whitespace-separated word is an id.
std::vector<std::string> split_ids(std::string_view text) {
  std::vector<std::string> ids;
  size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && (text[i] == ' ' || text[i] == '\t' || text[i] == '\n')) ++i;
    size_t start = i;
    while (i < text.size() && text[i] != ' ' && text[i] != '\t' && text[i] != '\n') ++i;
    if (i > start) ids.emplace_back(text.substr(start, i - start));
  }
  return ids;
}

Result<Feed> apk_secdb_from(const json& doc, std::string_view source) {
  auto packages = doc.find("packages");
  if (packages == doc.end() || !packages->is_array())
    return fail(Errc::bad_format, "{}: apk secdb without a \"packages\" array", source);
  Feed feed;
  feed.kind = FeedKind::apk_secdb;
  feed.source = std::string(source);
  feed.distro = apk_distro(doc);
  for (const json& entry : *packages) {
    if (!entry.is_object() || !entry.contains("pkg") || !entry["pkg"].is_object())
      return fail(Errc::bad_format, "{}: secdb package entry without \"pkg\" object", source);
    const json& pkg = entry["pkg"];
    std::string name = string_field(pkg, "name");
    if (name.empty()) return fail(Errc::bad_format, "{}: secdb package without a name", source);
    auto secfixes = pkg.find("secfixes");
    if (secfixes == pkg.end() || secfixes->is_null()) continue;
    if (!secfixes->is_object())
      return fail(Errc::bad_format, "{}: secfixes of {} is not an object", source, name);
    std::vector<Fix>& fixes = feed.packages[name];
    for (const auto& [version, ids] : secfixes->items()) {
      if (!ids.is_array())
        return fail(Errc::bad_format, "{}: secfixes {} {} is not a list", source, name, version);
      for (const json& id : ids) {
        if (!id.is_string())
          return fail(Errc::bad_format, "{}: secfixes {} {} has a non-string id", source, name, version);
        for (std::string& word : split_ids(id.get_ref<const std::string&>())) {
          Fix fix;
          fix.id = std::move(word);
          fix.fixed_version = version;
          fix.not_affected = version == "0";
          fix.severity = "Unknown";
          fixes.push_back(std::move(fix));
        }
      }
    }
  }
  return feed;
}

// Debian's urgency words, in Grype's severity names; "**" marks a guess by the tracker.
std::string debian_severity(std::string urgency) {
  while (!urgency.empty() && urgency.back() == '*') urgency.pop_back();
  if (urgency == "unimportant") return "Negligible";
  if (urgency == "low") return "Low";
  if (urgency == "medium") return "Medium";
  if (urgency == "high") return "High";
  return "Unknown";
}

Result<Feed> debian_tracker_from(const json& doc, std::string_view release, std::string_view source) {
  Feed feed;
  feed.kind = FeedKind::debian_tracker;
  feed.source = std::string(source);
  feed.distro = "debian";
  feed.release = std::string(release);
  const std::string codename(release);
  for (const auto& [package, issues] : doc.items()) {
    if (!issues.is_object())
      return fail(Errc::bad_format, "{}: entry {} is not an object", source, package);
    for (const auto& [id, issue] : issues.items()) {
      if (!issue.is_object()) return fail(Errc::bad_format, "{}: {} {} is not an object", source, package, id);
      auto releases = issue.find("releases");
      if (releases == issue.end() || !releases->is_object()) continue;
      auto rel = releases->find(codename);
      if (rel == releases->end() || !rel->is_object()) continue;
      std::string status = string_field(*rel, "status");
      std::string fixed = string_field(*rel, "fixed_version");
      Fix fix;
      fix.id = id;
      fix.severity = debian_severity(string_field(*rel, "urgency"));
      fix.description = string_field(issue, "description");
      if (status == "resolved") {
        if (fixed.empty()) continue;  // resolved without saying how: nothing to compare
        if (fixed == "0") fix.not_affected = true;
        else fix.fixed_version = fixed;
      } else if (status != "open" && status != "undetermined") {
        continue;
      }
      feed.packages[package].push_back(std::move(fix));
    }
  }
  return feed;
}

}  // namespace

Result<Feed> parse_apk_secdb(std::string_view json_text, std::string_view source) {
  TRY_ASSIGN(json doc, parse_object(json_text, source));
  try {
    return apk_secdb_from(doc, source);
  } catch (const json::exception& e) {
    return fail(Errc::bad_format, "{}: {}", source, e.what());
  }
}

Result<Feed> parse_debian_tracker(std::string_view json_text, std::string_view release, std::string_view source) {
  if (release.empty()) return fail(Errc::usage, "{}: a Debian feed needs a release codename", source);
  TRY_ASSIGN(json doc, parse_object(json_text, source));
  try {
    return debian_tracker_from(doc, release, source);
  } catch (const json::exception& e) {
    return fail(Errc::bad_format, "{}: {}", source, e.what());
  }
}

Result<Feed> parse_feed(std::string_view json_text, std::string_view release, std::string_view source) {
  TRY_ASSIGN(json doc, parse_object(json_text, source));
  try {
    auto packages = doc.find("packages");
    if (packages != doc.end() && packages->is_array()) return apk_secdb_from(doc, source);
    if (release.empty())
      return fail(Errc::usage, "{}: a Debian tracker feed needs a release codename (--release)", source);
    return debian_tracker_from(doc, release, source);
  } catch (const json::exception& e) {
    return fail(Errc::bad_format, "{}: {}", source, e.what());
  }
}

}  // namespace wisp::vuln
