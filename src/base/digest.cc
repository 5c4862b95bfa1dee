#include "base/digest.h"

#include <openssl/evp.h>

#include <stdexcept>

#include "base/encoding.h"

namespace wisp {

namespace {
const EVP_MD* evp_md(DigestAlg alg) {
  switch (alg) {
    case DigestAlg::sha1: return EVP_sha1();
    case DigestAlg::sha256: return EVP_sha256();
    case DigestAlg::sha512: return EVP_sha512();
  }
  return EVP_sha256();
}
}  // namespace

std::string_view digest_alg_name(DigestAlg alg) {
  switch (alg) {
    case DigestAlg::sha1: return "sha1";
    case DigestAlg::sha256: return "sha256";
    case DigestAlg::sha512: return "sha512";
  }
  return "sha256";
}

size_t digest_size(DigestAlg alg) {
  switch (alg) {
    case DigestAlg::sha1: return 20;
    case DigestAlg::sha256: return 32;
    case DigestAlg::sha512: return 64;
  }
  return 32;
}

struct Hasher::Impl {
  EVP_MD_CTX* ctx = nullptr;
  ~Impl() { EVP_MD_CTX_free(ctx); }
};

Hasher::Hasher(DigestAlg alg) : m_alg(alg), m_impl(std::make_unique<Impl>()) {
  m_impl->ctx = EVP_MD_CTX_new();
  // Allocation failure in OpenSSL leaves nothing sensible to do.
  if (!m_impl->ctx || EVP_DigestInit_ex(m_impl->ctx, evp_md(alg), nullptr) != 1)
    throw std::runtime_error("OpenSSL digest init failed");
}

Hasher::~Hasher() = default;
Hasher::Hasher(Hasher&&) noexcept = default;
Hasher& Hasher::operator=(Hasher&&) noexcept = default;

void Hasher::update(std::string_view bytes) {
  EVP_DigestUpdate(m_impl->ctx, bytes.data(), bytes.size());
}

std::string Hasher::finish() {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_DigestFinal_ex(m_impl->ctx, out, &len);
  EVP_DigestInit_ex(m_impl->ctx, evp_md(m_alg), nullptr);
  return std::string(reinterpret_cast<const char*>(out), len);
}

std::string digest(DigestAlg alg, std::string_view bytes) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(bytes.data(), bytes.size(), out, &len, evp_md(alg), nullptr);
  return std::string(reinterpret_cast<const char*>(out), len);
}

std::string sha1(std::string_view bytes) { return digest(DigestAlg::sha1, bytes); }
std::string sha256(std::string_view bytes) { return digest(DigestAlg::sha256, bytes); }

std::string sha256_digest_string(std::string_view bytes) {
  return "sha256:" + hex_encode(sha256(bytes));
}

}  // namespace wisp
