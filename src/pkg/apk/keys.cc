#include "pkg/apk/keys.h"

#include <openssl/bio.h>
#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include <algorithm>
#include <system_error>

#include "base/file.h"

namespace wisp::pkg::apk {

namespace fs = std::filesystem;

namespace {

constexpr std::string_view k_pub_suffix = ".rsa.pub";
// A key file is a few KiB at most; anything bigger is not a key.
constexpr uint64_t k_max_key_file = 1 << 20;

struct BioFree {
  void operator()(BIO* b) const { BIO_free(b); }
};
struct PkeyFree {
  void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};
struct MdCtxFree {
  void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); }
};
struct OpenSslFree {
  void operator()(void* p) const { OPENSSL_free(p); }
};
using BioPtr = std::unique_ptr<BIO, BioFree>;
using PkeyPtr = std::unique_ptr<EVP_PKEY, PkeyFree>;
using MdCtxPtr = std::unique_ptr<EVP_MD_CTX, MdCtxFree>;

/// The oldest error on OpenSSL's queue as text (and the queue emptied), for messages.
std::string openssl_error() {
  unsigned long code = ERR_get_error();
  ERR_clear_error();
  if (code == 0) return "unknown OpenSSL error";
  const char* reason = ERR_reason_error_string(code);
  return reason ? reason : fmt::format("OpenSSL error {:#x}", code);
}

std::shared_ptr<void> share(PkeyPtr key) {
  return std::shared_ptr<void>(key.release(), [](void* p) { EVP_PKEY_free(static_cast<EVP_PKEY*>(p)); });
}

EVP_PKEY* raw(const std::shared_ptr<void>& key) { return static_cast<EVP_PKEY*>(key.get()); }

const char* md_name(SignAlg alg) {
  switch (alg) {
    case SignAlg::rsa_sha1: return "SHA1";
    case SignAlg::rsa_sha256: return "SHA256";
    case SignAlg::rsa_sha512: return "SHA512";
  }
  return "SHA256";
}

std::string bio_contents(BIO* bio) {
  char* data = nullptr;
  long len = BIO_get_mem_data(bio, &data);
  if (len <= 0 || !data) return {};
  return std::string(data, static_cast<size_t>(len));
}

enum class Want { public_key, private_key };

/// Decodes the first PEM block of `pem` holding the wanted kind of RSA key. `label` names the
/// key in messages.
Result<PkeyPtr> decode_pem(std::string_view label, std::string_view pem, Want want) {
  if (pem.size() > k_max_key_file)
    return fail(Errc::too_large, "{}: larger than {} bytes, not a key", label, k_max_key_file);
  BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  if (!bio) return fail(Errc::internal, "{}: {}", label, openssl_error());
  std::string seen;  // labels of PEM blocks that were not what we wanted
  for (;;) {
    char* name_raw = nullptr;
    char* header_raw = nullptr;
    unsigned char* data_raw = nullptr;
    long len = 0;
    if (PEM_read_bio(bio.get(), &name_raw, &header_raw, &data_raw, &len) != 1) {
      ERR_clear_error();
      break;
    }
    std::unique_ptr<char, OpenSslFree> name(name_raw);
    std::unique_ptr<char, OpenSslFree> header(header_raw);
    std::unique_ptr<unsigned char, OpenSslFree> data(data_raw);
    std::string_view block = name.get();
    bool encrypted = std::string_view(header.get()).find("ENCRYPTED") != std::string_view::npos ||
                     block == "ENCRYPTED PRIVATE KEY";
    const unsigned char* p = data.get();
    EVP_PKEY* key = nullptr;
    if (want == Want::public_key) {
      if (block == "PUBLIC KEY") key = d2i_PUBKEY(nullptr, &p, len);
      else if (block == "RSA PUBLIC KEY") key = d2i_PublicKey(EVP_PKEY_RSA, nullptr, &p, len);
      else if (block.find("PRIVATE KEY") != std::string_view::npos)
        return fail(Errc::bad_format, "{}: is a private key ({}), expected a public key", label, block);
      else {
        seen += seen.empty() ? std::string(block) : ", " + std::string(block);
        continue;
      }
    } else {
      if (encrypted)
        return fail(Errc::unsupported, "{}: encrypted private keys are not supported", label);
      if (block == "RSA PRIVATE KEY") key = d2i_PrivateKey(EVP_PKEY_RSA, nullptr, &p, len);
      else if (block == "PRIVATE KEY") key = d2i_AutoPrivateKey(nullptr, &p, len);
      else if (block.find("PUBLIC KEY") != std::string_view::npos)
        return fail(Errc::bad_format, "{}: is a public key ({}), expected a private key", label, block);
      else {
        seen += seen.empty() ? std::string(block) : ", " + std::string(block);
        continue;
      }
    }
    if (!key) return fail(Errc::bad_format, "{}: bad {} PEM block: {}", label, block, openssl_error());
    PkeyPtr owned(key);
    if (!EVP_PKEY_is_a(key, "RSA")) {
      const char* type = EVP_PKEY_get0_type_name(key);
      return fail(Errc::unsupported, "{}: only RSA keys are supported, this is {}", label,
                  type ? type : "another key type");
    }
    return owned;
  }
  std::string_view expected = want == Want::public_key ? "PUBLIC KEY" : "RSA PRIVATE KEY";
  if (!seen.empty())
    return fail(Errc::bad_format, "{}: no {} PEM block (found {})", label, expected, seen);
  return fail(Errc::bad_format, "{}: not a PEM key (no '-----BEGIN {}-----' block)", label, expected);
}

}  // namespace

