// ELF shared-object reader for /etc/ld.so.cache: any bytes must be rejected cleanly or give a
// soname that lies inside the input, is NUL-free and bounded. Also checks that the loader's name
// order (ld_cache_libcmp) is antisymmetric and reflexive on what it reads.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "image/ldso_cache.h"

namespace {

using namespace wisp::image;

int sign(int r) { return (r > 0) - (r < 0); }

void check(bool ok) {
  if (!ok) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  auto lib = read_elf_library(input);
  if (lib && lib->soname) {
    const std::string& soname = *lib->soname;
    check(soname.size() <= 4096 && soname.size() < size);
    check(soname.find('\0') == std::string::npos);
    check(input.find(soname) != std::string_view::npos);
    (void)ld_cache_flags("x86_64", *lib);
    (void)ld_cache_flags("armv7", *lib);
  }
  std::string_view a = input.substr(0, size / 2), b = input.substr(size / 2);
  check(sign(ld_cache_libcmp(a, b)) == -sign(ld_cache_libcmp(b, a)));
  check(ld_cache_libcmp(a, a) == 0);
  return 0;
}
