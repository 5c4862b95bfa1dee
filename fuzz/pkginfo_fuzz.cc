// .PKGINFO: parse arbitrary text; whatever parses must survive format -> parse with every
// modelled field unchanged, and formatting it as an index block must not misbehave.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "pkg/apk/package_info.h"

namespace {

using namespace wisp::pkg::apk;

void check(bool ok) {
  if (!ok) std::abort();
}

bool same(const PackageInfo& a, const PackageInfo& b) {
  return a.name == b.name && a.version == b.version && a.arch == b.arch &&
         a.description == b.description && a.url == b.url && a.license == b.license &&
         a.origin == b.origin && a.maintainer == b.maintainer && a.commit == b.commit &&
         a.packager == b.packager && a.build_time == b.build_time &&
         a.installed_size == b.installed_size && a.depends == b.depends &&
         a.provides == b.provides && a.install_if == b.install_if && a.replaces == b.replaces &&
         a.triggers == b.triggers && a.provider_priority == b.provider_priority &&
         a.replaces_priority == b.replaces_priority && a.datahash == b.datahash &&
         a.extra == b.extra;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  auto info = parse_pkginfo(input);
  if (!info) {
    check(!info.error().message.empty());
    return 0;
  }
  check(!info->name.empty() && !info->version.empty());
  auto again = parse_pkginfo(format_pkginfo(*info));
  check(again.has_value());
  check(same(*info, *again));
  std::string block = format_index_block(*info, IndexBlockKind::installed_db);
  check(block.find("\n\n") == std::string::npos);  // a block never ends early
  return 0;
}
