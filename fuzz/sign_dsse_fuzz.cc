// DSSE envelope and in-toto statement parsers on arbitrary bytes: never crash or throw, and
// whatever they accept serializes to bytes that parse back to the same value and serialize
// identically (the canonical form is a fixed point).
#include <cstdint>
#include <cstdlib>
#include <string>

#include "sign/dsse.h"

namespace {

bool same(const wisp::sign::DsseEnvelope& a, const wisp::sign::DsseEnvelope& b) {
  if (a.payload_type != b.payload_type || a.payload != b.payload || a.signatures.size() != b.signatures.size())
    return false;
  for (size_t i = 0; i < a.signatures.size(); ++i)
    if (a.signatures[i].keyid != b.signatures[i].keyid || a.signatures[i].sig != b.signatures[i].sig) return false;
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > 256 * 1024) return 0;
  std::string_view input(reinterpret_cast<const char*>(data), size);

  auto envelope = wisp::sign::parse_dsse(input);
  if (!envelope && envelope.error().message.empty()) std::abort();
  if (envelope) {
    std::string text = wisp::sign::serialize(*envelope);
    auto again = wisp::sign::parse_dsse(text);
    if (!again || !same(*again, *envelope) || wisp::sign::serialize(*again) != text) std::abort();
    // The payload of an envelope is usually a statement: fuzz that parser with it too.
    (void)wisp::sign::parse_statement(envelope->payload);
  }

  auto statement = wisp::sign::parse_statement(input);
  if (!statement && statement.error().message.empty()) std::abort();
  if (statement) {
    std::string text = wisp::sign::serialize(*statement);
    auto again = wisp::sign::parse_statement(text);
    if (!again || !(*again == *statement) || wisp::sign::serialize(*again) != text) std::abort();
  }
  return 0;
}
