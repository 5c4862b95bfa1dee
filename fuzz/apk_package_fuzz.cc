// .apk packages: read_package without a keyring under small limits must never crash, and a
// package it accepts must stream back exactly the files it listed, with the SHA-1 it computed.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "base/digest.h"
#include "pkg/apk/package.h"

namespace {

using namespace wisp;
using namespace wisp::pkg::apk;

void check(bool ok) {
  if (!ok) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  PackageReadOptions options;
  options.limits.max_decompressed = 4 << 20;
  options.limits.max_entries = 1000;
  auto pkg = read_package(input, options);
  if (!pkg) return 0;
  check(pkg->info.checksum.starts_with("Q1"));
  check(pkg->info.file_size == size);
  check(pkg->data.offset + pkg->data.size == size);
  size_t seen = 0;
  auto streamed = for_each_data_entry(
      input, *pkg,
      [&](const PackageFile& f, std::string_view content) -> Status {
        check(&f == &pkg->files[seen]);
        ++seen;
        if (f.type == io::TarType::file) check(sha1(content) == f.sha1);
        return {};
      },
      options.limits);
  check(streamed.has_value());
  check(seen == pkg->files.size());
  return 0;
}
