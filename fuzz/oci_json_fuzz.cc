// The OCI JSON parsers (index, manifest, image config) on arbitrary bytes: never crash or throw,
// and whatever one accepts serializes to bytes that parse back to the same value and
// serialize to the same bytes again (the canonical form is a fixed point).
#include <cstdint>
#include <cstdlib>
#include <string>

#include "oci/objects.h"

namespace {

template <typename T, typename Parse>
void round_trip(std::string_view input, Parse parse) {
  wisp::Result<T> first = parse(input);
  if (!first) {
    if (first.error().message.empty()) std::abort();
    return;
  }
  std::string text = wisp::oci::serialize(*first);
  wisp::Result<T> again = parse(text);
  if (!again || !(*again == *first)) std::abort();
  if (wisp::oci::serialize(*again) != text) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > 256 * 1024) return 0;
  std::string_view input(reinterpret_cast<const char*>(data), size);
  round_trip<wisp::oci::Index>(input, wisp::oci::parse_index);
  round_trip<wisp::oci::Manifest>(input, wisp::oci::parse_manifest);
  round_trip<wisp::oci::ImageConfig>(input, wisp::oci::parse_image_config);
  return 0;
}
