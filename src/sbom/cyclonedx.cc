#include "sbom/cyclonedx.h"

#include <map>
#include <set>

#include <nlohmann/json.hpp>

#include "oci/objects.h"
#include "sbom/embedded.h"
#include "sbom/license.h"
#include "sbom/naming.h"

namespace wisp::sbom {
namespace {

using json = nlohmann::ordered_json;

bool is_web_url(std::string_view url) {
  return (url.starts_with("https://") || url.starts_with("http://")) &&
         url.find_first_of(" \t\n\"<>") == std::string_view::npos;
}

std::string hex_of(std::string_view digest) {
  size_t colon = digest.find(':');
  return std::string(colon == std::string_view::npos ? digest : digest.substr(colon + 1));
}

/// licenses: one SPDX expression, or the free text as a named licence; absent for NOASSERTION.
std::optional<json> licenses(std::string_view raw) {
  NormalizedLicense n = normalize_license(raw);
  if (n.expression == "NOASSERTION" || n.expression == "NONE") return std::nullopt;
  if (n.refs.size() == 1 && n.expression == n.refs.front().id)
    return json::array({{{"license", {{"name", n.refs.front().text}}}}});
  return json::array({{{"expression", n.expression}}});
}

std::string cdx_hash_alg(std::string_view spdx) {
  static const std::map<std::string, std::string, std::less<>> k_algs = {
      {"SHA1", "SHA-1"},       {"SHA256", "SHA-256"},   {"SHA384", "SHA-384"},     {"SHA512", "SHA-512"},
      {"MD5", "MD5"},          {"SHA3-256", "SHA3-256"}, {"SHA3-384", "SHA3-384"}, {"SHA3-512", "SHA3-512"},
      {"BLAKE2b-256", "BLAKE2b-256"}, {"BLAKE2b-384", "BLAKE2b-384"}, {"BLAKE2b-512", "BLAKE2b-512"},
      {"BLAKE3", "BLAKE3"}};
  auto it = k_algs.find(spdx);
  return it == k_algs.end() ? std::string() : it->second;
}

std::string first_purl(const EmbeddedPackage& e) {
  for (const ExternalRef& r : e.refs)
    if (r.type == "purl") return r.locator;
  return {};
}

/// Unique bom-refs: a second user of a ref gets "#2", "#3", ...
class Refs {
 public:
  std::string take(const std::string& wanted) {
    size_t n = ++m_uses[wanted];
    return n == 1 ? wanted : wanted + "#" + std::to_string(n);
  }

