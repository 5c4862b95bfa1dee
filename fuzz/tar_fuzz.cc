// TarReader on arbitrary bytes with both end-marker settings and small limits. Every entry
// the writer accepts must read back unchanged.
#include <cstdint>
#include <cstdlib>
#include <string>

#include <fmt/format.h>

#include "io/tar.h"
#include "io/tar_format.h"

namespace {

bool same(const wisp::io::TarEntry& a, const wisp::io::TarEntry& b) {
  return a.path == b.path && a.type == b.type && a.mode == b.mode && a.uid == b.uid &&
         a.gid == b.gid && a.uname == b.uname && a.gname == b.gname && a.mtime == b.mtime &&
         a.link_target == b.link_target && a.devmajor == b.devmajor && a.devminor == b.devminor &&
         a.size == b.size && a.pax == b.pax;
}

void round_trip(const wisp::io::TarEntry& entry, std::string_view content) {
  std::string out;
  wisp::io::StringSink sink(out);
  wisp::io::TarWriter writer(sink);
  if (!writer.add(entry, content)) return;
  if (!writer.finish()) std::abort();
  wisp::io::TarReader reader(out);
  auto back = reader.next();
  if (!back || !*back || !same(**back, entry) || reader.content() != content) std::abort();
  auto end = reader.next();
  if (!end || *end) std::abort();
}

}  // namespace

/// Writes a valid checksum into every block, so mutations reach past the checksum check.
static std::string fix_checksums(std::string_view input) {
  namespace tf = wisp::io::tar_format;
  std::string out(input);
  for (size_t at = 0; at + tf::k_block <= out.size(); at += tf::k_block) {
    std::string_view block(out.data() + at, tf::k_block);
    if (block.find_first_not_of('\0') == std::string_view::npos) continue;  // keep end markers
    std::string sum = fmt::format("{:06o}", tf::header_checksums(block).unsigned_sum);
    out.replace(at + tf::k_checksum.offset, 6, sum);
  }
  return out;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view raw(reinterpret_cast<const char*>(data), size);
  // Odd-sized inputs are read as they are; even-sized ones get their checksums fixed first.
  std::string fixed = size % 2 ? std::string(raw) : fix_checksums(raw);
  std::string_view input = fixed;
  for (bool require_end : {true, false}) {
    wisp::io::TarReader reader(input, {.max_entry_size = 1 << 20, .max_pax_size = 1 << 16,
                                       .require_end_marker = require_end});
    for (;;) {
      auto next = reader.next();
      if (!next) {
        if (reader.next()) std::abort();  // errors are sticky
        break;
      }
      if (!*next) break;
      if (reader.offset() > size || reader.offset() % 512 != 0) std::abort();
      if (reader.content().size() != (*next)->size) std::abort();
      if (require_end) round_trip(**next, reader.content());
    }
  }
  return 0;
}
