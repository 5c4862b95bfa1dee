#include "sign/cosign_key.h"

#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/x509.h>
#include <sodium.h>

#include "base/digest.h"
#include "base/encoding.h"
#include "sign/key_impl.h"
#include "sign/pem.h"

namespace wisp::sign {

namespace {

struct MdCtxFree {
  void operator()(EVP_MD_CTX* ctx) const { EVP_MD_CTX_free(ctx); }
};
struct X509Free {
  void operator()(X509* cert) const { X509_free(cert); }
};
struct Pkcs8Free {
  void operator()(PKCS8_PRIV_KEY_INFO* info) const { PKCS8_PRIV_KEY_INFO_free(info); }
};
struct PkeyCtxFree {
  void operator()(EVP_PKEY_CTX* ctx) const { EVP_PKEY_CTX_free(ctx); }
};

const unsigned char* bytes_of(std::string_view text) { return reinterpret_cast<const unsigned char*>(text.data()); }

/// The key's curve name ("prime256v1", ...), or "" for a non-EC key.
std::string curve_name(EVP_PKEY* key) {
  if (EVP_PKEY_get_base_id(key) != EVP_PKEY_EC) return "";
  char name[64] = {};
  size_t length = 0;
  if (EVP_PKEY_get_utf8_string_param(key, OSSL_PKEY_PARAM_GROUP_NAME, name, sizeof name, &length) != 1) return "";
  return std::string(name, length);
}

Result<PublicKey> public_key_from(EvpPkeyPtr key) {
  if (!key) return fail(Errc::bad_format, "not a public key");
  std::string curve = curve_name(key.get());
  if (curve.empty()) return fail(Errc::unsupported, "not an ECDSA public key");
  if (curve != "prime256v1" && curve != "secp384r1" && curve != "secp521r1")
    return fail(Errc::unsupported, "ECDSA public key on curve {}, expected P-256, P-384 or P-521", curve);
  auto impl = std::make_shared<PublicKey::Impl>();
  impl->key = std::move(key);
  return PublicKey(std::move(impl));
}

/// SEC1 "EC PRIVATE KEY" DER.
Result<PrivateKey> private_key_from_sec1(std::string_view der) {
  const unsigned char* p = bytes_of(der);
  EvpPkeyPtr key(d2i_PrivateKey(EVP_PKEY_EC, nullptr, &p, static_cast<long>(der.size())));
  if (!key || p != bytes_of(der) + der.size()) {
    ERR_clear_error();
    return fail(Errc::bad_format, "not a DER SEC1 EC private key");
  }
  return private_key_from(std::move(key));
}

}  // namespace

// Shared helpers (key_impl.h)

Result<PrivateKey> private_key_from(EvpPkeyPtr key) {
  if (!key) return fail(Errc::bad_format, "not a private key");
  std::string curve = curve_name(key.get());
  if (curve.empty()) return fail(Errc::unsupported, "not an ECDSA key (cosign keys are ECDSA P-256)");
  if (curve != "prime256v1") return fail(Errc::unsupported, "ECDSA key on curve {}, expected P-256", curve);
  // Decoding takes an embedded public key as it is: a key whose public half does not belong to
  // its private scalar would sign with one key and advertise another.
  std::unique_ptr<EVP_PKEY_CTX, PkeyCtxFree> ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, key.get(), nullptr));
  if (!ctx || EVP_PKEY_check(ctx.get()) != 1) {
    ERR_clear_error();
    return fail(Errc::bad_format, "invalid EC private key (its public key does not match, or the scalar is out of range)");
  }
  auto impl = std::make_unique<PrivateKey::Impl>();
  impl->key = std::move(key);
  return PrivateKey(std::move(impl));
}

Result<std::string> pkcs8_der(const PrivateKey& key) {
  if (!key.impl()) return fail(Errc::internal, "empty private key");
  std::unique_ptr<PKCS8_PRIV_KEY_INFO, Pkcs8Free> info(EVP_PKEY2PKCS8(key.impl()->key.get()));
  if (!info) return fail(Errc::internal, "cannot encode the private key as PKCS#8");
  int length = i2d_PKCS8_PRIV_KEY_INFO(info.get(), nullptr);
  if (length <= 0) return fail(Errc::internal, "cannot encode the private key as PKCS#8");
  std::string der(static_cast<size_t>(length), '\0');
  auto* out = reinterpret_cast<unsigned char*>(der.data());
  if (i2d_PKCS8_PRIV_KEY_INFO(info.get(), &out) != length)
    return fail(Errc::internal, "cannot encode the private key as PKCS#8");
  return der;
}

Result<PrivateKey> private_key_from_pkcs8(std::string_view der) {
  const unsigned char* p = bytes_of(der);
  std::unique_ptr<PKCS8_PRIV_KEY_INFO, Pkcs8Free> info(
      d2i_PKCS8_PRIV_KEY_INFO(nullptr, &p, static_cast<long>(der.size())));
  if (!info || p != bytes_of(der) + der.size()) {
    ERR_clear_error();
    return fail(Errc::bad_format, "not a DER PKCS#8 private key");
  }
  return private_key_from(EvpPkeyPtr(EVP_PKCS82PKEY(info.get())));
}

// PrivateKey

PrivateKey::PrivateKey() = default;
PrivateKey::PrivateKey(std::unique_ptr<Impl> impl) : m_impl(std::move(impl)) {}
PrivateKey::~PrivateKey() = default;
PrivateKey::PrivateKey(PrivateKey&&) noexcept = default;
PrivateKey& PrivateKey::operator=(PrivateKey&&) noexcept = default;

