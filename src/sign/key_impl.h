// What PrivateKey and PublicKey hold (internal to wisp_sign): an OpenSSL EVP_PKEY, plus the
// PKCS#8 conversions the key file code shares with the PEM readers.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include <openssl/evp.h>

#include "base/result.h"
#include "sign/cosign_key.h"

namespace wisp::sign {

struct EvpPkeyFree {
  void operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); }
};
using EvpPkeyPtr = std::unique_ptr<EVP_PKEY, EvpPkeyFree>;

struct PrivateKey::Impl {
  EvpPkeyPtr key;
};

struct PublicKey::Impl {
  EvpPkeyPtr key;
};

/// A PrivateKey around `key` after checking it is an EC P-256 key.
Result<PrivateKey> private_key_from(EvpPkeyPtr key);

/// DER PKCS#8 PrivateKeyInfo of `key`. The caller wipes it (sodium_memzero) when done.
Result<std::string> pkcs8_der(const PrivateKey& key);

/// Parses DER PKCS#8 PrivateKeyInfo (the whole input); EC P-256 only.
Result<PrivateKey> private_key_from_pkcs8(std::string_view der);

}  // namespace wisp::sign
