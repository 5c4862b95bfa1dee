#include "sbom/spdx.h"

#include <set>
#include <tuple>

#include <nlohmann/json.hpp>

#include "base/digest.h"
#include "base/encoding.h"
#include "oci/objects.h"
#include "sbom/embedded.h"
#include "sbom/license.h"
#include "sbom/license_list.h"
#include "sbom/naming.h"

namespace wisp::sbom {
namespace {

using json = nlohmann::ordered_json;

constexpr std::string_view k_noassertion = "NOASSERTION";

/// The LicenseRefs a document uses, each defined once with its text.
class Licenses {
 public:
  /// The expression to write for raw licence text. LicenseRefs it uses are recorded: made-up
  /// ones with the text they stand for, others with `known` texts (or their own id).
  std::string declare(std::string_view raw, const std::map<std::string, std::string>& known = {}) {
    NormalizedLicense n = normalize_license(raw);
    std::string out;
    const std::string& e = n.expression;
    for (size_t i = 0; i < e.size();) {
      if (e[i] == ' ' || e[i] == '(' || e[i] == ')') {
        out += e[i++];
        continue;
      }
      size_t end = e.find_first_of(" ()", i);
      if (end == std::string::npos) end = e.size();
      out += define(e.substr(i, end - i), n.refs, known);
      i = end;
    }
    return out;
  }

  json infos() const {
    json out = json::array();
    for (const auto& [id, text] : m_texts) out.push_back({{"licenseId", id}, {"extractedText", text}});
    return out;
  }
  bool empty() const { return m_texts.empty(); }

 private:
  std::string define(const std::string& token, const std::vector<LicenseRef>& made,
                     const std::map<std::string, std::string>& known) {
    if (!token.starts_with("LicenseRef-")) return token;
    std::string text = token;
    for (const LicenseRef& r : made)
      if (r.id == token) text = r.text;
    if (auto it = known.find(token); it != known.end() && !it->second.empty()) text = it->second;
    std::string id = token;
    auto it = m_texts.find(id);
    // Two texts that respell to one id stay apart by a hash of the text.
    if (it != m_texts.end() && it->second != text) id += "-" + hex_encode(sha256(text)).substr(0, 8);
    m_texts.emplace(id, text);
    return id;
  }

