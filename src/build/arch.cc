#include "build/arch.h"

#include <sys/utsname.h>

#include <algorithm>
#include <array>

namespace wisp::build {
namespace {

// Sorted by apk name, so all_archs() needs no sorting.
const std::array<Arch, 9> k_archs = {{
    {"aarch64", "arm64", ""},
    {"armhf", "arm", "v6"},
    {"armv7", "arm", "v7"},
    {"loongarch64", "loong64", ""},
    {"ppc64le", "ppc64le", ""},
    {"riscv64", "riscv64", ""},
    {"s390x", "s390x", ""},
    {"x86", "386", ""},
    {"x86_64", "amd64", ""},
}};

}  // namespace

std::string Arch::oci() const {
  return oci_variant.empty() ? oci_arch : oci_arch + "/" + oci_variant;
}

std::span<const Arch> all_archs() { return k_archs; }

Result<Arch> parse_arch(std::string_view name) {
  for (const Arch& arch : k_archs) {
    if (name == arch.apk || name == arch.oci()) return arch;
  }
  return fail(Errc::usage,
              "unknown architecture '{}' (known: x86, x86_64, aarch64, armhf, armv7, loongarch64, "
              "ppc64le, riscv64, s390x, or their OCI names 386, amd64, arm64, arm/v6, arm/v7, "
              "loong64; or 'all', 'host')",
              name);
}

Result<Arch> arch_from_machine(std::string_view machine) {
  // uname spellings that differ from apk's; the rest (x86_64, aarch64, ppc64le, ...) coincide.
  if (machine == "i386" || machine == "i486" || machine == "i586" || machine == "i686")
    return parse_arch("x86");
  if (machine == "arm64") return parse_arch("aarch64");
  if (machine == "armv7l" || machine == "armv8l") return parse_arch("armv7");
  if (machine == "armv6l") return parse_arch("armhf");
  auto arch = parse_arch(machine);
  if (!arch) return fail(Errc::unsupported, "host machine '{}' is not a supported architecture", machine);
  return arch;
}

Result<Arch> host_arch() {
  struct utsname info {};
  if (uname(&info) != 0) return fail(Errc::io, "uname failed");
  return arch_from_machine(info.machine);
}

Result<std::vector<Arch>> parse_archs(std::span<const std::string> names) {
  std::vector<Arch> out;
  for (const std::string& name : names) {
    if (name == "all") {
      out.insert(out.end(), k_archs.begin(), k_archs.end());
    } else if (name == "host") {
      TRY_ASSIGN(Arch arch, host_arch());
      out.push_back(std::move(arch));
    } else {
      TRY_ASSIGN(Arch arch, parse_arch(name));
      out.push_back(std::move(arch));
    }
  }
  std::ranges::sort(out, {}, &Arch::apk);
  auto dup = std::ranges::unique(out, {}, &Arch::apk);
  out.erase(dup.begin(), dup.end());
  return out;
}

}  // namespace wisp::build
