// cosign key file and PEM key readers on arbitrary bytes: never crash or throw, errors carry a
// message, and a public key that parses re-encodes to PEM that parses to the same key.
// Inputs whose decoded key file names an accepted scrypt N are skipped: each would run scrypt
// with 32-128 MiB, starving the fuzzer; everything before that check is still exercised.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "sign/cosign_key.h"
#include "sign/pem.h"

namespace {

template <typename T>
void check_error(const wisp::Result<T>& result) {
  if (!result && result.error().message.empty()) std::abort();
}

bool would_run_scrypt(std::string_view input) {
  auto block = wisp::sign::pem_decode(input);
  if (!block) return false;
  for (std::string_view n : {"32768", "65536", "131072"})
    if (block->der.find(n) != std::string::npos) return true;
  return false;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > 64 * 1024) return 0;
  std::string_view input(reinterpret_cast<const char*>(data), size);

  if (!would_run_scrypt(input)) check_error(wisp::sign::PrivateKey::from_encrypted_pem(input, "fuzz"));

  auto plain = wisp::sign::PrivateKey::from_plain_pem(input);
  check_error(plain);
  if (plain) {
    auto signature = plain->sign("message");
    if (!signature || !plain->public_key().verify("message", *signature)) std::abort();
  }

  auto pub = wisp::sign::PublicKey::from_pem(input);
  check_error(pub);
  if (pub) {
    auto again = wisp::sign::PublicKey::from_pem(pub->to_pem());
    if (!again || again->to_der() != pub->to_der()) std::abort();
    (void)pub->verify("message", input);
  }
  return 0;
}
