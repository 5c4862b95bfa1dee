#include <sys/stat.h>

#include <cerrno>

#include <fmt/ranges.h>

#include "base/digest.h"
#include "base/encoding.h"
#include "base/file.h"
#include "oci/file_io.h"
#include "oci/json_reader.h"
#include "oci/layout.h"

namespace wisp::oci {

namespace fs = std::filesystem;

namespace {

constexpr uint64_t k_max_index_size = uint64_t{64} << 20;

DigestAlg alg_of(std::string_view digest) {
  return digest_algorithm(digest) == "sha512" ? DigestAlg::sha512 : DigestAlg::sha256;
}

Status compare_digest(std::string_view expected, DigestAlg alg, std::string raw, const fs::path& path) {
  std::string got = fmt::format("{}:{}", digest_alg_name(alg), hex_encode(raw));
  if (got != expected)
    return fail(Errc::digest_mismatch, "{}: content hashes to {}, not {}", path.string(), got, expected);
  return {};
}

/// The blob's size on disk; Errc::not_found when it is missing.
Result<uint64_t> blob_size(const fs::path& path, std::string_view digest) {
  struct stat st{};
  if (::stat(path.c_str(), &st) != 0) {
    if (errno == ENOENT) return fail(Errc::not_found, "blob {} is not in the layout ({})", digest, path.string());
    return os_error("stat", path, errno);
  }
  if (!S_ISREG(st.st_mode)) return fail(Errc::bad_format, "{}: not a regular file", path.string());
  return static_cast<uint64_t>(st.st_size);
}

Status check_size(const fs::path& path, uint64_t actual, const Descriptor& d) {
  if (actual != d.size)
    return fail(Errc::digest_mismatch, "{}: blob is {} bytes, its descriptor says {}", path.string(), actual, d.size);
  return {};
}

}  // namespace

Status verify_blob_file(const fs::path& path, const Descriptor& descriptor) {
  TRY(check_digest(descriptor.digest));
  TRY_ASSIGN(uint64_t size, blob_size(path, descriptor.digest));
  TRY(check_size(path, size, descriptor));
  DigestAlg alg = alg_of(descriptor.digest);
  Hasher hasher(alg);
  uint64_t seen = 0;
  TRY(read_chunks(path, [&](std::string_view chunk) -> Status {
    seen += chunk.size();
    hasher.update(chunk);
    return {};
  }));
  if (seen != descriptor.size)
    return fail(Errc::digest_mismatch, "{}: changed size while being read", path.string());
  return compare_digest(descriptor.digest, alg, hasher.finish(), path);
}

Result<LayoutReader> LayoutReader::open(const fs::path& dir) {
  auto marker = read_file(dir / "oci-layout", 1 << 20);
  if (!marker) {
    if (marker.error().code == Errc::not_found)
      return fail(Errc::not_found, "{}: not an OCI image layout (no oci-layout file)", dir.string());
    return std::unexpected(marker.error());
  }
  std::string what = (dir / "oci-layout").string();
  TRY_ASSIGN(auto header, JsonReader::parse_object(*marker, what));
  JsonReader r(what, "");
  TRY_ASSIGN(std::string version, r.required_string(header, "imageLayoutVersion"));
  if (!version.starts_with("1."))
    return r.error("imageLayoutVersion", fmt::format("version '{}' is not 1.x", version));

  LayoutReader reader;
  reader.m_dir = dir;
  TRY_ASSIGN(std::string index, read_file(dir / "index.json", k_max_index_size));  // names the file
  TRY_ASSIGN_CTX(reader.m_index, parse_index(index), "{}", (dir / "index.json").string());
  return reader;
}

Result<fs::path> LayoutReader::blob_path(std::string_view digest) const {
  TRY(check_digest(digest));
  return m_dir / "blobs" / std::string(digest_algorithm(digest)) / std::string(digest_hex(digest));
}

Result<std::string> LayoutReader::blob(std::string_view digest, uint64_t max_size) const {
  TRY_ASSIGN(fs::path path, blob_path(digest));
  TRY_ASSIGN(uint64_t size, blob_size(path, digest));
  if (size > max_size) return fail(Errc::too_large, "{}: larger than {} bytes", path.string(), max_size);
  TRY_ASSIGN(std::string bytes, read_file(path, max_size));
  DigestAlg alg = alg_of(digest);
  TRY(compare_digest(digest, alg, wisp::digest(alg, bytes), path));
  return bytes;
}

Result<std::string> LayoutReader::blob(const Descriptor& descriptor, uint64_t max_size) const {
  TRY_ASSIGN(fs::path path, blob_path(descriptor.digest));
  TRY_ASSIGN(uint64_t size, blob_size(path, descriptor.digest));
  TRY(check_size(path, size, descriptor));
  TRY_ASSIGN(std::string bytes, blob(descriptor.digest, max_size));
  TRY(check_size(path, bytes.size(), descriptor));
  return bytes;
}

Status LayoutReader::verify_blob(const Descriptor& descriptor) const {
  TRY_ASSIGN(fs::path path, blob_path(descriptor.digest));
  return verify_blob_file(path, descriptor);
}

Result<Manifest> LayoutReader::manifest(const Descriptor& descriptor) const {
  TRY_ASSIGN(std::string bytes, blob(descriptor));
  return with_context(parse_manifest(bytes), fmt::format("manifest {}", descriptor.digest));
}

Result<ImageConfig> LayoutReader::image_config(const Descriptor& descriptor) const {
  TRY_ASSIGN(std::string bytes, blob(descriptor));
  return with_context(parse_image_config(bytes), fmt::format("config {}", descriptor.digest));
}

Result<Descriptor> LayoutReader::find(std::string_view ref_name) const {
  std::vector<std::string> tags;
  for (const auto& d : m_index.manifests) {
    auto it = d.annotations.find(std::string(k_ann_ref_name));
    if (it == d.annotations.end()) continue;
    if (it->second == ref_name) return d;
    tags.push_back(it->second);
  }
  return fail(Errc::not_found, "{}: no image tagged '{}' (tags: {})", m_dir.string(), ref_name,
              tags.empty() ? std::string("none") : fmt::format("{}", fmt::join(tags, ", ")));
}

}  // namespace wisp::oci
