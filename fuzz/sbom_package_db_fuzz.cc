// The SBOM readers of untrusted image content: the apk installed database, dpkg status files,
// os-release and package licence text. The first byte picks the reader, the rest is its input.
// Whatever parses must give sane packages whose dependencies resolve to valid indexes, and every
// licence text must normalise to an expression the strict validator accepts.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "sbom/contents.h"
#include "sbom/debian_copyright.h"
#include "sbom/license.h"
#include "sbom/package_db.h"

namespace {

using namespace wisp::sbom;

void check(bool ok) {
  if (!ok) std::abort();
}

void check_packages(const std::vector<Package>& packages) {
  for (size_t i = 1; i < packages.size(); ++i)
    check(std::tie(packages[i - 1].name, packages[i - 1].version, packages[i - 1].arch) <=
          std::tie(packages[i].name, packages[i].version, packages[i].arch));
  for (const Package& p : packages) check(!p.name.empty() && !p.version.empty());
  auto deps = resolve_dependencies(packages);
  check(deps.size() == packages.size());
  for (size_t i = 0; i < deps.size(); ++i)
    for (size_t d : deps[i]) check(d < packages.size() && d != i);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  std::string_view input(reinterpret_cast<const char*>(data) + 1, size - 1);
  switch (data[0] % 5) {
    case 0:
      if (auto packages = parse_apk_installed(input)) check_packages(*packages);
      else check(!packages.error().message.empty());
      break;
    case 1:
      if (auto packages = parse_dpkg_status(input)) check_packages(*packages);
      else check(!packages.error().message.empty());
      break;
    case 2:
      (void)parse_os_release(input);
      break;
    case 3: {
      // A copyright file's licences always make a valid expression once normalised.
      std::string raw = debian_copyright_license(input);
      if (!raw.empty()) check(is_valid_license_expression(normalize_license(raw).expression));
      break;
    }
    default: {
      NormalizedLicense n = normalize_license(input);
      check(!n.expression.empty());
      check(is_valid_license_expression(n.expression));
      for (const LicenseRef& r : n.refs) check(r.id.starts_with("LicenseRef-") && n.expression.find(r.id) != std::string::npos);
      break;
    }
  }
  return 0;
}
