#include "sbom/embedded.h"

#include <algorithm>
#include <cctype>
#include <deque>
#include <set>

#include <nlohmann/json.hpp>

#include "sbom/purl.h"

namespace wisp::sbom {
namespace {

using nlohmann::json;

std::string str(const json& object, const char* key) {
  auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

std::string fix_purpose(std::string purpose) {
  std::replace(purpose.begin(), purpose.end(), '-', '_');
  static const std::set<std::string, std::less<>> k_valid = {
      "OTHER", "INSTALL", "ARCHIVE", "FIRMWARE", "APPLICATION", "FRAMEWORK",
      "LIBRARY", "CONTAINER", "SOURCE", "DEVICE", "OPERATING_SYSTEM", "FILE"};
  return k_valid.count(purpose) ? purpose : std::string();
}

std::string fix_category(std::string category) {
  std::replace(category.begin(), category.end(), '_', '-');
  if (category == "PACKAGE-MANAGER" || category == "SECURITY" || category == "PERSISTENT-ID") return category;
  return "OTHER";
}

bool valid_checksum_algorithm(std::string_view alg) {
  static const std::set<std::string, std::less<>> k_valid = {
      "SHA1",   "SHA224",   "SHA256",   "SHA384",      "SHA512",      "MD2",         "MD4",    "MD5",
      "MD6",    "SHA3-256", "SHA3-384", "SHA3-512",    "BLAKE2b-256", "BLAKE2b-384", "BLAKE2b-512",
      "BLAKE3", "ADLER32"};
  return k_valid.count(alg) > 0;
}

std::string lower_hex(std::string value) {
  for (char& c : value) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  bool hex = !value.empty() && std::all_of(value.begin(), value.end(), [](char c) {
    return std::isdigit(static_cast<unsigned char>(c)) || (c >= 'a' && c <= 'f');
  });
  return hex ? value : std::string();
}

EmbeddedPackage read_package(const json& p) {
  EmbeddedPackage out;
  out.spdx_id = spdx_id(str(p, "SPDXID"));
  out.name = str(p, "name");
  out.version = str(p, "versionInfo");
  out.purpose = fix_purpose(str(p, "primaryPackagePurpose"));
  out.download_location = str(p, "downloadLocation");
  if (out.download_location.empty()) out.download_location = "NOASSERTION";
  out.license_declared = str(p, "licenseDeclared");
  out.supplier = str(p, "supplier");
  out.originator = str(p, "originator");
  out.description = str(p, "description");
  out.homepage = str(p, "homepage");
  out.copyright = str(p, "copyrightText");
  if (auto it = p.find("checksums"); it != p.end() && it->is_array()) {
    for (const json& c : *it) {
      if (!c.is_object()) continue;
      std::string alg = str(c, "algorithm"), value = lower_hex(str(c, "checksumValue"));
      if (valid_checksum_algorithm(alg) && !value.empty()) out.checksums.emplace_back(alg, value);
    }
  }
  if (auto it = p.find("externalRefs"); it != p.end() && it->is_array()) {
    for (const json& r : *it) {
      if (!r.is_object()) continue;
      ExternalRef ref{fix_category(str(r, "referenceCategory")), str(r, "referenceType"), str(r, "referenceLocator")};
      if (ref.type == "purl") {
        // Written in canonical form, so purl tools read back what is written; unparsable ones go.
        auto purl = parse_purl(ref.locator);
        if (!purl) continue;
        ref.locator = to_string(*purl);
      }
      if (!ref.type.empty() && !ref.locator.empty()) out.refs.push_back(std::move(ref));
    }
  }
  return out;
}

}  // namespace

std::string spdx_id(std::string_view text) {
  constexpr std::string_view prefix = "SPDXRef-";
  if (text.starts_with(prefix)) text.remove_prefix(prefix.size());
  std::string out(prefix);
  for (char c : text) {
    auto u = static_cast<unsigned char>(c);
    if (std::isalnum(u) || c == '.' || c == '-') out += c;
    else if (c == ':' || c == '/') out += '-';
    else out += "C" + std::to_string(u);
  }
  if (out.size() == prefix.size()) out += "unnamed";
  return out;
}

std::vector<std::string> embedded_sbom_paths(const Package& package) {
  const std::string dir = "var/lib/db/sbom/";
  std::vector<std::string> out = {dir + package.name + "-" + package.version + ".spdx.json"};
  if (size_t r = package.version.rfind("-r"); r != std::string::npos && r > 0)
    out.push_back(dir + package.name + "-" + package.version.substr(0, r) + ".spdx.json");
  out.push_back(dir + package.name + ".spdx.json");
  return out;
}

Result<EmbeddedSbom> parse_embedded_sbom(std::string_view text, std::string_view owner) {
  json doc = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded() || !doc.is_object()) return fail(Errc::bad_format, "not a JSON object");
  if (!str(doc, "spdxVersion").starts_with("SPDX-")) return fail(Errc::bad_format, "not an SPDX document");

  std::map<std::string, const json*> packages;  // by the SPDXID as written
  if (auto it = doc.find("packages"); it != doc.end() && it->is_array())
    for (const json& p : *it)
      if (p.is_object() && !str(p, "SPDXID").empty()) packages.emplace(str(p, "SPDXID"), &p);

  struct Rel {
    std::string from, type, to;
  };
  std::vector<Rel> rels;
  if (auto it = doc.find("relationships"); it != doc.end() && it->is_array())
    for (const json& r : *it)
      if (r.is_object())
        rels.push_back({str(r, "spdxElementId"), str(r, "relationshipType"), str(r, "relatedSpdxElement")});

  std::vector<std::string> described;
  if (auto it = doc.find("documentDescribes"); it != doc.end() && it->is_array())
    for (const json& id : *it)
      if (id.is_string()) described.push_back(id.get<std::string>());
  const std::string doc_id = str(doc, "SPDXID");
  for (const Rel& r : rels)
    if (r.from == doc_id && r.type == "DESCRIBES") described.push_back(r.to);
  std::erase_if(described, [&](const std::string& id) { return !packages.count(id); });
  if (described.empty()) return EmbeddedSbom{};
  std::string root = described.front();
  for (const std::string& id : described)
    if (str(*packages.at(id), "name") == owner) root = id;

  // The packages reachable from the described one; files and unknown ids are left behind.
  std::set<std::string> reached = {root};
  std::deque<std::string> queue = {root};
  while (!queue.empty()) {
    std::string id = queue.front();
    queue.pop_front();
    for (const Rel& r : rels)
      if (r.from == id && packages.count(r.to) && reached.insert(r.to).second) queue.push_back(r.to);
  }

  EmbeddedSbom out;
  auto map_id = [&](const std::string& id) { return id == root ? std::string() : spdx_id(id); };
  for (const std::string& id : reached)
    if (id != root) out.packages.push_back(read_package(*packages.at(id)));
  for (const Rel& r : rels) {
    if (!reached.count(r.from) || !reached.count(r.to) || r.from == r.to) continue;
    out.relationships.push_back({map_id(r.from), r.type, map_id(r.to)});
  }
  std::sort(out.relationships.begin(), out.relationships.end());
  out.relationships.erase(std::unique(out.relationships.begin(), out.relationships.end()), out.relationships.end());
  if (auto it = doc.find("hasExtractedLicensingInfos"); it != doc.end() && it->is_array())
    for (const json& info : *it)
      if (info.is_object() && !str(info, "licenseId").empty())
        out.license_texts.emplace(str(info, "licenseId"), str(info, "extractedText"));
  return out;
}

}  // namespace wisp::sbom
