#include "oci/docker_tar.h"

#include <set>

#include "base/digest.h"
#include "base/encoding.h"
#include "base/file.h"
#include "io/tar.h"
#include "oci/file_io.h"
#include "oci/json_writer.h"
#include "oci/layout.h"
#include "oci/media_types.h"
#include "oci/objects.h"

namespace wisp::oci {

namespace fs = std::filesystem;

namespace {

constexpr uint64_t k_max_manifest_size = uint64_t{4} << 20;

io::TarEntry file_entry(std::string path, uint64_t size) {
  io::TarEntry e;
  e.path = std::move(path);
  e.type = io::TarType::file;
  e.mode = 0644;
  e.size = size;
  return e;
}

io::TarEntry dir_entry(std::string path) {
  io::TarEntry e;
  e.path = std::move(path);
  e.type = io::TarType::directory;
  e.mode = 0755;
  return e;
}

std::string blob_name(const Descriptor& d) { return fmt::format("blobs/sha256/{}", digest_hex(d.digest)); }

Result<std::string> read_small_blob(const fs::path& blobs, const Descriptor& d) {
  if (d.size > k_max_manifest_size)
    return fail(Errc::too_large, "{} {}: {} bytes is too large for a manifest", d.media_type, d.digest, d.size);
  fs::path path = blobs / std::string(digest_hex(d.digest));
  TRY(verify_blob_file(path, d));
  return read_file(path, k_max_manifest_size);
}

/// Copies a blob into the tar piece by piece, hashing it on the way: a blob that changed
/// since it was checked, or never matched, fails the archive.
Status stream_blob(io::TarWriter& tar, const fs::path& blobs, const Descriptor& d) {
  fs::path path = blobs / std::string(digest_hex(d.digest));
  TRY(tar.add_header(file_entry(blob_name(d), d.size)));
  Hasher hasher(DigestAlg::sha256);
  uint64_t seen = 0;
  auto st = read_chunks(path, [&](std::string_view chunk) -> Status {
    seen += chunk.size();
    if (seen > d.size)
      return fail(Errc::digest_mismatch, "{}: larger than its descriptor's {} bytes", path.string(), d.size);
    hasher.update(chunk);
    return tar.write_content(chunk);
  });
  if (!st) {
    if (st.error().code == Errc::not_found)
      return fail(Errc::not_found, "blob {} is not in {}", d.digest, blobs.string());
    return st;
  }
  if (seen != d.size)
    return fail(Errc::digest_mismatch, "{}: {} bytes, its descriptor says {}", path.string(), seen, d.size);
  std::string got = "sha256:" + hex_encode(hasher.finish());
  if (got != d.digest)
    return fail(Errc::digest_mismatch, "{}: content hashes to {}, not {}", path.string(), got, d.digest);
  return tar.end_content();
}

std::string docker_manifest_json(const Manifest& m, const std::vector<std::string>& repo_tags) {
  JsonWriter w;
  w.begin_array().begin_object();
  w.key("Config").string(blob_name(m.config));
  w.key("RepoTags").string_array(repo_tags);
  w.key("Layers").begin_array();
  for (const auto& layer : m.layers) w.string(blob_name(layer));
  w.end_array();
  w.end_object().end_array();
  return w.take();
}

}  // namespace

Result<std::string> docker_repo_tag(std::string_view reference) {
  if (reference.empty()) return fail(Errc::usage, "empty image name");
  if (reference.find('@') != std::string_view::npos)
    return fail(Errc::usage, "'{}': a docker archive is tagged by repo:tag, not by digest", reference);
  size_t slash = reference.rfind('/');
  size_t colon = reference.rfind(':');
  bool has_tag = colon != std::string_view::npos && (slash == std::string_view::npos || colon > slash);
  if (has_tag && (colon == 0 || colon + 1 == reference.size()))
    return fail(Errc::usage, "'{}' is not repo:tag", reference);
  return has_tag ? std::string(reference) : fmt::format("{}:latest", reference);
}

Status write_docker_tar(const fs::path& layout_dir, const Descriptor& manifest_descriptor,
                        const std::vector<std::string>& repo_tags, const fs::path& out) {
  const fs::path blobs = layout_dir / "blobs" / "sha256";
  TRY(check_digest(manifest_descriptor.digest));
  std::vector<std::string> tags;
  for (const auto& t : repo_tags) {
    TRY_ASSIGN(std::string tag, docker_repo_tag(t));
    tags.push_back(std::move(tag));
  }

  TRY_ASSIGN(std::string manifest_bytes, read_small_blob(blobs, manifest_descriptor));
  TRY_ASSIGN_CTX(Manifest manifest, parse_manifest(manifest_bytes), "manifest {}", manifest_descriptor.digest);
  // Every blob once, in name order; the manifest's own blob among them.
  std::map<std::string, Descriptor> by_name;
  std::vector<const Descriptor*> blobs_of_image = {&manifest_descriptor, &manifest.config};
  for (const auto& layer : manifest.layers) blobs_of_image.push_back(&layer);
  for (const Descriptor* d : blobs_of_image) {
    if (digest_algorithm(d->digest) != "sha256")
      return fail(Errc::unsupported, "{}: docker archives hold sha256 blobs only", d->digest);
    auto [it, inserted] = by_name.emplace(blob_name(*d), *d);
    if (!inserted && it->second.size != d->size)
      return fail(Errc::bad_format, "manifest {}: {} listed with two sizes", manifest_descriptor.digest, d->digest);
  }

  Index index;
  Descriptor entry = manifest_descriptor;
  if (!tags.empty()) {
    const std::string& first = tags.front();
    entry.annotations[std::string(k_ann_ref_name)] = first.substr(first.rfind(':') + 1);
    entry.annotations[std::string(k_ann_containerd_image_name)] = first;
  }
  index.manifests.push_back(std::move(entry));
  const std::string index_json = serialize(index);
  const std::string docker_json = docker_manifest_json(manifest, tags);
  const std::string layout_json = fmt::format("{{\"imageLayoutVersion\":\"{}\"}}", k_layout_version);

  TRY_ASSIGN(AtomicFile file, AtomicFile::create(out));
  AtomicFileSink sink(file);
  io::TarWriter tar(sink);
  TRY(tar.add(dir_entry("blobs")));
  TRY(tar.add(dir_entry("blobs/sha256")));
  for (const auto& [name, d] : by_name) TRY_CTX(stream_blob(tar, blobs, d), "{}", out.string());
  TRY(tar.add(file_entry("index.json", index_json.size()), index_json));
  TRY(tar.add(file_entry("manifest.json", docker_json.size()), docker_json));
  TRY(tar.add(file_entry("oci-layout", layout_json.size()), layout_json));
  TRY(tar.finish());
  TRY(sink.flush());
  return file.commit();
}

}  // namespace wisp::oci