  std::map<std::string, std::string> m_texts;
};

bool is_relationship_type(std::string_view type) {
  static const std::set<std::string, std::less<>> k_types = {
      "VARIANT_OF", "COPY_OF", "PATCH_FOR", "TEST_DEPENDENCY_OF", "CONTAINED_BY", "DATA_FILE_OF",
      "OPTIONAL_COMPONENT_OF", "ANCESTOR_OF", "GENERATES", "CONTAINS", "OPTIONAL_DEPENDENCY_OF", "FILE_ADDED",
      "REQUIREMENT_DESCRIPTION_FOR", "DEV_DEPENDENCY_OF", "DEPENDENCY_OF", "BUILD_DEPENDENCY_OF", "DESCRIBES",
      "PREREQUISITE_FOR", "HAS_PREREQUISITE", "PROVIDED_DEPENDENCY_OF", "DYNAMIC_LINK", "DESCRIBED_BY",
      "METAFILE_OF", "DEPENDENCY_MANIFEST_OF", "PATCH_APPLIED", "RUNTIME_DEPENDENCY_OF", "TEST_OF",
      "TEST_TOOL_OF", "DEPENDS_ON", "SPECIFICATION_FOR", "FILE_MODIFIED", "DISTRIBUTION_ARTIFACT", "AMENDS",
      "DOCUMENTATION_OF", "GENERATED_FROM", "STATIC_LINK", "OTHER", "BUILD_TOOL_OF", "TEST_CASE_OF",
      "PACKAGE_OF", "DESCENDANT_OF", "FILE_DELETED", "EXPANDED_FROM_ARCHIVE", "DEV_TOOL_OF", "EXAMPLE_OF"};
  return k_types.count(type) > 0;
}

bool is_party(std::string_view who) {
  return who == k_noassertion || who.starts_with("Organization: ") || who.starts_with("Person: ");
}

bool is_web_url(std::string_view url) {
  return (url.starts_with("https://") || url.starts_with("http://")) && url.find_first_of(" \t\n\"<>") == std::string_view::npos;
}

std::string checksum_algorithm(std::string_view digest) { return digest.starts_with("sha512:") ? "SHA512" : "SHA256"; }

std::string digest_hex(std::string_view digest) {
  size_t colon = digest.find(':');
  return std::string(colon == std::string_view::npos ? digest : digest.substr(colon + 1));
}

json purl_ref(const std::string& purl) {
  return json::array({{{"referenceCategory", "PACKAGE-MANAGER"}, {"referenceType", "purl"}, {"referenceLocator", purl}}});
}

/// The document frame: everything before packages.
json document(std::string name, std::string ns, int64_t created) {
  json doc;
  doc["spdxVersion"] = "SPDX-2.3";
  doc["dataLicense"] = "CC0-1.0";
  doc["SPDXID"] = "SPDXRef-DOCUMENT";
  doc["name"] = std::move(name);
  doc["documentNamespace"] = std::move(ns);
  doc["creationInfo"] = {{"created", oci::rfc3339_utc(created)},
                         {"creators", json::array({fmt::format("Tool: {}-{}", tool_name(), tool_version())})},
                         {"licenseListVersion", std::string(k_license_list_version)}};
  return doc;
}

json container_package(const std::string& id, const std::string& name, const std::string& digest,
                        const std::string& description, const std::string& purl) {
  return {{"SPDXID", id},
          {"name", name},
          {"versionInfo", digest},
          {"downloadLocation", k_noassertion},
          {"filesAnalyzed", false},
          {"description", description},
          {"checksums", json::array({{{"algorithm", checksum_algorithm(digest)}, {"checksumValue", digest_hex(digest)}}})},
          {"externalRefs", purl_ref(purl)},
          {"primaryPackagePurpose", "CONTAINER"}};
}

using Relationship = std::tuple<std::string, std::string, std::string>;

/// DESCRIBES first, then the rest sorted.
json relationships(const std::string& described, const std::set<Relationship>& rels) {
  json out = json::array();
  out.push_back({{"spdxElementId", "SPDXRef-DOCUMENT"}, {"relationshipType", "DESCRIBES"}, {"relatedSpdxElement", described}});
  for (const auto& [from, type, to] : rels)
    out.push_back({{"spdxElementId", from}, {"relationshipType", type}, {"relatedSpdxElement", to}});
  return out;
}

std::string dump(const json& doc) {
  return doc.dump(2, ' ', false, nlohmann::detail::error_handler_t::replace) + "\n";
}

json installed_package(const Package& p, const std::string& id, const std::string& supplier, const std::string& purl,
                       Licenses& licenses) {
  json j;
  j["SPDXID"] = id;
  j["name"] = p.name;
  j["versionInfo"] = p.version;
  j["supplier"] = supplier;
  if (std::string originator = spdx_person(p.maintainer); !originator.empty()) j["originator"] = originator;
  j["downloadLocation"] = k_noassertion;
  j["filesAnalyzed"] = false;
  if (is_web_url(p.homepage)) j["homepage"] = p.homepage;
  if (!p.origin.empty())
    j["sourceInfo"] = fmt::format("built from source package {} {}", p.origin,
                                  p.source_version.empty() ? p.version : p.source_version);
  j["licenseConcluded"] = k_noassertion;
  j["licenseDeclared"] = licenses.declare(p.license);
  j["copyrightText"] = k_noassertion;
  if (!p.description.empty()) j["description"] = p.description;
  json sums = json::array();
  if (!p.sha1.empty()) sums.push_back({{"algorithm", "SHA1"}, {"checksumValue", p.sha1}});
  if (!p.sha256.empty()) sums.push_back({{"algorithm", "SHA256"}, {"checksumValue", p.sha256}});
  if (!sums.empty()) j["checksums"] = std::move(sums);
  j["externalRefs"] = purl_ref(purl);
  j["primaryPackagePurpose"] = "LIBRARY";
  return j;
}

json embedded_package(const EmbeddedPackage& e, const std::string& supplier, Licenses& licenses,
                      const std::map<std::string, std::string>& texts) {
  json j;
  j["SPDXID"] = e.spdx_id;
  j["name"] = e.name.empty() ? e.spdx_id : e.name;
  if (!e.version.empty()) j["versionInfo"] = e.version;
  j["supplier"] = is_party(e.supplier) ? e.supplier : supplier;
  j["originator"] = is_party(e.originator) ? e.originator : supplier;
  j["downloadLocation"] = e.download_location;
  j["filesAnalyzed"] = false;
  if (is_web_url(e.homepage)) j["homepage"] = e.homepage;
  j["licenseConcluded"] = k_noassertion;
  j["licenseDeclared"] = e.license_declared.empty() ? std::string(k_noassertion) : licenses.declare(e.license_declared, texts);
  if (!e.copyright.empty()) j["copyrightText"] = e.copyright;
  if (!e.description.empty()) j["description"] = e.description;
  if (!e.checksums.empty()) {
    json sums = json::array();
    for (const auto& [alg, value] : e.checksums) sums.push_back({{"algorithm", alg}, {"checksumValue", value}});
    j["checksums"] = std::move(sums);
  }
  if (!e.refs.empty()) {
    json refs = json::array();
    for (const ExternalRef& r : e.refs)
      refs.push_back({{"referenceCategory", r.category}, {"referenceType", r.type}, {"referenceLocator", r.locator}});
    j["externalRefs"] = std::move(refs);
  }
  if (!e.purpose.empty()) j["primaryPackagePurpose"] = e.purpose;
  return j;
}

}  // namespace

std::string write_spdx(const ImageContents& image) {
  json doc = document("sbom-" + image.digest, document_namespace("image", image.digest), image.created);
  Licenses licenses;
  json packages = json::array();
  std::set<std::string> ids;
  std::set<Relationship> rels;

  const std::string image_id = spdx_id("Image-" + image.digest);
  const std::string image_name = image.name.name.empty() ? image.digest : image.name.name;
  std::string platform = image.oci_variant.empty() ? image.oci_arch : image.oci_arch + "/" + image.oci_variant;
  packages.push_back(container_package(image_id, image_name, image.digest, fmt::format("linux/{} image", platform),
                                       image_purl(image.name, image.digest, image.oci_arch)));
  ids.insert(image_id);

  for (size_t i = 0; i < image.layers.size(); ++i) {
    const Layer& l = image.layers[i];
    std::string id = spdx_id(fmt::format("Layer-{}-{}", i, l.digest));
    json j = {{"SPDXID", id},
              {"name", fmt::format("{} layer {}", image_name, i)},
              {"versionInfo", l.digest},
              {"downloadLocation", k_noassertion},
              {"filesAnalyzed", false},
              {"description", fmt::format("layer {} of {}: {}, {} bytes{}", i + 1, image.layers.size(), l.media_type,
                                          l.size, l.diff_id.empty() ? "" : ", diff_id " + l.diff_id)},
              {"checksums", json::array({{{"algorithm", checksum_algorithm(l.digest)}, {"checksumValue", digest_hex(l.digest)}}})},
              {"primaryPackagePurpose", "ARCHIVE"}};
    packages.push_back(std::move(j));
    ids.insert(id);
    rels.emplace(image_id, "CONTAINS", id);
  }

  std::string supplier(k_noassertion);
  if (image.os) {
    const OsRelease& os = *image.os;
    std::string os_name = os.id.empty() ? "unknown" : os.id;
    if (!os.name.empty()) supplier = "Organization: " + os.name;
    std::string id = spdx_id("OperatingSystem-" + os_name);
    json j;
    j["SPDXID"] = id;
    j["name"] = os_name;
    if (!os.version_id.empty()) j["versionInfo"] = os.version_id;
    j["supplier"] = supplier;
    j["downloadLocation"] = k_noassertion;
    j["filesAnalyzed"] = false;
    if (is_web_url(os.home_url)) j["homepage"] = os.home_url;
    if (!os.pretty_name.empty()) j["description"] = os.pretty_name;
    j["primaryPackagePurpose"] = "OPERATING_SYSTEM";
    packages.push_back(std::move(j));
    ids.insert(id);
    rels.emplace(image_id, "CONTAINS", id);
  }

  std::vector<std::string> package_ids = package_spdx_ids(image.packages);
  for (size_t i = 0; i < image.packages.size(); ++i) {
    const Package& p = image.packages[i];
    packages.push_back(installed_package(p, package_ids[i], supplier, package_purl(p, image.os, image.apk_arch), licenses));
    ids.insert(package_ids[i]);
    rels.emplace(image_id, "CONTAINS", package_ids[i]);
  }
  auto deps = resolve_dependencies(image.packages);
  for (size_t i = 0; i < deps.size(); ++i)
    for (size_t d : deps[i]) rels.emplace(package_ids[i], "DEPENDS_ON", package_ids[d]);

  // What the packages' own documents add: in package order, first writer of an id wins.
  std::vector<json> added;
  std::vector<Relationship> pending;
  for (size_t i = 0; i < image.packages.size(); ++i) {
    auto it = image.embedded.find(image.packages[i].name);
    if (it == image.embedded.end()) continue;
    auto embedded = parse_embedded_sbom(it->second, image.packages[i].name);
    if (!embedded) continue;  // a broken document adds nothing; the package is listed anyway
    for (const EmbeddedPackage& e : embedded->packages) {
      if (!ids.insert(e.spdx_id).second) continue;
      added.push_back(embedded_package(e, supplier, licenses, embedded->license_texts));
    }
    for (const EmbeddedRelationship& r : embedded->relationships)
      pending.emplace_back(r.from.empty() ? package_ids[i] : r.from, r.type, r.to.empty() ? package_ids[i] : r.to);
  }
  std::sort(added.begin(), added.end(),
            [](const json& a, const json& b) { return a["SPDXID"].get<std::string>() < b["SPDXID"].get<std::string>(); });
  for (json& j : added) packages.push_back(std::move(j));
  for (auto& r : pending)
    if (is_relationship_type(std::get<1>(r)) && ids.count(std::get<0>(r)) && ids.count(std::get<2>(r)) &&
        std::get<1>(r) != "DESCRIBES")
      rels.insert(std::move(r));

  if (!licenses.empty()) doc["hasExtractedLicensingInfos"] = licenses.infos();
  doc["packages"] = std::move(packages);
  doc["relationships"] = relationships(image_id, rels);
  return dump(doc);
}

std::string write_index_spdx(const IndexContents& index) {
  json doc = document("sbom-" + index.digest, document_namespace("index", index.digest), index.created);
  const std::string name = index.name.name.empty() ? index.digest : index.name.name;
  const std::string index_id = spdx_id("ImageIndex-" + index.digest);
  json packages = json::array();
  packages.push_back(container_package(index_id, name, index.digest, "Multi-arch image index",
                                       image_purl(index.name, index.digest, "")));
  std::set<Relationship> rels;
  std::set<std::string> ids = {index_id};
  for (const IndexContents::Entry& e : index.images) {
    std::string id = spdx_id("Image-" + e.digest);
    if (!ids.insert(id).second) continue;
    std::string platform = e.oci_variant.empty() ? e.oci_arch : e.oci_arch + "/" + e.oci_variant;
    packages.push_back(container_package(id, name, e.digest, fmt::format("{}/{} image", e.os, platform),
                                         image_purl(index.name, e.digest, e.oci_arch)));
    rels.emplace(index_id, "CONTAINS", id);
  }
  doc["packages"] = std::move(packages);
  doc["relationships"] = relationships(index_id, rels);
  return dump(doc);
}

}  // namespace wisp::sbom
