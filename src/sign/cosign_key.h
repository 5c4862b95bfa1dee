// cosign key pairs (signing-sbom.md §2): ECDSA P-256 keys as cosign writes and reads them.
// cosign.pub is a PEM "PUBLIC KEY" (DER SubjectPublicKeyInfo). cosign.key is a PEM block
// "ENCRYPTED SIGSTORE PRIVATE KEY" (or the older "ENCRYPTED COSIGN PRIVATE KEY") whose body is
// JSON {kdf: scrypt N/r/p + salt, cipher: nacl/secretbox + nonce, ciphertext}: the secretbox
// (tag first, as crypto_secretbox_easy) of the PKCS#8 DER private key.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "base/result.h"

namespace wisp::sign {

/// Which key file flavour to write. `current` is what cosign >= 2.2 writes (SIGSTORE label,
/// N=65536); `legacy` (COSIGN label, N=32768) is readable by every cosign and containers/image.
enum class KeyFileFormat { current, legacy };

class PublicKey;

/// An ECDSA P-256 private key (OpenSSL EVP_PKEY underneath; move-only).
class PrivateKey {
 public:
  PrivateKey();
  ~PrivateKey();
  PrivateKey(PrivateKey&&) noexcept;
  PrivateKey& operator=(PrivateKey&&) noexcept;

  /// A fresh random key.
  static Result<PrivateKey> generate();
  /// Decrypts a cosign.key file's text. Errc::bad_format for a malformed file (label, JSON,
  /// scrypt parameters other than N in {2^15,2^16,2^17}, r=8, p=1), Errc::bad_signature for a
  /// wrong password (the secretbox MAC fails).
  static Result<PrivateKey> from_encrypted_pem(std::string_view pem, std::string_view password);
  /// Also accepts unencrypted "PRIVATE KEY" (PKCS#8) and "EC PRIVATE KEY" (SEC1) PEM, P-256 only.
  static Result<PrivateKey> from_plain_pem(std::string_view pem);

  /// The encrypted PEM text cosign reads (random salt and nonce).
  Result<std::string> to_encrypted_pem(std::string_view password, KeyFileFormat format) const;
  PublicKey public_key() const;

  /// ECDSA-P256-SHA256 over `message` (hashed once, here): ASN.1 DER signature bytes.
  Result<std::string> sign(std::string_view message) const;

  struct Impl;
  /// For wisp_sign's own code (key_impl.h): wraps / exposes the OpenSSL key.
  explicit PrivateKey(std::unique_ptr<Impl> impl);
  const Impl* impl() const { return m_impl.get(); }

 private:
  std::unique_ptr<Impl> m_impl;
};

/// An ECDSA public key (P-256 expected; P-384/P-521 accepted for verification).
class PublicKey {
 public:
  PublicKey();
  ~PublicKey();
  PublicKey(const PublicKey&);
  PublicKey& operator=(const PublicKey&);
  PublicKey(PublicKey&&) noexcept;
  PublicKey& operator=(PublicKey&&) noexcept;

  /// A PEM "PUBLIC KEY" block (also the public key of a PEM "CERTIFICATE").
  static Result<PublicKey> from_pem(std::string_view pem);
  /// DER SubjectPublicKeyInfo.
  static Result<PublicKey> from_der(std::string_view der);
  /// The subject public key of a DER X.509 certificate (as Sigstore bundles carry them).
  static Result<PublicKey> from_der_certificate(std::string_view der);

  std::string to_pem() const;
  /// DER SubjectPublicKeyInfo.
  std::string to_der() const;
  /// base64(SHA-256(DER SubjectPublicKeyInfo)): the key hint cosign puts in bundles.
  std::string hint() const;

  /// True when `signature` (DER, as cosign writes it; high-S accepted) is over SHA-256(message).
  bool verify(std::string_view message, std::string_view signature) const;

  struct Impl;
  /// For wisp_sign's own code (key_impl.h): wraps / exposes the OpenSSL key.
  explicit PublicKey(std::shared_ptr<Impl> impl);
  const Impl* impl() const { return m_impl.get(); }

 private:
  std::shared_ptr<Impl> m_impl;
  friend class PrivateKey;
};

/// The password for a key file, as cosign gets it: $COSIGN_PASSWORD when set (even empty),
/// else a prompt on the terminal (twice when `confirm`), else all of stdin (newline kept).
Result<std::string> read_key_password(bool confirm);

}  // namespace wisp::sign
