// decompress() on arbitrary bytes with each codec under a small bound: no crash, the bound
// holds, errors carry the documented codes, and `none` is an exact copy.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "io/decompress.h"

namespace {

using namespace wisp;

void check(bool ok) {
  if (!ok) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  constexpr uint64_t k_bound = 1 << 20;
  for (io::Codec codec : {io::Codec::none, io::Codec::gzip, io::Codec::xz, io::Codec::zstd}) {
    auto out = io::decompress(input, codec, k_bound);
    if (out) {
      check(out->size() <= k_bound);
      if (codec == io::Codec::none) check(*out == input);
      // A smaller bound accepts exactly the outputs that fit in it.
      auto again = io::decompress(input, codec, out->size());
      check(again && *again == *out);
      if (!out->empty()) {
        auto tight = io::decompress(input, codec, out->size() - 1);
        check(!tight && tight.error().code == Errc::too_large);
      }
    } else {
      Errc code = out.error().code;
      check(code == Errc::bad_format || code == Errc::too_large);
    }
  }
  return 0;
}
