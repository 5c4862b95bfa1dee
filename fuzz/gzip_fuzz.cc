// gunzip_members on arbitrary bytes: no crash, limits hold, and the results agree with each
// other and with a compress/decompress round trip.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "io/gzip.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  wisp::io::GunzipLimits limits{.max_output = 16 << 20, .max_members = 16};
  auto members = wisp::io::gunzip_members(input, limits);
  auto joined = wisp::io::gunzip(input, limits);
  if (members.has_value() != joined.has_value()) std::abort();
  if (members) {
    std::string concat;
    size_t next_offset = 0;
    for (const auto& m : *members) {
      if (m.offset != next_offset || m.compressed_size == 0) std::abort();
      next_offset += m.compressed_size;
      concat += m.data;
    }
    if (next_offset != size || concat != *joined || concat.size() > limits.max_output) std::abort();
    if (members->empty() || members->size() > limits.max_members) std::abort();
  }
  if (size <= 1 << 13) {
    auto back = wisp::io::gunzip(wisp::io::gzip_compress(input, static_cast<int>(size % 13)));
    if (!back || *back != input) std::abort();
  }
  return 0;
}
