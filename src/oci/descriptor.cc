#include "oci/descriptor.h"

#include "base/digest.h"

namespace wisp::oci {

namespace {

bool is_lower_hex(std::string_view s) {
  for (char c : s)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  return true;
}

}  // namespace

Descriptor describe(std::string_view bytes, std::string media_type) {
  Descriptor d;
  d.media_type = std::move(media_type);
  d.digest = sha256_digest_string(bytes);
  d.size = bytes.size();
  return d;
}

Status check_digest(std::string_view digest) {
  size_t colon = digest.find(':');
  if (colon == std::string_view::npos)
    return fail(Errc::bad_format, "'{}' is not a digest (algorithm:hex)", digest);
  std::string_view alg = digest.substr(0, colon);
  std::string_view hex = digest.substr(colon + 1);
  size_t want;
  if (alg == "sha256") {
    want = 64;
  } else if (alg == "sha512") {
    want = 128;
  } else {
    return fail(Errc::bad_format, "'{}': unsupported digest algorithm '{}' (sha256 or sha512)",
                digest, alg);
  }
  if (hex.size() != want || !is_lower_hex(hex))
    return fail(Errc::bad_format, "'{}': a {} digest is {} lowercase hex digits", digest, alg, want);
  return {};
}

bool is_valid_digest(std::string_view digest) { return check_digest(digest).has_value(); }

std::string_view digest_algorithm(std::string_view digest) {
  return digest.substr(0, digest.find(':'));
}

std::string_view digest_hex(std::string_view digest) {
  size_t colon = digest.find(':');
  return colon == std::string_view::npos ? std::string_view() : digest.substr(colon + 1);
}

}  // namespace wisp::oci
