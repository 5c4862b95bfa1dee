// The simple-signing payload parser on arbitrary bytes: never crash or throw, and whatever it
// accepts serializes to bytes that parse back to the same value and serialize identically.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "sign/simple_signing.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > 256 * 1024) return 0;
  std::string_view input(reinterpret_cast<const char*>(data), size);
  auto first = wisp::sign::parse_simple_signing(input);
  if (!first) {
    if (first.error().message.empty()) std::abort();
    return 0;
  }
  std::string text = wisp::sign::serialize(*first);
  auto again = wisp::sign::parse_simple_signing(text);
  if (!again || !(*again == *first)) std::abort();
  if (wisp::sign::serialize(*again) != text) std::abort();
  return 0;
}