 private:
  std::map<std::string, size_t> m_uses;
};

}  // namespace

std::string write_cyclonedx(const ImageContents& image) {
  Refs refs;
  json bom;
  bom["$schema"] = "http://cyclonedx.org/schema/bom-1.6.schema.json";
  bom["bomFormat"] = "CycloneDX";
  bom["specVersion"] = "1.6";
  bom["serialNumber"] = serial_number("cyclonedx:" + image.digest);
  bom["version"] = 1;

  const std::string image_ref = refs.take(image_purl(image.name, image.digest, image.oci_arch));
  json component;
  component["type"] = "container";
  component["bom-ref"] = image_ref;
  component["name"] = image.name.name.empty() ? image.digest : image.name.name;
  component["version"] = image.digest;
  component["hashes"] = json::array({{{"alg", image.digest.starts_with("sha512:") ? "SHA-512" : "SHA-256"},
                                      {"content", hex_of(image.digest)}}});
  component["purl"] = image_purl(image.name, image.digest, image.oci_arch);
  json props = json::array();
  props.push_back({{"name", "oci:platform"},
                   {"value", "linux/" + image.oci_arch + (image.oci_variant.empty() ? "" : "/" + image.oci_variant)}});
  for (const Layer& l : image.layers) props.push_back({{"name", "oci:layer"}, {"value", l.digest}});
  component["properties"] = std::move(props);
  bom["metadata"] = {
      {"timestamp", oci::rfc3339_utc(image.created)},
      {"tools", {{"components", json::array({{{"type", "application"}, {"name", tool_name()}, {"version", tool_version()}}})}}},
      {"component", std::move(component)}};

  json components = json::array();
  std::vector<std::string> image_deps;
  std::string supplier;
  if (image.os) {
    const OsRelease& os = *image.os;
    supplier = os.name;
    json c;
    c["type"] = "operating-system";
    std::string name = os.id.empty() ? "unknown" : os.id;
    c["bom-ref"] = refs.take("os:" + name + (os.version_id.empty() ? "" : "@" + os.version_id));
    if (!os.name.empty()) c["supplier"] = {{"name", os.name}};
    c["name"] = name;
    if (!os.version_id.empty()) c["version"] = os.version_id;
    if (!os.pretty_name.empty()) c["description"] = os.pretty_name;
    if (is_web_url(os.home_url)) c["externalReferences"] = json::array({{{"type", "website"}, {"url", os.home_url}}});
    image_deps.push_back(c["bom-ref"]);
    components.push_back(std::move(c));
  }

  std::vector<std::string> package_refs;
  std::vector<json> package_components;
  std::map<std::string, std::vector<std::string>> extra_deps;  // package ref -> vendored refs
  std::vector<json> vendored;
  std::set<std::string> vendored_keys;
  for (const Package& p : image.packages) {
    std::string purl = package_purl(p, image.os, image.apk_arch);
    std::string ref = refs.take(purl);
    json c;
    c["type"] = "library";
    c["bom-ref"] = ref;
    if (!supplier.empty()) c["supplier"] = {{"name", supplier}};
    if (!p.maintainer.empty()) c["authors"] = json::array({{{"name", p.maintainer}}});
    c["name"] = p.name;
    c["version"] = p.version;
    if (!p.description.empty()) c["description"] = p.description;
    json hashes = json::array();
    if (!p.sha1.empty()) hashes.push_back({{"alg", "SHA-1"}, {"content", p.sha1}});
    if (!p.sha256.empty()) hashes.push_back({{"alg", "SHA-256"}, {"content", p.sha256}});
    if (!hashes.empty()) c["hashes"] = std::move(hashes);
    if (auto l = licenses(p.license)) c["licenses"] = std::move(*l);
    c["purl"] = purl;

    json external = json::array();
    if (is_web_url(p.homepage)) external.push_back({{"type", "website"}, {"url", p.homepage}});
    if (auto it = image.embedded.find(p.name); it != image.embedded.end()) {
      if (auto embedded = parse_embedded_sbom(it->second, p.name)) {
        for (const EmbeddedPackage& e : embedded->packages) {
          std::string locator = first_purl(e);
          if (e.purpose == "INSTALL" || e.purpose == "SOURCE") {
            if (locator.empty() && is_web_url(e.download_location)) locator = e.download_location;
            if (locator.empty()) continue;
            json r = {{"type", e.purpose == "INSTALL" ? "build-meta" : "source-distribution"}, {"url", locator}};
            if (!e.name.empty()) r["comment"] = e.name;
            external.push_back(std::move(r));
            continue;
          }
          // A module the package vendors: a component of its own the package depends on.
          std::string key = locator.empty() ? "spdx:" + e.spdx_id : locator;
          if (vendored_keys.insert(key).second) {
            json v;
            v["type"] = "library";
            v["bom-ref"] = refs.take(key);
            v["name"] = e.name.empty() ? e.spdx_id : e.name;
            if (!e.version.empty()) v["version"] = e.version;
            if (!e.license_declared.empty())
              if (auto l = licenses(e.license_declared)) v["licenses"] = std::move(*l);
            json vh = json::array();
            for (const auto& [alg, value] : e.checksums)
              if (!cdx_hash_alg(alg).empty()) vh.push_back({{"alg", cdx_hash_alg(alg)}, {"content", value}});
            if (!vh.empty()) v["hashes"] = std::move(vh);
            if (!locator.empty()) v["purl"] = locator;
            extra_deps[ref].push_back(v["bom-ref"]);
            vendored.push_back(std::move(v));
          }
        }
      }
    }
    if (!external.empty()) c["externalReferences"] = std::move(external);
    if (!p.origin.empty()) {
      json origin = json::array({{{"name", "wisp:package:origin"}, {"value", p.origin}}});
      if (!p.source_version.empty()) origin.push_back({{"name", "wisp:package:source_version"}, {"value", p.source_version}});
      c["properties"] = std::move(origin);
    }
    package_refs.push_back(ref);
    image_deps.push_back(ref);
    components.push_back(std::move(c));
  }
  for (json& v : vendored) components.push_back(std::move(v));
  bom["components"] = std::move(components);

  json dependencies = json::array();
  std::sort(image_deps.begin(), image_deps.end());
  dependencies.push_back({{"ref", image_ref}, {"dependsOn", image_deps}});
  auto deps = resolve_dependencies(image.packages);
  for (size_t i = 0; i < deps.size(); ++i) {
    std::vector<std::string> on;
    for (size_t d : deps[i]) on.push_back(package_refs[d]);
    for (const std::string& v : extra_deps[package_refs[i]]) on.push_back(v);
    std::sort(on.begin(), on.end());
    on.erase(std::unique(on.begin(), on.end()), on.end());
    json entry = {{"ref", package_refs[i]}};
    if (!on.empty()) entry["dependsOn"] = on;
    dependencies.push_back(std::move(entry));
  }
  bom["dependencies"] = std::move(dependencies);
  return bom.dump(2, ' ', false, nlohmann::detail::error_handler_t::replace) + "\n";
}

}  // namespace wisp::sbom