Result<PrivateKey> PrivateKey::generate() {
  EvpPkeyPtr key(EVP_EC_gen("P-256"));
  if (!key) return fail(Errc::internal, "cannot generate an ECDSA P-256 key");
  return private_key_from(std::move(key));
}

Result<PrivateKey> PrivateKey::from_plain_pem(std::string_view pem) {
  TRY_ASSIGN(PemBlock block, pem_decode(pem));
  Result<PrivateKey> key = fail(Errc::bad_format, "unexpected PEM block \"{}\" (want PRIVATE KEY or EC PRIVATE KEY)",
                                block.label);
  if (block.label == "PRIVATE KEY") key = private_key_from_pkcs8(block.der);
  if (block.label == "EC PRIVATE KEY") key = private_key_from_sec1(block.der);
  sodium_memzero(block.der.data(), block.der.size());
  return key;
}

PublicKey PrivateKey::public_key() const {
  if (!m_impl) return PublicKey();
  int length = i2d_PUBKEY(m_impl->key.get(), nullptr);
  if (length <= 0) return PublicKey();
  std::string der(static_cast<size_t>(length), '\0');
  auto* out = reinterpret_cast<unsigned char*>(der.data());
  i2d_PUBKEY(m_impl->key.get(), &out);
  auto key = PublicKey::from_der(der);
  return key ? std::move(*key) : PublicKey();
}

Result<std::string> PrivateKey::sign(std::string_view message) const {
  if (!m_impl) return fail(Errc::internal, "signing with an empty private key");
  std::unique_ptr<EVP_MD_CTX, MdCtxFree> ctx(EVP_MD_CTX_new());
  size_t length = 0;
  if (!ctx || EVP_DigestSignInit(ctx.get(), nullptr, EVP_sha256(), nullptr, m_impl->key.get()) != 1 ||
      EVP_DigestSign(ctx.get(), nullptr, &length, bytes_of(message), message.size()) != 1)
    return fail(Errc::internal, "ECDSA signing failed to start");
  std::string signature(length, '\0');
  if (EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(signature.data()), &length, bytes_of(message),
                     message.size()) != 1)
    return fail(Errc::internal, "ECDSA signing failed");
  signature.resize(length);
  return signature;
}

// PublicKey

PublicKey::PublicKey() = default;
PublicKey::PublicKey(std::shared_ptr<Impl> impl) : m_impl(std::move(impl)) {}
PublicKey::~PublicKey() = default;
PublicKey::PublicKey(const PublicKey&) = default;
PublicKey& PublicKey::operator=(const PublicKey&) = default;
PublicKey::PublicKey(PublicKey&&) noexcept = default;
PublicKey& PublicKey::operator=(PublicKey&&) noexcept = default;

Result<PublicKey> PublicKey::from_der(std::string_view der) {
  const unsigned char* p = bytes_of(der);
  EvpPkeyPtr key(d2i_PUBKEY(nullptr, &p, static_cast<long>(der.size())));
  if (!key || p != bytes_of(der) + der.size()) {
    ERR_clear_error();
    return fail(Errc::bad_format, "not a DER SubjectPublicKeyInfo");
  }
  return public_key_from(std::move(key));
}

Result<PublicKey> PublicKey::from_der_certificate(std::string_view der) {
  const unsigned char* p = bytes_of(der);
  std::unique_ptr<X509, X509Free> cert(d2i_X509(nullptr, &p, static_cast<long>(der.size())));
  if (!cert || p != bytes_of(der) + der.size()) {
    ERR_clear_error();
    return fail(Errc::bad_format, "not a DER X.509 certificate");
  }
  return public_key_from(EvpPkeyPtr(X509_get_pubkey(cert.get())));
}

Result<PublicKey> PublicKey::from_pem(std::string_view pem) {
  TRY_ASSIGN(PemBlock block, pem_decode(pem));
  if (block.label == "PUBLIC KEY") return from_der(block.der);
  if (block.label == "CERTIFICATE") return from_der_certificate(block.der);
  return fail(Errc::bad_format, "unexpected PEM block \"{}\" (want PUBLIC KEY or CERTIFICATE)", block.label);
}

std::string PublicKey::to_der() const {
  if (!m_impl) return "";
  int length = i2d_PUBKEY(m_impl->key.get(), nullptr);
  if (length <= 0) return "";
  std::string der(static_cast<size_t>(length), '\0');
  auto* out = reinterpret_cast<unsigned char*>(der.data());
  if (i2d_PUBKEY(m_impl->key.get(), &out) != length) return "";
  return der;
}

std::string PublicKey::to_pem() const { return pem_encode("PUBLIC KEY", to_der()); }

std::string PublicKey::hint() const { return base64_encode(sha256(to_der())); }

bool PublicKey::verify(std::string_view message, std::string_view signature) const {
  if (!m_impl) return false;
  std::unique_ptr<EVP_MD_CTX, MdCtxFree> ctx(EVP_MD_CTX_new());
  if (!ctx || EVP_DigestVerifyInit(ctx.get(), nullptr, EVP_sha256(), nullptr, m_impl->key.get()) != 1) return false;
  bool ok = EVP_DigestVerify(ctx.get(), bytes_of(signature), signature.size(), bytes_of(message), message.size()) == 1;
  ERR_clear_error();  // a failed verification leaves decoder errors queued for the thread
  return ok;
}

}  // namespace wisp::sign
