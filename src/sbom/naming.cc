#include "sbom/naming.h"

#include <cctype>
#include <map>

#include "base/digest.h"
#include "base/encoding.h"
#include "base/strings.h"
#include "sbom/embedded.h"
#include "sbom/purl.h"

#ifndef WISP_VERSION
#error "WISP_VERSION must be defined by the build"
#endif

namespace wisp::sbom {
namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string digest_tail(std::string_view digest) {
  size_t colon = digest.find(':');
  return colon == std::string_view::npos ? std::string(digest)
                                         : std::string(digest.substr(0, colon)) + "-" +
                                               std::string(digest.substr(colon + 1));
}

}  // namespace

std::string_view tool_name() { return "wisp"; }
std::string_view tool_version() { return WISP_VERSION; }

std::string image_purl(const ImageName& name, std::string_view digest, std::string_view oci_arch) {
  Purl purl;
  purl.type = "oci";
  purl.name = name.name.empty() ? "image" : name.name;
  purl.version = std::string(digest);
  purl.qualifiers["arch"] = std::string(oci_arch);
  purl.qualifiers["repository_url"] = name.repository;
  purl.qualifiers["tag"] = name.tag;
  return to_string(purl);
}

std::string package_purl(const Package& package, const std::optional<OsRelease>& os, std::string_view image_arch) {
  const bool apk = package.ecosystem == Ecosystem::apk;
  Purl purl;
  purl.type = apk ? "apk" : "deb";
  std::string id = os && !os->id.empty() ? lower(os->id) : std::string(apk ? "unknown" : "debian");
  purl.namespace_ = {id};
  purl.name = package.name;
  purl.version = package.version;
  purl.qualifiers["arch"] = package.arch.empty() ? std::string(image_arch) : package.arch;
  if (os && !os->id.empty()) purl.qualifiers["distro"] = os->version_id.empty() ? id : id + "-" + os->version_id;
  purl.qualifiers["upstream"] = package.origin;
  return to_string(purl);
}

std::vector<std::string> package_spdx_ids(const std::vector<Package>& packages) {
  std::vector<std::string> out;
  std::map<std::string, size_t> uses;
  for (const Package& p : packages) {
    std::string base = spdx_id(fmt::format("Package-{}-{}-{}", p.ecosystem == Ecosystem::apk ? "apk" : "deb",
                                           p.name, p.version));
    ++uses[base];
    out.push_back(base);
  }
  std::map<std::string, size_t> seen;
  for (size_t i = 0; i < packages.size(); ++i) {
    if (uses[out[i]] < 2) continue;
    std::string id = spdx_id(out[i] + "-" + packages[i].arch);
    if (size_t n = seen[id]++; n > 0) id += "-" + std::to_string(n);
    out[i] = id;
  }
  return out;
}

std::string document_namespace(std::string_view kind, std::string_view digest) {
  return fmt::format("https://spdx.org/spdxdocs/wisp/{}/{}", kind, digest_tail(digest));
}

std::string serial_number(std::string_view seed) {
  std::string raw = sha256(seed).substr(0, 16);
  raw[6] = static_cast<char>((static_cast<unsigned char>(raw[6]) & 0x0f) | 0x80);  // version 8
  raw[8] = static_cast<char>((static_cast<unsigned char>(raw[8]) & 0x3f) | 0x80);  // RFC 9562 variant
  std::string hex = hex_encode(raw);
  return fmt::format("urn:uuid:{}-{}-{}-{}-{}", hex.substr(0, 8), hex.substr(8, 4), hex.substr(12, 4),
                     hex.substr(16, 4), hex.substr(20, 12));
}

std::string spdx_person(std::string_view maintainer) {
  std::string_view m = trim(maintainer);
  if (m.empty()) return {};
  size_t lt = m.find('<'), gt = m.rfind('>');
  if (lt != std::string_view::npos && gt != std::string_view::npos && gt > lt) {
    std::string_view name = trim(m.substr(0, lt));
    std::string_view mail = trim(m.substr(lt + 1, gt - lt - 1));
    return name.empty() ? fmt::format("Person: ({})", mail) : fmt::format("Person: {} ({})", name, mail);
  }
  return fmt::format("Person: {}", m);
}

}  // namespace wisp::sbom
