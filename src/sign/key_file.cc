// cosign.key: scrypt-derived key, NaCl secretbox over the PKCS#8 DER, JSON in a PEM block
// (signing-sbom.md §2). The format is go-securesystemslib's "encrypted" package.
#include <array>

#include <nlohmann/json.hpp>
#include <sodium.h>

#include "base/encoding.h"
#include "sign/cosign_key.h"
#include "sign/key_impl.h"
#include "sign/pem.h"
#include "sign/strict_json.h"

namespace wisp::sign {

namespace {

using json = nlohmann::ordered_json;

constexpr std::string_view k_sigstore_label = "ENCRYPTED SIGSTORE PRIVATE KEY";
constexpr std::string_view k_cosign_label = "ENCRYPTED COSIGN PRIVATE KEY";
constexpr size_t k_salt_size = 32;
constexpr uint32_t k_scrypt_r = 8;
constexpr uint32_t k_scrypt_p = 1;
static_assert(crypto_secretbox_KEYBYTES == 32 && crypto_secretbox_NONCEBYTES == 24);

using SecretKey = std::array<unsigned char, crypto_secretbox_KEYBYTES>;

/// Wipes a secret buffer when it goes out of scope, whichever way the function returns.
template <typename Buffer>
struct Wipe {
  Buffer& buffer;
  ~Wipe() { sodium_memzero(buffer.data(), buffer.size()); }
};

Status init_sodium() {
  static const int status = sodium_init();  // thread-safe once; 1 = already initialised
  if (status < 0) return fail(Errc::internal, "libsodium failed to initialise");
  return {};
}

const unsigned char* bytes_of(std::string_view text) { return reinterpret_cast<const unsigned char*>(text.data()); }

Status derive_key(std::string_view password, std::string_view salt, uint64_t n, SecretKey& out) {
  if (crypto_pwhash_scryptsalsa208sha256_ll(bytes_of(password), password.size(), bytes_of(salt), salt.size(), n,
                                            k_scrypt_r, k_scrypt_p, out.data(), out.size()) != 0)
    return fail(Errc::internal, "scrypt failed (out of memory?)");
  return {};
}

std::string random_bytes(size_t size) {
  std::string out(size, '\0');
  randombytes_buf(out.data(), out.size());
  return out;
}

Result<std::string> base64_member(const json& object, const char* key, std::string_view what) {
  if (!object.contains(key) || !object.at(key).is_string())
    return fail(Errc::bad_format, "{}.{}: missing or not a string", what, key);
  auto bytes = base64_decode(object.at(key).get<std::string>());
  if (!bytes) return fail(Errc::bad_format, "{}.{}: {}", what, key, bytes.error().message);
  return std::move(*bytes);
}

Status expect_name(const json& object, std::string_view expected, std::string_view what) {
  if (!object.contains("name") || !object.at("name").is_string() || object.at("name").get<std::string>() != expected)
    return fail(Errc::bad_format, "{}.name: expected \"{}\"", what, expected);
  return {};
}

Result<uint64_t> integer_member(const json& object, const char* key) {
  if (!object.contains(key) || !object.at(key).is_number_integer())
    return fail(Errc::bad_format, "kdf.params.{}: missing or not an integer", key);
  if (object.at(key).is_number_unsigned()) return object.at(key).get<uint64_t>();
  return fail(Errc::bad_format, "kdf.params.{}: negative", key);
}

struct SealedKey {
  uint64_t n = 0;
  std::string salt;
  std::string nonce;
  std::string ciphertext;
};

/// Parses and checks the JSON before any expensive scrypt runs (the N check guards against
/// files that would make scrypt take gigabytes).
Result<SealedKey> parse_sealed_key(std::string_view text) {
  TRY_ASSIGN(json root, parse_strict_json(text, "encrypted key"));
  if (!root.is_object()) return fail(Errc::bad_format, "encrypted key: expected a JSON object");
  if (!root.contains("kdf") || !root.at("kdf").is_object()) return fail(Errc::bad_format, "kdf: missing");
  if (!root.contains("cipher") || !root.at("cipher").is_object()) return fail(Errc::bad_format, "cipher: missing");
  const json& kdf = root.at("kdf");
  const json& cipher = root.at("cipher");
  TRY(expect_name(kdf, "scrypt", "kdf"));
  TRY(expect_name(cipher, "nacl/secretbox", "cipher"));
  if (!kdf.contains("params") || !kdf.at("params").is_object()) return fail(Errc::bad_format, "kdf.params: missing");
  const json& params = kdf.at("params");
  SealedKey sealed;
  TRY_ASSIGN(sealed.n, integer_member(params, "N"));
  TRY_ASSIGN(uint64_t r, integer_member(params, "r"));
  TRY_ASSIGN(uint64_t p, integer_member(params, "p"));
  if ((sealed.n != 32768 && sealed.n != 65536 && sealed.n != 131072) || r != k_scrypt_r || p != k_scrypt_p)
    return fail(Errc::bad_format, "unsupported scrypt parameters N={} r={} p={} (want N 32768, 65536 or 131072, r 8, p 1)",
                sealed.n, r, p);
  TRY_ASSIGN(sealed.salt, base64_member(kdf, "salt", "kdf"));
  TRY_ASSIGN(sealed.nonce, base64_member(cipher, "nonce", "cipher"));
  TRY_ASSIGN(sealed.ciphertext, base64_member(root, "ciphertext", "encrypted key"));
  if (sealed.salt.size() != k_salt_size)
    return fail(Errc::bad_format, "kdf.salt: {} bytes, expected {}", sealed.salt.size(), k_salt_size);
  if (sealed.nonce.size() != crypto_secretbox_NONCEBYTES)
    return fail(Errc::bad_format, "cipher.nonce: {} bytes, expected {}", sealed.nonce.size(),
                crypto_secretbox_NONCEBYTES);
  if (sealed.ciphertext.size() < crypto_secretbox_MACBYTES)
    return fail(Errc::bad_format, "ciphertext: shorter than the secretbox tag");
  return sealed;
}

}  // namespace

Result<PrivateKey> PrivateKey::from_encrypted_pem(std::string_view pem, std::string_view password) {
  TRY(init_sodium());
  TRY_ASSIGN(PemBlock block, pem_decode(pem));
  if (block.label != k_sigstore_label && block.label != k_cosign_label)
    return fail(Errc::bad_format, "unexpected PEM block \"{}\" (want {} or {})", block.label, k_sigstore_label,
                k_cosign_label);
  TRY_ASSIGN_CTX(SealedKey sealed, parse_sealed_key(block.der), "cosign key file");

  SecretKey key{};
  Wipe<SecretKey> wipe_key{key};
  TRY(derive_key(password, sealed.salt, sealed.n, key));
  std::string plaintext(sealed.ciphertext.size() - crypto_secretbox_MACBYTES, '\0');
  Wipe<std::string> wipe_plaintext{plaintext};
  if (crypto_secretbox_open_easy(reinterpret_cast<unsigned char*>(plaintext.data()), bytes_of(sealed.ciphertext),
                                 sealed.ciphertext.size(), bytes_of(sealed.nonce), key.data()) != 0)
    return fail(Errc::bad_signature, "wrong password or corrupt key (the secretbox MAC does not verify)");
  // cosign only accepts PKCS#8 inside the box (a SEC1 key there is one of its test failures).
  return with_context(private_key_from_pkcs8(plaintext), "cosign key file");
}

Result<std::string> PrivateKey::to_encrypted_pem(std::string_view password, KeyFileFormat format) const {
  TRY(init_sodium());
  TRY_ASSIGN(std::string plaintext, pkcs8_der(*this));
  Wipe<std::string> wipe_plaintext{plaintext};
  const uint64_t n = format == KeyFileFormat::legacy ? 32768 : 65536;
  const std::string salt = random_bytes(k_salt_size);
  const std::string nonce = random_bytes(crypto_secretbox_NONCEBYTES);

  SecretKey key{};
  Wipe<SecretKey> wipe_key{key};
  TRY(derive_key(password, salt, n, key));
  std::string ciphertext(plaintext.size() + crypto_secretbox_MACBYTES, '\0');
  if (crypto_secretbox_easy(reinterpret_cast<unsigned char*>(ciphertext.data()), bytes_of(plaintext), plaintext.size(),
                            bytes_of(nonce), key.data()) != 0)
    return fail(Errc::internal, "secretbox encryption failed");

  // Member order as go-securesystemslib's structs marshal them.
  json params = json::object();
  params["N"] = n;
  params["r"] = k_scrypt_r;
  params["p"] = k_scrypt_p;
  json kdf = json::object();
  kdf["name"] = "scrypt";
  kdf["params"] = std::move(params);
  kdf["salt"] = base64_encode(salt);
  json cipher = json::object();
  cipher["name"] = "nacl/secretbox";
  cipher["nonce"] = base64_encode(nonce);
  json root = json::object();
  root["kdf"] = std::move(kdf);
  root["cipher"] = std::move(cipher);
  root["ciphertext"] = base64_encode(ciphertext);
  return pem_encode(format == KeyFileFormat::legacy ? k_cosign_label : k_sigstore_label, dump_compact(root));
}

}  // namespace wisp::sign
