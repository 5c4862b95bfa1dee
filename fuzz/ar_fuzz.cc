// read_ar on arbitrary bytes: no crash, and every member view lies inside the input in order.
#include <cstdint>
#include <cstdlib>

#include "io/ar.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  auto members = wisp::io::read_ar(input, {.max_members = 64});
  if (!members) return 0;
  const char* end = input.data() + input.size();
  size_t previous = 0;
  for (const auto& m : *members) {
    if (m.name.empty() || m.offset < 8 || (previous && m.offset <= previous)) std::abort();
    if (m.content.data() < input.data() || m.content.data() + m.content.size() > end) std::abort();
    previous = m.offset;
  }
  return 0;
}
