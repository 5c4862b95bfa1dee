// Message digests over OpenSSL's EVP interface (SHA-1 for apk identities and per-file
// checksums, SHA-256 for datahash and OCI, SHA-512 for completeness).
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace wisp {

enum class DigestAlg { sha1, sha256, sha512 };

std::string_view digest_alg_name(DigestAlg alg);  // "sha1", "sha256", "sha512"
size_t digest_size(DigestAlg alg);

/// Incremental hasher. Not thread-safe; cheap to move.
class Hasher {
 public:
  explicit Hasher(DigestAlg alg);
  ~Hasher();
  Hasher(Hasher&&) noexcept;
  Hasher& operator=(Hasher&&) noexcept;

  void update(std::string_view bytes);
  /// Returns the raw digest bytes; the hasher is reset for reuse.
  std::string finish();
  DigestAlg alg() const { return m_alg; }

 private:
  DigestAlg m_alg;
  struct Impl;
  std::unique_ptr<Impl> m_impl;
};

/// One-shot helpers returning raw digest bytes.
std::string sha1(std::string_view bytes);
std::string sha256(std::string_view bytes);
std::string digest(DigestAlg alg, std::string_view bytes);

/// "sha256:<hex>" as OCI writes digests.
std::string sha256_digest_string(std::string_view bytes);

}  // namespace wisp
