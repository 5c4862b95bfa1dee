// The SPDX and CycloneDX writers on an image with real melange-built packages: the documents are
// deterministic, internally consistent (the checks a schema cannot make) and merge what the
// packages' own SBOMs add.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <regex>
#include <set>

#include "pkg/apk/package.h"
#include "sbom/cyclonedx.h"
#include "sbom/purl.h"
#include "sbom/spdx.h"

namespace wisp::sbom {
namespace {

using nlohmann::json;

/// The SPDX document a fixture package carries in var/lib/db/sbom/.
std::string embedded_of(const std::string& apk) {
  std::string found;
  pkg::apk::PackageReadOptions options;
  options.on_data = [&](const pkg::apk::PackageFile& f, std::string_view content) -> Status {
    if (f.path.starts_with("var/lib/db/sbom/") && f.path.ends_with(".spdx.json")) found = content;
    return {};
  };
  auto package = pkg::apk::load_package(std::string(WISP_TESTDATA) + "/apk/" + apk, options);
  EXPECT_TRUE(package) << package.error().message;
  EXPECT_FALSE(found.empty()) << apk;
  return found;
}

Package apk(std::string name, std::string version, std::vector<std::string> depends = {},
            std::vector<std::string> provides = {}, std::string license = "MIT") {
  Package p;
  p.name = std::move(name);
  p.version = std::move(version);
  p.arch = "x86_64";
  p.license = std::move(license);
  p.depends = std::move(depends);
  p.provides = std::move(provides);
  p.sha1 = "2fb12763d43d6f6dde8d11c099bd20d3d41a2c4a";
  return p;
}

ImageContents sample() {
  ImageContents c;
  c.digest = "sha256:" + std::string(64, 'a');
  c.media_type = "application/vnd.oci.image.manifest.v1+json";
  c.apk_arch = "x86_64";
  c.oci_arch = "amd64";
  c.name = parse_image_name("ghcr.io/acme/app:1.0");
  c.created = 1700000000;
  c.layers = {{"sha256:" + std::string(64, 'b'), "application/vnd.oci.image.layer.v1.tar+gzip", 123,
               "sha256:" + std::string(64, 'c')}};
  c.os = OsRelease{"wolfi", "Wolfi", "20230201", "Wolfi", "https://wolfi.dev"};
  c.packages = {apk("replayout", "1.0.0-r0", {"pretend-baselayout"}),
                apk("pretend-baselayout", "1.0.0-r0", {}, {"so:libx.so.1=1"}, "MIT BSD-2-Clause"),
                apk("hello-wolfi", "2.12-r1", {"so:libx.so.1", "so:libc.so.6"}, {"cmd:hello=2.12-r1"},
                    "GPL-3.0-or-later AND custom"),
                apk("weird", "1-r0", {}, {}, "Public Domain")};
  c.packages[0].origin = "replayout-src";
  c.packages[0].maintainer = "Jane <jane@example.org>";
  sort_packages(c.packages);
  c.embedded["replayout"] = embedded_of("apko-mini-repo/x86_64/replayout-1.0.0-r0.apk");
  c.embedded["hello-wolfi"] = embedded_of("wolfi-packages/aarch64/hello-wolfi-2.12-r1.apk");
  c.embedded["weird"] = "not json";
  return c;
}

std::map<std::string, const json*> by_id(const json& doc) {
  std::map<std::string, const json*> out;
  for (const json& p : doc["packages"]) out[p["SPDXID"]] = &p;
  return out;
}

TEST(Spdx, IsDeterministicAndUniquePerImage) {
  ImageContents c = sample();
  std::string a = write_spdx(c);
  EXPECT_EQ(a, write_spdx(c));
  ImageContents other = c;
  other.digest = "sha256:" + std::string(64, 'd');
  json x = json::parse(a), y = json::parse(write_spdx(other));
  EXPECT_NE(x["documentNamespace"], y["documentNamespace"]);
  EXPECT_EQ(x["creationInfo"]["created"], "2023-11-14T22:13:20Z");
  EXPECT_EQ(x["name"], "sbom-" + c.digest);
  EXPECT_EQ(a.back(), '\n');
}

TEST(Spdx, PassesTheChecksSchemasCannotMake) {
  json doc = json::parse(write_spdx(sample()));
  EXPECT_EQ(doc["spdxVersion"], "SPDX-2.3");
  std::string ns = doc["documentNamespace"];
  EXPECT_TRUE(ns.starts_with("https://"));
  EXPECT_EQ(ns.find('#'), std::string::npos);

  std::set<std::string> ids;
  const std::regex id_form("SPDXRef-[A-Za-z0-9.-]+");
  for (const json& p : doc["packages"]) {
    std::string id = p["SPDXID"];
    EXPECT_TRUE(std::regex_match(id, id_form)) << id;
    EXPECT_TRUE(ids.insert(id).second) << "duplicate " << id;
    EXPECT_EQ(p["filesAnalyzed"], false) << id;
    EXPECT_FALSE(p.contains("packageVerificationCode")) << id;
    EXPECT_FALSE(p.contains("hasFiles")) << id;
    for (const json& r : p.value("externalRefs", json::array())) {
      EXPECT_NE(r["referenceCategory"], "PACKAGE_MANAGER");
      if (r["referenceType"] == "purl" && std::string(r["referenceLocator"]).starts_with("pkg:apk/wolfi")) {
        auto purl = parse_purl(r["referenceLocator"].get<std::string>());
        ASSERT_TRUE(purl);
        EXPECT_EQ(to_string(*purl), r["referenceLocator"]);
      }
    }
    if (p.contains("primaryPackagePurpose")) {
      EXPECT_NE(p["primaryPackagePurpose"], "OPERATING-SYSTEM");
    }
  }
  EXPECT_FALSE(doc.contains("files"));  // hello-wolfi's file entries are not merged
  std::set<std::string> defined_refs;
  for (const json& info : doc["hasExtractedLicensingInfos"]) defined_refs.insert(info["licenseId"]);
  const std::regex ref_token("LicenseRef-[A-Za-z0-9.-]+");
  for (const json& p : doc["packages"]) {
    std::string declared = p.value("licenseDeclared", "NOASSERTION");
    for (std::sregex_iterator it(declared.begin(), declared.end(), ref_token), end; it != end; ++it)
      EXPECT_TRUE(defined_refs.count(it->str())) << it->str() << " is not defined";
  }
  bool describes = false;
  for (const json& r : doc["relationships"]) {
    std::string from = r["spdxElementId"], to = r["relatedSpdxElement"];
    if (from == "SPDXRef-DOCUMENT" && r["relationshipType"] == "DESCRIBES") describes = true;
    EXPECT_TRUE(from == "SPDXRef-DOCUMENT" || ids.count(from)) << from;
    EXPECT_TRUE(ids.count(to)) << to;
  }
  EXPECT_TRUE(describes);
}

TEST(Spdx, ListsEveryPackageWithItsFacts) {
  json doc = json::parse(write_spdx(sample()));
  auto packages = by_id(doc);
  const json& replayout = *packages.at("SPDXRef-Package-apk-replayout-1.0.0-r0");
  EXPECT_EQ(replayout["supplier"], "Organization: Wolfi");
  EXPECT_EQ(replayout["originator"], "Person: Jane (jane@example.org)");
  EXPECT_EQ(replayout["sourceInfo"], "built from source package replayout-src 1.0.0-r0");
  EXPECT_EQ(replayout["checksums"][0]["algorithm"], "SHA1");
  EXPECT_EQ(replayout["externalRefs"][0]["referenceLocator"],
            "pkg:apk/wolfi/replayout@1.0.0-r0?arch=x86_64&distro=wolfi-20230201&upstream=replayout-src");
  EXPECT_EQ(packages.at("SPDXRef-Package-apk-pretend-baselayout-1.0.0-r0")->at("licenseDeclared"),
            "MIT AND BSD-2-Clause");
  EXPECT_EQ(packages.at("SPDXRef-Package-apk-hello-wolfi-2.12-r1")->at("licenseDeclared"),
            "GPL-3.0-or-later AND LicenseRef-custom");
  EXPECT_EQ(packages.at("SPDXRef-Package-apk-weird-1-r0")->at("licenseDeclared"), "LicenseRef-Public-Domain");
  EXPECT_EQ(packages.at("SPDXRef-OperatingSystem-wolfi")->at("primaryPackagePurpose"), "OPERATING_SYSTEM");
  EXPECT_EQ(packages.at("SPDXRef-Image-sha256-" + std::string(64, 'a'))->at("externalRefs")[0]["referenceLocator"],
            "pkg:oci/app@sha256:" + std::string(64, 'a') + "?arch=amd64&repository_url=ghcr.io%2Facme%2Fapp&tag=1.0");

  std::set<std::tuple<std::string, std::string, std::string>> rels;
  for (const json& r : doc["relationships"]) rels.emplace(r["spdxElementId"], r["relationshipType"], r["relatedSpdxElement"]);
  const std::string image = "SPDXRef-Image-sha256-" + std::string(64, 'a');
  EXPECT_TRUE(rels.count({image, "CONTAINS", "SPDXRef-Layer-0-sha256-" + std::string(64, 'b')}));
  EXPECT_TRUE(rels.count({image, "CONTAINS", "SPDXRef-OperatingSystem-wolfi"}));
  for (const char* p : {"replayout-1.0.0-r0", "pretend-baselayout-1.0.0-r0", "hello-wolfi-2.12-r1", "weird-1-r0"})
    EXPECT_TRUE(rels.count({image, "CONTAINS", std::string("SPDXRef-Package-apk-") + p})) << p;
  EXPECT_TRUE(rels.count({"SPDXRef-Package-apk-replayout-1.0.0-r0", "DEPENDS_ON",
                          "SPDXRef-Package-apk-pretend-baselayout-1.0.0-r0"}));
  EXPECT_TRUE(rels.count({"SPDXRef-Package-apk-hello-wolfi-2.12-r1", "DEPENDS_ON",
                          "SPDXRef-Package-apk-pretend-baselayout-1.0.0-r0"}));  // through so:libx.so.1

  // replayout's melange SBOM adds its recipe, described-by the package itself.
  const std::string recipe = "SPDXRef-Package-Melange-replayout.melange.yaml-326e0ed687bdfeadac839dc9b25686e4442c9d04";
  ASSERT_TRUE(packages.count(recipe));
  EXPECT_EQ(packages.at(recipe)->at("primaryPackagePurpose"), "INSTALL");
  EXPECT_EQ(packages.at(recipe)->at("supplier"), "Organization: Unknown");
  EXPECT_TRUE(rels.count({"SPDXRef-Package-apk-replayout-1.0.0-r0", "DESCRIBED_BY", recipe}));
  // melange's own package entries are replaced by wisp's, never duplicated.
  EXPECT_FALSE(packages.count("SPDXRef-Package-hello-wolfi-2.12-r1"));
  EXPECT_EQ(doc["packages"].size(), 1u + 1u + 1u + 4u + 1u);  // image, layer, os, packages, recipe
}

TEST(Spdx, IndexDocumentRelatesTheIndexToEachImage) {
  IndexContents index;
  index.digest = "sha256:" + std::string(64, 'e');
  index.name = parse_image_name("mini");
  index.created = 1700000000;
  index.images = {{"sha256:" + std::string(64, '1'), "application/vnd.oci.image.manifest.v1+json", "amd64", "", "linux"},
                  {"sha256:" + std::string(64, '2'), "application/vnd.oci.image.manifest.v1+json", "arm", "v7", "linux"}};
  std::string text = write_index_spdx(index);
  EXPECT_EQ(text, write_index_spdx(index));
  json doc = json::parse(text);
  ASSERT_EQ(doc["packages"].size(), 3u);
  EXPECT_EQ(doc["packages"][0]["description"], "Multi-arch image index");
  EXPECT_EQ(doc["packages"][2]["description"], "linux/arm/v7 image");
  EXPECT_EQ(doc["relationships"][0]["relationshipType"], "DESCRIBES");
  EXPECT_EQ(doc["relationships"].size(), 3u);
  EXPECT_EQ(doc["documentNamespace"], "https://spdx.org/spdxdocs/wisp/index/sha256-" + std::string(64, 'e'));
}

TEST(CycloneDx, IsDeterministicAndConsistent) {
  ImageContents c = sample();
  std::string text = write_cyclonedx(c);
  EXPECT_EQ(text, write_cyclonedx(c));
  json bom = json::parse(text);
  EXPECT_EQ(bom["specVersion"], "1.6");
  EXPECT_TRUE(std::regex_match(bom["serialNumber"].get<std::string>(),
                               std::regex("urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")));
  EXPECT_EQ(bom["metadata"]["timestamp"], "2023-11-14T22:13:20Z");
  EXPECT_EQ(bom["metadata"]["component"]["type"], "container");

  std::set<std::string> refs = {bom["metadata"]["component"]["bom-ref"]};
  std::map<std::string, const json*> components;
  for (const json& comp : bom["components"]) {
    EXPECT_TRUE(refs.insert(comp["bom-ref"]).second) << comp["bom-ref"];
    components[comp["name"]] = &comp;
  }
  for (const json& d : bom["dependencies"]) {
    EXPECT_TRUE(refs.count(d["ref"])) << d["ref"];
    for (const json& on : d.value("dependsOn", json::array())) EXPECT_TRUE(refs.count(on)) << on;
  }
  EXPECT_EQ(components.at("wolfi")->at("type"), "operating-system");
  EXPECT_EQ(components.at("pretend-baselayout")->at("licenses")[0]["expression"], "MIT AND BSD-2-Clause");
  EXPECT_EQ(components.at("weird")->at("licenses")[0]["license"]["name"], "Public Domain");
  EXPECT_EQ(components.at("replayout")->at("hashes")[0]["alg"], "SHA-1");
  EXPECT_EQ(components.at("replayout")->at("supplier")["name"], "Wolfi");
  // The recipe from replayout's own SBOM becomes a build-meta reference.
  bool recipe = false;
  for (const json& r : components.at("replayout")->at("externalReferences"))
    if (r["type"] == "build-meta" && std::string(r["url"]).starts_with("pkg:github/")) recipe = true;
  EXPECT_TRUE(recipe);
  EXPECT_EQ(bom["dependencies"][0]["ref"], bom["metadata"]["component"]["bom-ref"]);
  EXPECT_EQ(bom["dependencies"][0]["dependsOn"].size(), 5u);  // the OS and the four packages
}

}  // namespace
}  // namespace wisp::sbom
