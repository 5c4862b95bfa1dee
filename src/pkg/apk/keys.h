// apk signing keys: RSA key pairs in PEM (private: PKCS#1 "RSA PRIVATE KEY", public: PKIX
// "PUBLIC KEY"). apk-tools finds the key for a signature entry `.SIGN.<ALG>.<name>` by the
// *file name* of the public key, so a key's name is its public key file's base name.
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/digest.h"
#include "base/result.h"

namespace wisp::pkg::apk {

/// Signature algorithm names as they appear in `.SIGN.<ALG>.<key>` entries.
enum class SignAlg { rsa_sha1, rsa_sha256, rsa_sha512 };
std::string_view sign_alg_tag(SignAlg alg);  // "RSA", "RSA256", "RSA512"
Result<SignAlg> parse_sign_alg(std::string_view tag);
DigestAlg sign_alg_digest(SignAlg alg);

class PublicKey {
 public:
  /// Parses a PEM public key (PKIX; PKCS#1 "RSA PUBLIC KEY" is accepted too).
  static Result<PublicKey> from_pem(std::string name, std::string_view pem);
  static Result<PublicKey> load(const std::filesystem::path& path);  // name = file name

  const std::string& name() const { return m_name; }
  /// Errc::bad_signature unless `signature` is a valid PKCS#1 v1.5 signature of `data`.
  Status verify(SignAlg alg, std::string_view data, std::string_view signature) const;
  std::string pem() const;
  /// The RSA modulus size in bits (0 for a default-constructed key).
  int bits() const;

 private:
  friend class PrivateKey;
  std::string m_name;
  std::shared_ptr<void> m_key;  // EVP_PKEY
};

class PrivateKey {
 public:
  static Result<PrivateKey> from_pem(std::string name, std::string_view pem);
  /// Loads NAME.rsa; the key name is the file name + ".pub" (melange's convention).
  static Result<PrivateKey> load(const std::filesystem::path& path);
  /// Generates an RSA key (4096 bits by default; Errc::usage outside 2048..16384).
  /// `name` is the public key's file name, e.g. "mykey.rsa.pub".
  static Result<PrivateKey> generate(std::string name, int bits = 4096);

  /// The name of the matching public key file, e.g. "melange.rsa.pub".
  const std::string& name() const { return m_name; }
  Result<std::string> sign(SignAlg alg, std::string_view data) const;
  std::string private_pem() const;  // PKCS#1
  std::string public_pem() const;   // PKIX
  PublicKey public_key() const;

 private:
  std::string m_name;
  std::shared_ptr<void> m_key;  // EVP_PKEY
};

/// Trusted public keys, looked up by file name as apk does.
class Keyring {
 public:
  /// Loads every non-hidden regular file of `dir` as a key (files that don't parse are an error).
  static Result<Keyring> load_dir(const std::filesystem::path& dir);
  /// Adds a key file, or every key file of a directory.
  Status add_path(const std::filesystem::path& path);
  void add(PublicKey key);
  /// Exact name first; like apko, "NAME" also matches a key stored as "NAME.rsa.pub" and back.
  const PublicKey* find(std::string_view name) const;
  bool empty() const { return m_keys.empty(); }
  const std::vector<PublicKey>& keys() const { return m_keys; }
  /// The files and directories keys were loaded from, for error messages.
  const std::vector<std::filesystem::path>& sources() const { return m_sources; }
  /// "a.rsa.pub, b.rsa.pub (from DIR, FILE)" or "no keys (looked in DIR)": for error messages.
  std::string describe() const;

 private:
  std::vector<PublicKey> m_keys;
  std::vector<std::filesystem::path> m_sources;
};

}  // namespace wisp::pkg::apk
