// Unix `ar` archives, in memory: the container of Debian .deb packages ("debian-binary",
// "control.tar.*", "data.tar.*"). Only what .deb needs: System V/GNU short names, with or
// without the GNU '/' terminator; the symbol and long-name tables ("/", "//") come back as
// ordinary members, and names that refer into them are refused.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace wisp::io {

struct ArMember {
  std::string_view name;     // trailing spaces and the GNU '/' terminator removed
  std::string_view content;  // view into the input
  size_t offset = 0;         // of the member's 60-byte header in the input
  int64_t mtime = 0;
  uint32_t uid = 0;
  uint32_t gid = 0;
  uint32_t mode = 0;
};

struct ArLimits {
  size_t max_members = 4096;
};

/// Splits an ar archive into its members. Errc::bad_format for a missing "!<arch>\n" magic, a
/// malformed header (bad terminator, non-numeric fields, empty name), a member running past
/// the input or a missing padding byte after an odd-sized member; Errc::unsupported for BSD
/// ("#1/NN") and GNU ("/NN") long-name references; Errc::too_large past the member limit.
Result<std::vector<ArMember>> read_ar(std::string_view input, ArLimits limits = {});

}  // namespace wisp::io
