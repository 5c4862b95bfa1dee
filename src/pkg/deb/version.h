// Debian package versions (debian-and-runtime.md §2): [epoch:]upstream[-revision], compared as
// dpkg does (verrevcmp): epoch numerically, then upstream, then revision, each as alternating
// non-digit runs (letters before non-letters, '~' before everything, even the end) and digit
// runs (numerically).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "base/result.h"

namespace wisp::pkg::deb {

struct Version {
  uint64_t epoch = 0;
  std::string upstream;
  std::string revision;  // "" when absent (compares like "0")
};

/// Parses a version with dpkg's rules (lib/dpkg/parsehelp.c parseversion): surrounding blanks
/// trimmed; Errc::bad_format for an empty version, embedded blanks, a bad or negative epoch, an
/// empty upstream or revision, an upstream not starting with a digit, or characters dpkg refuses
/// (upstream: alnum . + - ~ :, revision: alnum . + ~).
Result<Version> parse_version(std::string_view text);
bool version_is_valid(std::string_view text);

/// <0, 0 or >0. Strings that do not parse are compared as dpkg would after its lax parse
/// (epoch 0, the whole text as upstream), so the order is total and never throws.
int compare_versions(std::string_view a, std::string_view b);
int compare_versions(const Version& a, const Version& b);

}  // namespace wisp::pkg::deb
