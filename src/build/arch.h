// Architectures: apk names (x86_64, used for repository paths, file names and /etc/apk/arch) and
// OCI platforms (amd64, arm/v7, used in image configs and indexes) — apko-melange.md §4.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace wisp::build {

struct Arch {
  std::string apk;          // "x86_64", "armv7"
  std::string oci_arch;     // "amd64", "arm"
  std::string oci_variant;  // "v7" for arm, else empty

  /// The OCI spelling as apko writes it: "amd64", "arm/v7".
  std::string oci() const;

  bool operator==(const Arch&) const = default;
};

/// The nine architectures apko knows, sorted by apk name; the default when none is configured.
std::span<const Arch> all_archs();

/// Reads one architecture in either spelling ("x86_64" or "amd64", "armv7" or "arm/v7").
/// Errc::usage naming the value if it is neither. "all" and "host" are not single archs: use
/// parse_archs for them.
Result<Arch> parse_arch(std::string_view name);

/// The architecture of this machine, from uname's machine field (x86_64, aarch64, armv7l, i686,
/// ...). Errc::unsupported if the machine is none of the nine.
Result<Arch> host_arch();

/// Maps a uname machine string to an architecture; Errc::unsupported if unknown. (Split out of
/// host_arch so it can be tested.)
Result<Arch> arch_from_machine(std::string_view machine);

/// Reads a list of architectures in either spelling, plus "all" (every known arch) and "host"
/// (this machine's). The result is deduplicated and sorted by apk name; an empty list gives an
/// empty result (callers choose the default, usually all_archs()). Errc::usage naming the first
/// unknown name.
Result<std::vector<Arch>> parse_archs(std::span<const std::string> names);

}  // namespace wisp::build
