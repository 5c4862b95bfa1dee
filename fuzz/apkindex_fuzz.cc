// APKINDEX: the same bytes go to the text parser and to the APKINDEX.tar.gz reader (without a
// keyring). Entries that parse must survive format -> parse with every index field unchanged.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "pkg/apk/index.h"

namespace {

using namespace wisp::pkg::apk;

void check(bool ok) {
  if (!ok) std::abort();
}

/// The fields an APKINDEX block carries. k:0 is not written, so it reads back as unset.
bool same_index_fields(const PackageInfo& a, const PackageInfo& b) {
  auto k = [](const PackageInfo& p) { return p.provider_priority.value_or(0); };
  return a.checksum == b.checksum && a.name == b.name && a.version == b.version &&
         a.arch == b.arch && a.file_size == b.file_size && a.installed_size == b.installed_size &&
         a.description == b.description && a.url == b.url && a.license == b.license &&
         a.origin == b.origin && a.maintainer == b.maintainer && a.build_time == b.build_time &&
         a.commit == b.commit && k(a) == k(b) && a.depends == b.depends &&
         a.provides == b.provides && a.install_if == b.install_if;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  if (auto entries = parse_index_text(input)) {
    auto again = parse_index_text(format_index_text(*entries));
    check(again.has_value());
    check(again->size() == entries->size());
    for (size_t i = 0; i < entries->size(); ++i) check(same_index_fields((*entries)[i], (*again)[i]));
  } else {
    check(!entries.error().message.empty());
  }
  if (auto index = read_index(input, {})) {
    check(index->signed_key.empty());
    (void)format_index_text(index->packages);
  }
  return 0;
}
