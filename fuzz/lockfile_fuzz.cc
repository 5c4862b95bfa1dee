// parse_lockfile on arbitrary bytes: never crashes or throws; whatever it accepts has well-formed
// ranges and round-trips through format_lockfile unchanged.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "build/lockfile.h"

namespace {
void check_part(const wisp::build::LockedPart& part, bool optional) {
  if (optional && part.range.empty() && part.checksum.empty()) return;
  if (!wisp::build::parse_byte_range(part.range)) std::abort();
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > 256 * 1024) return 0;
  std::string_view input(reinterpret_cast<const char*>(data), size);
  auto lock = wisp::build::parse_lockfile(input, "fuzz.lock.json");
  if (!lock) {
    if (lock.error().message.empty()) std::abort();
    return 0;
  }
  if (lock->version != "v1") std::abort();
  for (const auto& p : lock->packages) {
    if (p.name.empty() || p.url.empty() || p.version.empty() || p.architecture.empty()) std::abort();
    check_part(p.signature, true);
    check_part(p.control, p.url.ends_with(".deb"));  // a .deb locks only its whole file
    check_part(p.data, false);
  }
  // Text that is not UTF-8 is replaced when written, so only compare valid round trips.
  std::string text = wisp::build::format_lockfile(*lock);
  auto again = wisp::build::parse_lockfile(text, "again.lock.json");
  if (!again) std::abort();
  if (text.find("\xef\xbf\xbd") == std::string::npos && !(*again == *lock)) std::abort();
  return 0;
}