std::string_view sign_alg_tag(SignAlg alg) {
  switch (alg) {
    case SignAlg::rsa_sha1: return "RSA";
    case SignAlg::rsa_sha256: return "RSA256";
    case SignAlg::rsa_sha512: return "RSA512";
  }
  return "RSA256";
}

Result<SignAlg> parse_sign_alg(std::string_view tag) {
  if (tag == "RSA") return SignAlg::rsa_sha1;
  if (tag == "RSA256") return SignAlg::rsa_sha256;
  if (tag == "RSA512") return SignAlg::rsa_sha512;
  return fail(Errc::unsupported, "signature algorithm '{}' is not supported (RSA, RSA256, RSA512)", tag);
}

DigestAlg sign_alg_digest(SignAlg alg) {
  switch (alg) {
    case SignAlg::rsa_sha1: return DigestAlg::sha1;
    case SignAlg::rsa_sha256: return DigestAlg::sha256;
    case SignAlg::rsa_sha512: return DigestAlg::sha512;
  }
  return DigestAlg::sha256;
}

// ---- PublicKey

Result<PublicKey> PublicKey::from_pem(std::string name, std::string_view pem) {
  TRY_ASSIGN(auto key, decode_pem(name, pem, Want::public_key));
  PublicKey out;
  out.m_name = std::move(name);
  out.m_key = share(std::move(key));
  return out;
}

Result<PublicKey> PublicKey::load(const fs::path& path) {
  TRY_ASSIGN(auto text, read_file(path, k_max_key_file));
  // Errors name the whole path; the key is known by its file name (apk's key name).
  TRY_ASSIGN(auto key, from_pem(path.string(), text));
  key.m_name = path.filename().string();
  return key;
}

Status PublicKey::verify(SignAlg alg, std::string_view data, std::string_view signature) const {
  if (!m_key) return fail(Errc::internal, "verify with an empty public key");
  MdCtxPtr ctx(EVP_MD_CTX_new());
  EVP_PKEY_CTX* pctx = nullptr;
  if (!ctx || EVP_DigestVerifyInit_ex(ctx.get(), &pctx, md_name(alg), nullptr, nullptr, raw(m_key),
                                      nullptr) != 1 ||
      EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PADDING) <= 0)
    return fail(Errc::internal, "{}: cannot set up verification: {}", m_name, openssl_error());
  int rc = EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char*>(signature.data()),
                            signature.size(), reinterpret_cast<const unsigned char*>(data.data()),
                            data.size());
  if (rc != 1) {
    ERR_clear_error();
    return fail(Errc::bad_signature, "{} signature does not verify with key {}", sign_alg_tag(alg), m_name);
  }
  return {};
}

std::string PublicKey::pem() const {
  if (!m_key) return {};
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio || PEM_write_bio_PUBKEY(bio.get(), raw(m_key)) != 1) {
    ERR_clear_error();
    return {};
  }
  return bio_contents(bio.get());
}

int PublicKey::bits() const { return m_key ? EVP_PKEY_get_bits(raw(m_key)) : 0; }

// ---- PrivateKey

Result<PrivateKey> PrivateKey::from_pem(std::string name, std::string_view pem) {
  TRY_ASSIGN(auto key, decode_pem(name, pem, Want::private_key));
  PrivateKey out;
  out.m_name = std::move(name);
  out.m_key = share(std::move(key));
  return out;
}

Result<PrivateKey> PrivateKey::load(const fs::path& path) {
  TRY_ASSIGN(auto text, read_file(path, k_max_key_file));
  TRY_ASSIGN(auto key, from_pem(path.string(), text));
  key.m_name = path.filename().string() + ".pub";  // signatures name the public key
  return key;
}

Result<PrivateKey> PrivateKey::generate(std::string name, int bits) {
  if (bits < 2048 || bits > 16384)
    return fail(Errc::usage, "RSA key size {} is out of range (2048..16384 bits)", bits);
  EVP_PKEY* key = EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", static_cast<size_t>(bits));
  if (!key) return fail(Errc::internal, "generating a {}-bit RSA key: {}", bits, openssl_error());
  PrivateKey out;
  out.m_name = std::move(name);
  out.m_key = share(PkeyPtr(key));
  return out;
}

