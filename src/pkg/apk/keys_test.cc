#include "pkg/apk/keys.h"

#include <gtest/gtest.h>
#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include <cstdlib>
#include <filesystem>

#include "base/file.h"

namespace wisp::pkg::apk {
namespace {

namespace fs = std::filesystem;

const std::string k_apk = std::string(WISP_TESTDATA) + "/apk";

/// One generated key shared by the tests of this file (key generation is the slow part).
const PrivateKey& test_key() {
  static const PrivateKey key = [] {
    auto k = PrivateKey::generate("test.rsa.pub", 2048);
    if (!k) throw std::runtime_error(k.error().message);
    return *k;
  }();
  return key;
}

TEST(ApkKeys, SignAlgTags) {
  for (auto alg : {SignAlg::rsa_sha1, SignAlg::rsa_sha256, SignAlg::rsa_sha512}) {
    auto parsed = parse_sign_alg(sign_alg_tag(alg));
    ASSERT_TRUE(parsed);
    EXPECT_EQ(*parsed, alg);
  }
  EXPECT_EQ(sign_alg_tag(SignAlg::rsa_sha1), "RSA");
  EXPECT_EQ(sign_alg_digest(SignAlg::rsa_sha1), DigestAlg::sha1);
  EXPECT_EQ(sign_alg_digest(SignAlg::rsa_sha256), DigestAlg::sha256);
  EXPECT_EQ(sign_alg_digest(SignAlg::rsa_sha512), DigestAlg::sha512);
  EXPECT_FALSE(parse_sign_alg("DSA"));
  EXPECT_FALSE(parse_sign_alg("rsa256"));
  EXPECT_FALSE(parse_sign_alg(""));
}

TEST(ApkKeys, LoadsRealPublicKeys) {
  auto wolfi = PublicKey::load(k_apk + "/wolfi-index/wolfi-signing.rsa.pub");
  ASSERT_TRUE(wolfi) << wolfi.error().message;
  EXPECT_EQ(wolfi->name(), "wolfi-signing.rsa.pub");
  EXPECT_EQ(wolfi->bits(), 4096);
  auto melange = PublicKey::load(k_apk + "/apko-mini-repo/melange.rsa.pub");
  ASSERT_TRUE(melange) << melange.error().message;
  EXPECT_EQ(melange->name(), "melange.rsa.pub");
  EXPECT_EQ(melange->bits(), 4096);
  // pem() writes PKIX PEM that parses back to the same key.
  std::string pem = melange->pem();
  EXPECT_TRUE(pem.starts_with("-----BEGIN PUBLIC KEY-----\n"));
  auto again = PublicKey::from_pem("x", pem);
  ASSERT_TRUE(again);
  EXPECT_EQ(again->pem(), pem);
}

TEST(ApkKeys, GenerateSignVerifyEachAlg) {
  const auto& key = test_key();
  EXPECT_EQ(key.name(), "test.rsa.pub");
  PublicKey pub = key.public_key();
  EXPECT_EQ(pub.name(), "test.rsa.pub");
  EXPECT_EQ(pub.bits(), 2048);
  const std::string data = "the compressed bytes of a control member";
  for (auto alg : {SignAlg::rsa_sha1, SignAlg::rsa_sha256, SignAlg::rsa_sha512}) {
    auto sig = key.sign(alg, data);
    ASSERT_TRUE(sig) << sig.error().message;
    EXPECT_EQ(sig->size(), 256u);  // 2048-bit modulus
    EXPECT_TRUE(pub.verify(alg, data, *sig)) << sign_alg_tag(alg);

    std::string flipped = *sig;
    flipped[100] = static_cast<char>(flipped[100] ^ 0x01);
    auto bad = pub.verify(alg, data, flipped);
    ASSERT_FALSE(bad);
    EXPECT_EQ(bad.error().code, Errc::bad_signature);

    EXPECT_FALSE(pub.verify(alg, data + "x", *sig));
    EXPECT_FALSE(pub.verify(alg, data, sig->substr(0, 255)));
    EXPECT_FALSE(pub.verify(alg, data, ""));
  }
  // The digest is part of the signature: SHA-1 and SHA-256 signatures are not interchangeable.
  auto sig256 = key.sign(SignAlg::rsa_sha256, data);
  ASSERT_TRUE(sig256);
  EXPECT_FALSE(pub.verify(SignAlg::rsa_sha1, data, *sig256));
  EXPECT_FALSE(pub.verify(SignAlg::rsa_sha512, data, *sig256));
}

TEST(ApkKeys, SignatureIsDeterministicPkcs1) {
  // PKCS#1 v1.5 signatures carry no randomness: same key and data, same bytes (PSS would differ).
  const auto& key = test_key();
  auto a = key.sign(SignAlg::rsa_sha256, "abc");
  auto b = key.sign(SignAlg::rsa_sha256, "abc");
  ASSERT_TRUE(a && b);
  EXPECT_EQ(*a, *b);
}

TEST(ApkKeys, WrongKeyFails) {
  auto other = PublicKey::load(k_apk + "/apko-mini-repo/melange.rsa.pub");
  ASSERT_TRUE(other);
  auto sig = test_key().sign(SignAlg::rsa_sha256, "data");
  ASSERT_TRUE(sig);
  auto result = other->verify(SignAlg::rsa_sha256, "data", *sig);
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().code, Errc::bad_signature);
  EXPECT_NE(result.error().message.find("melange.rsa.pub"), std::string::npos);
}

TEST(ApkKeys, PrivatePemIsPkcs1AndRoundTrips) {
  const auto& key = test_key();
  std::string pem = key.private_pem();
  EXPECT_TRUE(pem.starts_with("-----BEGIN RSA PRIVATE KEY-----\n")) << pem.substr(0, 40);
  EXPECT_TRUE(key.public_pem().starts_with("-----BEGIN PUBLIC KEY-----\n"));

  auto again = PrivateKey::from_pem("again.rsa.pub", pem);
  ASSERT_TRUE(again) << again.error().message;
  EXPECT_EQ(again->public_pem(), key.public_pem());
  auto sig = again->sign(SignAlg::rsa_sha256, "x");
  ASSERT_TRUE(sig);
  EXPECT_TRUE(key.public_key().verify(SignAlg::rsa_sha256, "x", *sig));
}

TEST(ApkKeys, AcceptsPkcs8PrivateAndPkcs1Public) {
  // PKCS#8 "PRIVATE KEY" and PKCS#1 "RSA PUBLIC KEY", as `openssl genpkey` / `openssl rsa
  // -RSAPublicKey_out` write them.
  auto dir = TempDir::create("wisp-keys");
  ASSERT_TRUE(dir);
  fs::path priv1 = dir->path() / "k.rsa";
  ASSERT_TRUE(write_file_atomic(priv1, test_key().private_pem(), 0600));
  std::string cmd = fmt::format(
      "openssl pkcs8 -topk8 -nocrypt -in {0}/k.rsa -out {0}/k8.pem 2>/dev/null && "
      "openssl rsa -in {0}/k.rsa -RSAPublicKey_out -out {0}/k1.pub 2>/dev/null",
      dir->path().string());
  if (std::system(cmd.c_str()) != 0) GTEST_SKIP() << "openssl command line tool not available";

  auto pkcs8 = PrivateKey::load(dir->path() / "k8.pem");
  ASSERT_TRUE(pkcs8) << pkcs8.error().message;
  EXPECT_EQ(pkcs8->name(), "k8.pem.pub");
  EXPECT_EQ(pkcs8->public_pem(), test_key().public_pem());

  auto pkcs1 = PublicKey::load(dir->path() / "k1.pub");
  ASSERT_TRUE(pkcs1) << pkcs1.error().message;
  EXPECT_EQ(pkcs1->pem(), test_key().public_pem());

  auto loaded = PrivateKey::load(priv1);
  ASSERT_TRUE(loaded);
  EXPECT_EQ(loaded->name(), "k.rsa.pub");  // melange's convention
}

TEST(ApkKeys, SignatureVerifiesWithOpensslTool) {
  auto dir = TempDir::create("wisp-keys");
  ASSERT_TRUE(dir);
  const std::string data = "index member bytes";
  auto sig = test_key().sign(SignAlg::rsa_sha256, data);
  ASSERT_TRUE(sig);
  ASSERT_TRUE(write_file_atomic(dir->path() / "data", data));
  ASSERT_TRUE(write_file_atomic(dir->path() / "sig", *sig));
  ASSERT_TRUE(write_file_atomic(dir->path() / "k.pub", test_key().public_pem()));
  std::string cmd = fmt::format(
      "cd {} && openssl dgst -sha256 -verify k.pub -signature sig data >/dev/null 2>&1",
      dir->path().string());
  if (std::system("openssl version >/dev/null 2>&1") != 0) GTEST_SKIP() << "no openssl tool";
  EXPECT_EQ(std::system(cmd.c_str()), 0);
}

TEST(ApkKeys, GarbageFailsClearly) {
  auto garbage = PublicKey::from_pem("junk.rsa.pub", "hello, I am not a key\n");
  ASSERT_FALSE(garbage);
  EXPECT_EQ(garbage.error().code, Errc::bad_format);
  EXPECT_NE(garbage.error().message.find("junk.rsa.pub"), std::string::npos);
  EXPECT_NE(garbage.error().message.find("BEGIN PUBLIC KEY"), std::string::npos);

  // A well-formed PEM envelope around bytes that are not a key.
  auto bad_der = PublicKey::from_pem(
      "bad.rsa.pub", "-----BEGIN PUBLIC KEY-----\nAAAAAAAAAAAAAAAA\n-----END PUBLIC KEY-----\n");
  ASSERT_FALSE(bad_der);
  EXPECT_EQ(bad_der.error().code, Errc::bad_format);

  // Base64 that does not decode.
  EXPECT_FALSE(PublicKey::from_pem(
      "x", "-----BEGIN PUBLIC KEY-----\n!!!!\n-----END PUBLIC KEY-----\n"));
  // Truncated envelope.
  EXPECT_FALSE(PublicKey::from_pem("x", "-----BEGIN PUBLIC KEY-----\nMIIB\n"));
  EXPECT_FALSE(PublicKey::from_pem("x", ""));
  EXPECT_FALSE(PrivateKey::from_pem("x", ""));

  // The wrong kind of key says so.
  auto priv_as_pub = PublicKey::from_pem("k", test_key().private_pem());
  ASSERT_FALSE(priv_as_pub);
  EXPECT_NE(priv_as_pub.error().message.find("private key"), std::string::npos);
  auto pub_as_priv = PrivateKey::from_pem("k", test_key().public_pem());
  ASSERT_FALSE(pub_as_priv);
  EXPECT_NE(pub_as_priv.error().message.find("public key"), std::string::npos);

  auto encrypted = PrivateKey::from_pem(
      "k", "-----BEGIN ENCRYPTED PRIVATE KEY-----\nAAAA\n-----END ENCRYPTED PRIVATE KEY-----\n");
  ASSERT_FALSE(encrypted);
  EXPECT_EQ(encrypted.error().code, Errc::unsupported);

  // A certificate-shaped block is named in the error.
  auto cert = PublicKey::from_pem(
      "k", "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n");
  ASSERT_FALSE(cert);
  EXPECT_NE(cert.error().message.find("CERTIFICATE"), std::string::npos);

  auto missing = PublicKey::load(k_apk + "/no-such.rsa.pub");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, Errc::not_found);
}

