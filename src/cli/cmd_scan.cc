// wisp scan: known vulnerabilities of an image's packages, from security feeds (apk secdb,
// Debian security tracker), matched the way Grype does (vuln/match.h).
#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <nlohmann/json.hpp>

#include "cli/command.h"
#include "cli/commands.h"
#include "cli/image_contents.h"
#include "cli/feeds.h"
#include "vuln/match.h"
#include "vuln/severity.h"

namespace wisp::cli {
namespace {

using vuln::k_severities;
using vuln::severity_rank;

void print_table(const std::vector<vuln::Finding>& findings) {
  std::vector<const vuln::Finding*> rows;
  for (const vuln::Finding& f : findings) rows.push_back(&f);
  std::ranges::stable_sort(rows, [](const vuln::Finding* a, const vuln::Finding* b) {
    return std::tie(a->package, a->id) < std::tie(b->package, b->id);
  });
  std::array<size_t, 4> width{4, 9, 8, 13};  // NAME INSTALLED FIXED-IN VULNERABILITY
  for (const vuln::Finding* f : rows) {
    width[0] = std::max(width[0], f->package.size());
    width[1] = std::max(width[1], f->version.size());
    width[2] = std::max(width[2], f->fixed_version.size());
    width[3] = std::max(width[3], f->id.size());
  }
  auto line = [&](std::string_view a, std::string_view b, std::string_view c, std::string_view d, std::string_view e) {
    fmt::print("{:<{}}  {:<{}}  {:<{}}  {:<{}}  {}\n", a, width[0], b, width[1], c, width[2], d, width[3], e);
  };
  line("NAME", "INSTALLED", "FIXED-IN", "VULNERABILITY", "SEVERITY");
  for (const vuln::Finding* f : rows) line(f->package, f->version, f->fixed_version, f->id, f->severity);
}

std::string to_json(const sbom::ImageContents& image, const std::vector<vuln::Feed>& feeds,
                    const std::vector<vuln::Finding>& findings) {
  nlohmann::ordered_json doc;
  doc["image"]["digest"] = image.digest;
  doc["image"]["arch"] = image.apk_arch;
  doc["image"]["distro"]["name"] = image.os ? image.os->id : "";
  doc["image"]["distro"]["version"] = image.os ? image.os->version_id : "";
  doc["feeds"] = nlohmann::ordered_json::array();
  for (const vuln::Feed& feed : feeds) {
    nlohmann::ordered_json entry;
    entry["source"] = feed.source;
    entry["kind"] = feed.kind == vuln::FeedKind::apk_secdb ? "apk-secdb" : "debian-tracker";
    entry["distro"] = feed.distro;
    if (!feed.release.empty()) entry["release"] = feed.release;
    entry["packages"] = feed.packages.size();
    doc["feeds"].push_back(std::move(entry));
  }
  doc["matches"] = nlohmann::ordered_json::array();
  for (const vuln::Finding& f : findings) {
    nlohmann::ordered_json match;
    auto& v = match["vulnerability"];
    v["id"] = f.id;
    v["severity"] = f.severity;
    v["namespace"] = f.namespace_;
    v["fix"]["versions"] = f.fixed_version.empty() ? nlohmann::ordered_json::array()
                                                   : nlohmann::ordered_json::array({f.fixed_version});
    v["fix"]["state"] = f.fixed_version.empty() ? "not-fixed" : "fixed";
    auto& a = match["artifact"];
    a["name"] = f.package;
    a["version"] = f.version;
    a["purl"] = f.purl;
    a["upstream"] = f.source_package;
    match["feed"] = f.feed;
    doc["matches"].push_back(std::move(match));
  }
  return doc.dump(2) + "\n";
}

std::string summary(const std::vector<vuln::Finding>& findings) {
  std::array<size_t, k_severities.size()> counts{};
  for (const vuln::Finding& f : findings) ++counts[severity_rank(f.severity)];
  std::string parts;
  for (size_t i = k_severities.size(); i-- > 0;) {
    if (!parts.empty()) parts += ", ";
    std::string name(k_severities[i]);
    name[0] = static_cast<char>(name[0] - 'A' + 'a');
    parts += fmt::format("{} {}", counts[i], name);
  }
  return fmt::format("{} vulnerability match{} ({})", findings.size(), findings.size() == 1 ? "" : "es", parts);
}

}  // namespace

int cmd_scan(const std::string& prog, std::vector<std::string> args) {
  CLI::App app{"List the known vulnerabilities of an image's packages, from security feeds: apk secdb\n"
               "(Wolfi, Chainguard, Alpine security.json) or the Debian security tracker's JSON. A\n"
               "package is matched by its source package (apk origin, deb Source) within the image's\n"
               "distribution, versions compared by the package manager's rules; \"not affected\"\n"
               "rulings suppress a match. REF is oci:DIR[:TAG], docker-archive:FILE, a path, or a\n"
               "registry image ([docker://]REGISTRY/REPO[:TAG|@DIGEST]). Exit 1 with --fail-on when\n"
               "a match at or above that severity exists.",
               prog};
  std::string ref, arch, release, output = "table", fail_on;
  std::vector<std::string> feed_locations;
  bool only_fixed = false;
  RegistryFlags flags;
  app.add_option("ref", ref, "The image")->required();
  app.add_option("--arch", arch, "The architecture to scan (default: the only one, else this machine's)");
  app.add_option("--feed", feed_locations, "A feed: a file or an http(s):// URL (repeatable)")->required();
  app.add_option("--release", release, "Debian release codename for tracker feeds (default: the image's)");
  app.add_option("-o,--output", output, "table or json")->check(CLI::IsMember({"table", "json"}));
  // apk secdb records no severities: "unknown" (any match) is the level that can fail on them.
  app.add_option("--fail-on", fail_on, "Exit 1 when a match has at least this severity (unknown: any match)")
      ->check(CLI::IsMember({"unknown", "negligible", "low", "medium", "high", "critical"}));
  app.add_flag("--only-fixed", only_fixed, "Only matches that have a fix");
  flags.add_to(app);
  if (auto rc = parse(app, std::move(args))) return *rc;
  if (flags.json) output = "json";

  auto image = read_image_contents(ref, arch, flags);
  if (!image) return report(image.error());
  auto texts = fetch_feeds(feed_locations, {});
  if (!texts) return report(texts.error());
  auto feeds = parse_feeds(*texts, release.empty() ? debian_release(*image) : release);
  if (!feeds) return report(feeds.error());

  std::vector<vuln::Finding> findings = vuln::match_image(*image, *feeds);
  if (only_fixed) std::erase_if(findings, [](const vuln::Finding& f) { return f.fixed_version.empty(); });
  if (output == "json") fmt::print("{}", to_json(*image, *feeds, findings));
  else print_table(findings);
  fmt::print(stderr, "{}\n", summary(findings));

  if (fail_on.empty()) return k_exit_ok;
  std::string threshold = fail_on;
  threshold[0] = static_cast<char>(threshold[0] - 'a' + 'A');
  size_t rank = severity_rank(threshold);
  size_t failing = static_cast<size_t>(std::ranges::count_if(
      findings, [&](const vuln::Finding& f) { return severity_rank(f.severity) >= rank; }));
  if (failing == 0) return k_exit_ok;
  fmt::print(stderr, "wisp: {} match{} at or above severity {} (--fail-on)\n", failing, failing == 1 ? "" : "es", fail_on);
  return k_exit_failure;
}

}  // namespace wisp::cli