Result<std::string> PrivateKey::sign(SignAlg alg, std::string_view data) const {
  if (!m_key) return fail(Errc::internal, "sign with an empty private key");
  MdCtxPtr ctx(EVP_MD_CTX_new());
  EVP_PKEY_CTX* pctx = nullptr;
  if (!ctx || EVP_DigestSignInit_ex(ctx.get(), &pctx, md_name(alg), nullptr, nullptr, raw(m_key),
                                    nullptr) != 1 ||
      EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PADDING) <= 0)
    return fail(Errc::internal, "{}: cannot set up signing: {}", m_name, openssl_error());
  size_t len = 0;
  auto in = reinterpret_cast<const unsigned char*>(data.data());
  if (EVP_DigestSign(ctx.get(), nullptr, &len, in, data.size()) != 1)
    return fail(Errc::internal, "{}: signing failed: {}", m_name, openssl_error());
  std::string signature(len, '\0');
  if (EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(signature.data()), &len, in,
                     data.size()) != 1)
    return fail(Errc::internal, "{}: signing failed: {}", m_name, openssl_error());
  signature.resize(len);
  return signature;
}

std::string PrivateKey::private_pem() const {
  if (!m_key) return {};
  BioPtr bio(BIO_new(BIO_s_mem()));
  // "traditional" = the key type's own structure: PKCS#1 "RSA PRIVATE KEY", as abuild and
  // melange write it.
  if (!bio || PEM_write_bio_PrivateKey_traditional(bio.get(), raw(m_key), nullptr, nullptr, 0,
                                                   nullptr, nullptr) != 1) {
    ERR_clear_error();
    return {};
  }
  return bio_contents(bio.get());
}

std::string PrivateKey::public_pem() const { return public_key().pem(); }

PublicKey PrivateKey::public_key() const {
  PublicKey out;
  out.m_name = m_name;
  if (!m_key) return out;
  // Round trip through DER so the public key object holds no private material.
  unsigned char* der = nullptr;
  int len = i2d_PUBKEY(raw(m_key), &der);
  if (len > 0) {
    std::unique_ptr<unsigned char, OpenSslFree> owned(der);
    const unsigned char* p = der;
    if (EVP_PKEY* pub = d2i_PUBKEY(nullptr, &p, len)) out.m_key = share(PkeyPtr(pub));
  }
  ERR_clear_error();
  return out;
}

// ---- Keyring

Result<Keyring> Keyring::load_dir(const fs::path& dir) {
  Keyring ring;
  std::error_code ec;
  if (!fs::is_directory(dir, ec))
    return fail(ec || !fs::exists(dir) ? Errc::not_found : Errc::usage, "{}: not a key directory",
                dir.string());
  TRY(ring.add_path(dir));
  return ring;
}

Status Keyring::add_path(const fs::path& path) {
  std::error_code ec;
  auto status = fs::status(path, ec);
  if (ec || !fs::exists(status)) return fail(Errc::not_found, "{}: no such key file or directory", path.string());
  if (!fs::is_directory(status)) {
    TRY_ASSIGN(auto key, PublicKey::load(path));
    add(std::move(key));
    m_sources.push_back(path);
    return {};
  }
  std::vector<fs::path> files;
  for (fs::directory_iterator it(path, ec), end; !ec && it != end; it.increment(ec)) {
    std::string name = it->path().filename().string();
    if (name.empty() || name[0] == '.') continue;  // apk ignores hidden files
    std::error_code type_ec;
    if (!it->is_regular_file(type_ec)) continue;   // also skips directories
    files.push_back(it->path());
  }
  if (ec) return fail(Errc::io, "{}: cannot list directory: {}", path.string(), ec.message());
  std::sort(files.begin(), files.end());  // stable order, whatever the file system says
  for (const auto& file : files) {
    TRY_ASSIGN(auto key, PublicKey::load(file));
    add(std::move(key));
  }
  m_sources.push_back(path);
  return {};
}

void Keyring::add(PublicKey key) { m_keys.push_back(std::move(key)); }

const PublicKey* Keyring::find(std::string_view name) const {
  auto lookup = [&](std::string_view wanted) -> const PublicKey* {
    for (const auto& key : m_keys)
      if (key.name() == wanted) return &key;
    return nullptr;
  };
  if (const PublicKey* key = lookup(name)) return key;
  if (name.size() > k_pub_suffix.size() && name.ends_with(k_pub_suffix))
    return lookup(name.substr(0, name.size() - k_pub_suffix.size()));
  return lookup(std::string(name) + std::string(k_pub_suffix));
}

std::string Keyring::describe() const {
  std::string sources;
  for (const auto& s : m_sources) sources += (sources.empty() ? "" : ", ") + s.string();
  if (m_keys.empty())
    return sources.empty() ? "no keys" : fmt::format("no keys (looked in {})", sources);
  std::string names;
  for (const auto& k : m_keys) names += (names.empty() ? "" : ", ") + k.name();
  return sources.empty() ? names : fmt::format("{} (from {})", names, sources);
}

}  // namespace wisp::pkg::apk