TEST(ApkKeys, RejectsNonRsaKeys) {
  EVP_PKEY* ec_key = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256");
  ASSERT_NE(ec_key, nullptr);
  BIO* bio = BIO_new(BIO_s_mem());
  ASSERT_EQ(PEM_write_bio_PUBKEY(bio, ec_key), 1);
  char* data = nullptr;
  long len = BIO_get_mem_data(bio, &data);
  std::string pem(data, static_cast<size_t>(len));
  BIO_free(bio);
  EVP_PKEY_free(ec_key);

  auto ec = PublicKey::from_pem("ec.pub", pem);
  ASSERT_FALSE(ec);
  EXPECT_EQ(ec.error().code, Errc::unsupported) << ec.error().message;
  EXPECT_NE(ec.error().message.find("only RSA"), std::string::npos);
}

TEST(ApkKeys, GenerateRejectsSillySizes) {
  EXPECT_FALSE(PrivateKey::generate("x", 512));
  EXPECT_FALSE(PrivateKey::generate("x", 100000));
}

TEST(ApkKeys, KeyringLoadDirSkipsHiddenAndDirectories) {
  auto dir = TempDir::create("wisp-keyring");
  ASSERT_TRUE(dir);
  ASSERT_TRUE(write_file_atomic(dir->path() / "test.rsa.pub", test_key().public_pem()));
  auto melange = read_file(k_apk + "/apko-mini-repo/melange.rsa.pub");
  ASSERT_TRUE(melange);
  ASSERT_TRUE(write_file_atomic(dir->path() / "melange", *melange));
  ASSERT_TRUE(write_file_atomic(dir->path() / ".hidden.rsa.pub", "not a key"));
  fs::create_directory(dir->path() / "subdir");
  ASSERT_TRUE(write_file_atomic(dir->path() / "subdir" / "junk", "not a key"));

  auto ring = Keyring::load_dir(dir->path());
  ASSERT_TRUE(ring) << ring.error().message;
  ASSERT_EQ(ring->keys().size(), 2u);
  EXPECT_EQ(ring->keys()[0].name(), "melange");  // sorted
  EXPECT_EQ(ring->keys()[1].name(), "test.rsa.pub");

  // Exact name, then apko's fallbacks both ways.
  ASSERT_NE(ring->find("test.rsa.pub"), nullptr);
  EXPECT_EQ(ring->find("test.rsa.pub")->name(), "test.rsa.pub");
  ASSERT_NE(ring->find("test"), nullptr);
  EXPECT_EQ(ring->find("test")->name(), "test.rsa.pub");
  ASSERT_NE(ring->find("melange.rsa.pub"), nullptr);
  EXPECT_EQ(ring->find("melange.rsa.pub")->name(), "melange");
  EXPECT_EQ(ring->find("wolfi-signing.rsa.pub"), nullptr);
  EXPECT_EQ(ring->find(".rsa.pub"), nullptr);
  EXPECT_EQ(ring->find(""), nullptr);

  std::string description = ring->describe();
  EXPECT_NE(description.find("melange, test.rsa.pub"), std::string::npos) << description;
  EXPECT_NE(description.find(dir->path().string()), std::string::npos) << description;

  // A file that does not parse is an error naming it.
  ASSERT_TRUE(write_file_atomic(dir->path() / "broken.rsa.pub", "garbage"));
  auto broken = Keyring::load_dir(dir->path());
  ASSERT_FALSE(broken);
  EXPECT_NE(broken.error().message.find("broken.rsa.pub"), std::string::npos);

  auto missing = Keyring::load_dir(dir->path() / "nope");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, Errc::not_found);
}

TEST(ApkKeys, KeyringAddPathFileOrDir) {
  Keyring ring;
  EXPECT_TRUE(ring.empty());
  EXPECT_NE(ring.describe().find("no keys"), std::string::npos);
  ASSERT_TRUE(ring.add_path(k_apk + "/wolfi-index/wolfi-signing.rsa.pub"));
  ASSERT_TRUE(ring.add_path(k_apk + "/apko-mini-repo"));  // holds melange.rsa.pub and subdirs
  ASSERT_EQ(ring.keys().size(), 2u);
  EXPECT_NE(ring.find("wolfi-signing.rsa.pub"), nullptr);
  EXPECT_NE(ring.find("melange.rsa.pub"), nullptr);
  EXPECT_FALSE(ring.add_path(k_apk + "/does-not-exist"));
}

}  // namespace
}  // namespace wisp::pkg::apk
