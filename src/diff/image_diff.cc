#include "diff/image_diff.h"

#include <algorithm>
#include <map>
#include <tuple>

#include <fmt/format.h>

#include "sbom/naming.h"
#include "sbom/purl.h"
#include "vuln/severity.h"

namespace wisp::diff {
namespace {

bool type_selected(std::string_view type, const DiffOptions& options) {
  if (options.artifact_types.empty()) return true;
  return std::ranges::find(options.artifact_types, type) != options.artifact_types.end();
}

std::string purl_type(std::string_view purl) {
  auto parsed = sbom::parse_purl(purl);
  return parsed ? parsed->type : std::string{};
}

/// The packages of the selected types by key; the first of several with one key wins, as in
/// chainctl (packages are sorted, so "first" is deterministic).
std::map<std::string, PackageEntry> keyed_packages(const sbom::ImageContents& image, const DiffOptions& options) {
  std::map<std::string, PackageEntry> out;
  std::string image_arch = image.apk_arch.empty() ? image.oci_arch : image.apk_arch;
  for (const auto& package : image.packages) {
    std::string type = package.ecosystem == sbom::Ecosystem::apk ? "apk" : "deb";
    if (!type_selected(type, options)) continue;
    std::string reference = sbom::package_purl(package, image.os, image_arch);
    out.try_emplace(package_key(reference), PackageEntry{package.name, package.version, reference});
  }
  // chainctl lists the image itself as a pkg:oci package when every type is compared.
  if (type_selected("oci", options) && !image.digest.empty()) {
    std::string reference = sbom::image_purl(image.name, image.digest, image.oci_arch);
    std::string name = image.name.name.empty() ? "image" : image.name.name;
    out.try_emplace(package_key(reference), PackageEntry{name, image.digest, reference});
  }
  return out;
}

ImageFacts facts_of(const sbom::ImageContents& image, size_t packages) {
  ImageFacts facts;
  facts.digest = image.digest;
  facts.arch = image.apk_arch.empty() ? image.oci_arch : image.apk_arch;
  if (image.os) facts.os = image.os->version_id.empty() ? image.os->id : image.os->id + " " + image.os->version_id;
  facts.layers = image.layers.size();
  for (const auto& layer : image.layers) facts.size += layer.size;
  facts.packages = packages;
  return facts;
}

std::string describe(std::string_view which, const ImageFacts& facts) {
  return facts.digest.empty() ? std::string{which} : fmt::format("{} ({})", which, facts.digest);
}

std::vector<std::string> image_warnings(const ImageDiff& diff) {
  std::vector<std::string> out;
  for (const auto& [which, facts] : {std::pair{"FROM", &diff.from}, std::pair{"TO", &diff.to}}) {
    if (facts->packages == 0)
      out.push_back(fmt::format("{} has no packages of the compared types: all of the other image's show as {}",
                                describe(which, *facts), which == std::string_view{"FROM"} ? "added" : "removed"));
  }
  std::string from_distro = diff.from.os.substr(0, diff.from.os.find(' '));
  std::string to_distro = diff.to.os.substr(0, diff.to.os.find(' '));
  if (!from_distro.empty() && !to_distro.empty() && from_distro != to_distro)
    out.push_back(fmt::format("FROM is {} and TO is {}: packages of different distros never match", from_distro,
                              to_distro));
  if (!diff.from.arch.empty() && !diff.to.arch.empty() && diff.from.arch != diff.to.arch)
    out.push_back(fmt::format("FROM is {} and TO is {}: packages of different architectures never match",
                              diff.from.arch, diff.to.arch));
  return out;
}

/// One entry per id, from findings sorted by (id, package, ...): the first finding's
/// namespace, the highest severity of them all.
std::map<std::string, VulnerabilityEntry> keyed_vulnerabilities(const std::vector<vuln::Finding>& findings,
                                                                const DiffOptions& options) {
  std::map<std::string, VulnerabilityEntry> out;
  for (const auto& finding : findings) {
    if (!options.artifact_types.empty() && !type_selected(purl_type(finding.purl), options)) continue;
    auto [it, inserted] = out.try_emplace(finding.id, VulnerabilityEntry{finding.id, finding.namespace_, finding.severity});
    if (!inserted && vuln::severity_rank(finding.severity) > vuln::severity_rank(it->second.severity))
      it->second.severity = finding.severity;
    if (it->second.severity.empty()) it->second.severity = "Unknown";
  }
  return out;
}

template <typename Entry>
std::vector<Entry> only_in(const std::map<std::string, Entry>& left, const std::map<std::string, Entry>& right) {
  std::vector<Entry> out;
  for (const auto& [key, entry] : left)
    if (!right.contains(key)) out.push_back(entry);
  return out;
}

void sort_entries(std::vector<PackageEntry>& entries) {
  std::ranges::sort(entries, {}, [](const PackageEntry& e) { return std::tie(e.name, e.version, e.reference); });
}

}  // namespace

std::string package_key(std::string_view purl) {
  auto parsed = sbom::parse_purl(purl);
  if (!parsed) return std::string{purl};
  parsed->version.clear();
  std::erase_if(parsed->qualifiers, [](const auto& qualifier) { return qualifier.first != "arch"; });
  return sbom::to_string(*parsed);
}

ImageDiff diff_images(const sbom::ImageContents& from, const sbom::ImageContents& to, const DiffOptions& options) {
  auto before = keyed_packages(from, options);
  auto after = keyed_packages(to, options);
  ImageDiff diff;
  diff.from = facts_of(from, before.size());
  diff.to = facts_of(to, after.size());
  diff.added = only_in(after, before);
  diff.removed = only_in(before, after);
  for (const auto& [key, previous] : before) {
    auto it = after.find(key);
    if (it == after.end() || it->second.version == previous.version) continue;
    diff.changed.push_back(PackageChange{it->second.name, {it->second.version, it->second.reference},
                                         {previous.version, previous.reference}});
  }
  sort_entries(diff.added);
  sort_entries(diff.removed);
  std::ranges::sort(diff.changed, {}, [](const PackageChange& c) { return std::tie(c.name, c.current.reference); });
  diff.warnings = image_warnings(diff);
  return diff;
}

ImageDiff diff_images(const sbom::ImageContents& from, const sbom::ImageContents& to,
                      const std::vector<vuln::Finding>& from_findings,
                      const std::vector<vuln::Finding>& to_findings, const DiffOptions& options) {
  ImageDiff diff = diff_images(from, to, options);
  auto before = keyed_vulnerabilities(from_findings, options);
  auto after = keyed_vulnerabilities(to_findings, options);
  diff.vulnerabilities_compared = true;
  diff.vulnerabilities_added = only_in(after, before);  // std::map keeps them sorted by id
  diff.vulnerabilities_removed = only_in(before, after);
  return diff;
}

}  // namespace wisp::diff
