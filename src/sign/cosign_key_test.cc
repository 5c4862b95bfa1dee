#include "sign/cosign_key.h"

#include <gtest/gtest.h>
#include <openssl/ec.h>
#include <openssl/x509.h>
#include <sodium.h>

#include <cstdlib>

#include "base/encoding.h"
#include "base/file.h"
#include "sign/key_impl.h"
#include "sign/pem.h"

namespace wisp::sign {
namespace {

const std::string k_testdata = std::string(WISP_TESTDATA) + "/cosign/";
// DER SubjectPublicKeyInfo prefix of every uncompressed P-256 key: id-ecPublicKey, prime256v1.
const std::string k_p256_spki_prefix = "3059301306072a8648ce3d020106082a8648ce3d030107034200";

std::string testdata(std::string_view name) {
  auto text = read_file(k_testdata + std::string(name));
  EXPECT_TRUE(text) << text.error().message;
  return text ? *text : "";
}

/// The JSON inside a cosign.key PEM block.
std::string sealed_json(std::string_view pem) {
  auto block = pem_decode(pem);
  EXPECT_TRUE(block) << block.error().message;
  return block ? block->der : "";
}

void expect_sign_verify(const PrivateKey& key) {
  auto signature = key.sign("payload bytes");
  ASSERT_TRUE(signature) << signature.error().message;
  PublicKey pub = key.public_key();
  EXPECT_TRUE(pub.verify("payload bytes", *signature));
  EXPECT_FALSE(pub.verify("payload bytez", *signature));
  std::string tampered = *signature;
  tampered[tampered.size() / 2] ^= 1;
  EXPECT_FALSE(pub.verify("payload bytes", tampered));
  EXPECT_FALSE(PublicKey().verify("payload bytes", *signature));
}

TEST(CosignKey, LoadsCosignsSigstoreLabelKey) {
  std::string pem = testdata("sigstore-label.key");
  auto key = PrivateKey::from_encrypted_pem(pem, "hello");
  ASSERT_TRUE(key) << key.error().message;
  std::string der = key->public_key().to_der();
  EXPECT_EQ(hex_encode(der).substr(0, k_p256_spki_prefix.size()), k_p256_spki_prefix);
  EXPECT_EQ(der.size(), 91u);
  expect_sign_verify(*key);
}

TEST(CosignKey, WrongPasswordIsBadSignature) {
  for (const char* name : {"ec-cosign-label.key", "sigstore-label.key"}) {
    SCOPED_TRACE(name);
    auto wrong = PrivateKey::from_encrypted_pem(testdata(name), "hello\n");
    ASSERT_FALSE(wrong);
    EXPECT_EQ(wrong.error().code, Errc::bad_signature);
    EXPECT_NE(wrong.error().message.find("wrong password"), std::string::npos);
  }
}

// cosign's own "EC key" vector (COSIGN label, N=65536): "hello" opens the box, but the
// plaintext is SEC1, which cosign's LoadPrivateKey (x509.ParsePKCS8PrivateKey) refuses too.
TEST(CosignKey, RejectsCosignsSec1KeyVectorAfterTheMacVerifies) {
  auto key = PrivateKey::from_encrypted_pem(testdata("ec-cosign-label.key"), "hello");
  ASSERT_FALSE(key);
  EXPECT_EQ(key.error().code, Errc::bad_format);
  EXPECT_NE(key.error().message.find("PKCS#8"), std::string::npos) << key.error().message;
}

TEST(CosignKey, RoundTripsBothFileFormats) {
  auto key = PrivateKey::generate();
  ASSERT_TRUE(key) << key.error().message;
  struct Case {
    KeyFileFormat format;
    std::string_view label;
    std::string_view params;
  };
  for (Case c : {Case{KeyFileFormat::current, "ENCRYPTED SIGSTORE PRIVATE KEY", R"({"N":65536,"r":8,"p":1})"},
                 Case{KeyFileFormat::legacy, "ENCRYPTED COSIGN PRIVATE KEY", R"({"N":32768,"r":8,"p":1})"}}) {
    SCOPED_TRACE(c.label);
    auto pem = key->to_encrypted_pem("", c.format);
    ASSERT_TRUE(pem) << pem.error().message;
    EXPECT_TRUE(pem->starts_with("-----BEGIN " + std::string(c.label) + "-----\n")) << *pem;
    EXPECT_TRUE(pem->ends_with("-----END " + std::string(c.label) + "-----\n")) << *pem;
    for (size_t start = 0, end; (end = pem->find('\n', start)) != std::string::npos; start = end + 1)
      EXPECT_LE(end - start, 64u);
    std::string json = sealed_json(*pem);
    EXPECT_TRUE(json.starts_with(R"({"kdf":{"name":"scrypt","params":)" + std::string(c.params) + R"(,"salt":")"))
        << json;
    EXPECT_NE(json.find(R"(},"cipher":{"name":"nacl/secretbox","nonce":")"), std::string::npos) << json;
    // 138 bytes of PKCS#8 plus the 16-byte tag, base64: 208 characters.
    EXPECT_NE(json.find(R"("},"ciphertext":")"), std::string::npos) << json;
    EXPECT_TRUE(json.ends_with("\"}")) << json;
    EXPECT_EQ(json.size() - json.find("\"ciphertext\":\"") - 16, 208u) << json;

    auto back = PrivateKey::from_encrypted_pem(*pem, "");
    ASSERT_TRUE(back) << back.error().message;
    EXPECT_EQ(back->public_key().to_der(), key->public_key().to_der());
    expect_sign_verify(*back);
    auto signature = back->sign("m");
    ASSERT_TRUE(signature);
    EXPECT_TRUE(key->public_key().verify("m", *signature));
  }
}

TEST(CosignKey, FreshKeysAndSaltsDiffer) {
  auto a = PrivateKey::generate();
  auto b = PrivateKey::generate();
  ASSERT_TRUE(a && b);
  EXPECT_NE(a->public_key().to_der(), b->public_key().to_der());
  auto pem1 = a->to_encrypted_pem("pw", KeyFileFormat::legacy);
  auto pem2 = a->to_encrypted_pem("pw", KeyFileFormat::legacy);
  ASSERT_TRUE(pem1 && pem2);
  EXPECT_NE(*pem1, *pem2);
}

TEST(CosignKey, PlaintextIsPkcs8Of138Bytes) {
  auto key = PrivateKey::generate();
  ASSERT_TRUE(key);
  auto der = pkcs8_der(*key);
  ASSERT_TRUE(der) << der.error().message;
  EXPECT_EQ(der->size(), 138u);
}

/// A key file with the given JSON body (no scrypt needed to produce it).
std::string key_file_with(std::string_view label, std::string_view json) {
  return pem_encode(label, json);
}

TEST(CosignKey, RejectsMalformedKeyFilesBeforeScrypt) {
  std::string json = sealed_json(testdata("sigstore-label.key"));
  auto expect_bad = [](const std::string& pem, std::string_view needle) {
    auto key = PrivateKey::from_encrypted_pem(pem, "hello");
    ASSERT_FALSE(key) << pem;
    EXPECT_EQ(key.error().code, Errc::bad_format) << key.error().message;
    EXPECT_NE(key.error().message.find(needle), std::string::npos) << key.error().message;
  };
  auto replace = [&](std::string_view from, std::string_view to) {
    std::string out = json;
    size_t at = out.find(from);
    EXPECT_NE(at, std::string::npos) << from;
    if (at != std::string::npos) out.replace(at, from.size(), to);
    return out;
  };
  const std::string label = "ENCRYPTED SIGSTORE PRIVATE KEY";
  expect_bad(key_file_with("ENCRYPTED PRIVATE KEY", json), "unexpected PEM block");
  expect_bad(key_file_with(label, replace("\"N\":32768", "\"N\":16384")), "scrypt parameters");
  expect_bad(key_file_with(label, replace("\"N\":32768", "\"N\":1048576")), "scrypt parameters");
  expect_bad(key_file_with(label, replace("\"r\":8", "\"r\":1")), "scrypt parameters");
  expect_bad(key_file_with(label, replace("\"p\":1", "\"p\":2")), "scrypt parameters");
  expect_bad(key_file_with(label, replace("\"N\":32768", "\"N\":-1")), "negative");
  expect_bad(key_file_with(label, replace("\"N\":32768", "\"N\":\"32768\"")), "kdf.params.N");
  expect_bad(key_file_with(label, replace("\"scrypt\"", "\"argon2\"")), "kdf.name");
  expect_bad(key_file_with(label, replace("\"nacl/secretbox\"", "\"aes\"")), "cipher.name");
  expect_bad(key_file_with(label, replace("\"salt\":\"7O", "\"salt\":\"")), "kdf.salt");
  expect_bad(key_file_with(label, replace("\"nonce\":\"P4y8", "\"nonce\":\"")), "cipher.nonce");
  expect_bad(key_file_with(label, replace("\"ciphertext\"", "\"cyphertext\"")), "ciphertext");
  expect_bad(key_file_with(label, "[]"), "JSON object");
  expect_bad(key_file_with(label, "{"), "not valid JSON");
  expect_bad("no pem here", "no PEM block");
}

TEST(CosignKey, RejectsSec1InsideTheBox) {
  auto key = PrivateKey::generate();
  ASSERT_TRUE(key);
  // SEC1 DER of the key, sealed exactly as a key file would be.
  int length = i2d_PrivateKey(key->impl()->key.get(), nullptr);
  ASSERT_GT(length, 0);
  std::string sec1(static_cast<size_t>(length), '\0');
  auto* out = reinterpret_cast<unsigned char*>(sec1.data());
  i2d_PrivateKey(key->impl()->key.get(), &out);
  ASSERT_EQ(sodium_init() < 0, false);
  std::string salt(32, 's'), nonce(24, 'n');
  unsigned char secret[32];
  ASSERT_EQ(crypto_pwhash_scryptsalsa208sha256_ll(reinterpret_cast<const uint8_t*>("pw"), 2,
                                                  reinterpret_cast<const uint8_t*>(salt.data()), salt.size(), 32768, 8,
                                                  1, secret, sizeof secret),
            0);
  std::string box(sec1.size() + crypto_secretbox_MACBYTES, '\0');
  crypto_secretbox_easy(reinterpret_cast<unsigned char*>(box.data()), reinterpret_cast<const unsigned char*>(sec1.data()),
                        sec1.size(), reinterpret_cast<const unsigned char*>(nonce.data()), secret);
  std::string json = R"({"kdf":{"name":"scrypt","params":{"N":32768,"r":8,"p":1},"salt":")" + base64_encode(salt) +
                     R"("},"cipher":{"name":"nacl/secretbox","nonce":")" + base64_encode(nonce) +
                     R"("},"ciphertext":")" + base64_encode(box) + "\"}";
  auto loaded = PrivateKey::from_encrypted_pem(pem_encode("ENCRYPTED COSIGN PRIVATE KEY", json), "pw");
  ASSERT_FALSE(loaded);
  EXPECT_EQ(loaded.error().code, Errc::bad_format);
  EXPECT_NE(loaded.error().message.find("PKCS#8"), std::string::npos) << loaded.error().message;
  // The same SEC1 bytes are fine as a plain "EC PRIVATE KEY".
  auto plain = PrivateKey::from_plain_pem(pem_encode("EC PRIVATE KEY", sec1));
  ASSERT_TRUE(plain) << plain.error().message;
  EXPECT_EQ(plain->public_key().to_der(), key->public_key().to_der());
}

TEST(CosignKey, PlainPemKeys) {
  auto key = PrivateKey::generate();
  ASSERT_TRUE(key);
  auto der = pkcs8_der(*key);
  ASSERT_TRUE(der);
  auto plain = PrivateKey::from_plain_pem("leading text\n" + pem_encode("PRIVATE KEY", *der));
  ASSERT_TRUE(plain) << plain.error().message;
  EXPECT_EQ(plain->public_key().to_der(), key->public_key().to_der());
  EXPECT_FALSE(PrivateKey::from_plain_pem(pem_encode("RSA PRIVATE KEY", *der)));
  EXPECT_FALSE(PrivateKey::from_plain_pem(pem_encode("PRIVATE KEY", der->substr(1))));
  EXPECT_FALSE(PrivateKey::from_plain_pem(pem_encode("PRIVATE KEY", *der + "x")));

  // A P-384 key is no cosign signing key, but its public half verifies.
  EvpPkeyPtr p384(EVP_EC_gen("P-384"));
  ASSERT_TRUE(p384);
  int length = i2d_PUBKEY(p384.get(), nullptr);
  std::string spki(static_cast<size_t>(length), '\0');
  auto* out = reinterpret_cast<unsigned char*>(spki.data());
  i2d_PUBKEY(p384.get(), &out);
  EXPECT_TRUE(PublicKey::from_der(spki));
  auto wrapped = private_key_from(std::move(p384));
  ASSERT_FALSE(wrapped);
  EXPECT_EQ(wrapped.error().code, Errc::unsupported);
}

// Found by fuzz/sign_key_fuzz.cc: a SEC1 key whose embedded public key is not its scalar's.
TEST(CosignKey, RejectsKeysWhosePublicHalfDoesNotMatch) {
  const std::string pem =
      "-----BEGIN EC PRIVATE KEY-----\n"
      "MHcCAQEEIO21SpnylAkMHpSEO0Y3rFxoO0YEN/TpTSGms/HhhoW5oAoGCCqGSM49\n"
      "AwEHoUQDQgAE18v+SszWMPmHyKtOvZPP2yRxElH0Fi+t/KCaHqMe37TAnvu4EbwJ\n"
      "NpfV5Jr4AnXVY5S6KPh6udDguHmi6NGIGA==\n"
      "-----END EC PRIVATE KEY-----\n";
  auto key = PrivateKey::from_plain_pem(pem);
  ASSERT_FALSE(key);
  EXPECT_EQ(key.error().code, Errc::bad_format);
  EXPECT_NE(key.error().message.find("does not match"), std::string::npos) << key.error().message;
}

TEST(CosignKey, PublicKeyPemAndHint) {
  auto key = PrivateKey::generate();
  ASSERT_TRUE(key);
  PublicKey pub = key->public_key();
  std::string pem = pub.to_pem();
  EXPECT_TRUE(pem.starts_with("-----BEGIN PUBLIC KEY-----\n")) << pem;
  EXPECT_TRUE(pem.ends_with("-----END PUBLIC KEY-----\n")) << pem;
  auto back = PublicKey::from_pem(pem);
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(back->to_der(), pub.to_der());
  // CRLF line ends are fine, as for Go's pem package.
  std::string crlf;
  for (char c : pem) crlf += c == '\n' ? std::string("\r\n") : std::string(1, c);
  EXPECT_TRUE(PublicKey::from_pem(crlf));

  unsigned char digest[crypto_hash_sha256_BYTES];
  std::string der = pub.to_der();
  crypto_hash_sha256(digest, reinterpret_cast<const unsigned char*>(der.data()), der.size());
  EXPECT_EQ(pub.hint(), base64_encode(std::string(reinterpret_cast<char*>(digest), sizeof digest)));

  EXPECT_FALSE(PublicKey::from_pem(pem_encode("PRIVATE KEY", der)));
  EXPECT_FALSE(PublicKey::from_pem(pem_encode("PUBLIC KEY", der + "x")));
  EXPECT_FALSE(PublicKey::from_pem("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PRIVATE KEY-----\n"));
  EXPECT_EQ(PublicKey().to_der(), "");
}

TEST(CosignKey, PasswordFromEnvironmentEvenWhenEmpty) {
  ASSERT_EQ(::setenv("COSIGN_PASSWORD", "", 1), 0);
  auto empty = read_key_password(true);
  ASSERT_TRUE(empty) << empty.error().message;
  EXPECT_EQ(*empty, "");
  ASSERT_EQ(::setenv("COSIGN_PASSWORD", "s3cret\n", 1), 0);
  auto set = read_key_password(false);
  ASSERT_TRUE(set);
  EXPECT_EQ(*set, "s3cret\n");
  ::unsetenv("COSIGN_PASSWORD");
}

}  // namespace
}  // namespace wisp::sign
