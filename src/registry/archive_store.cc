// Image archives. Sources are unpacked into a temp dir and read as layouts: oci-archive is a
// tarred layout; docker-archive is read through its index.json when it has one (Docker 25+
// and wisp write both), else through manifest.json, whose config and layer files become an
// OCI manifest (layer digests are the files' own). Destinations stage a layout in a temp dir
// beside the output and pack it on commit: the archive appears whole or not at all.
#include <array>

#include <nlohmann/json.hpp>

#include "base/digest.h"
#include "base/encoding.h"
#include "base/file.h"
#include "io/safe_path.h"
#include "oci/docker_tar.h"
#include "oci/layout.h"
#include "oci/media_types.h"
#include "registry/files.h"
#include "registry/store.h"

namespace wisp::registry {

namespace fs = std::filesystem;

namespace {

using json = nlohmann::json;

/// A source over an unpacked archive; keeps the temp dir alive as long as it is read.
class UnpackedSource final : public ImageSource {
 public:
  UnpackedSource(TempDir dir, std::unique_ptr<ImageSource> inner) : m_dir(std::move(dir)), m_inner(std::move(inner)) {}
  const std::string& describe() const override { return m_inner->describe(); }
  Result<ManifestBlob> root() override { return m_inner->root(); }
  Result<ManifestBlob> manifest(const oci::Descriptor& d) override { return m_inner->manifest(d); }
  std::optional<fs::path> blob_file(const oci::Descriptor& d) override { return m_inner->blob_file(d); }
  Status read_blob(const oci::Descriptor& d, io::Sink& sink, const ProgressFn& progress) override {
    return m_inner->read_blob(d, sink, progress);
  }

 private:
  TempDir m_dir;
  std::unique_ptr<ImageSource> m_inner;
};

/// Do two docker names ("x:1", "docker.io/library/x:1") mean the same image?
bool same_name(std::string_view a, std::string_view b) {
  auto ra = parse_reference(a), rb = parse_reference(b);
  return ra && rb && *ra == *rb;
}

/// The index.json entry of a docker archive that `tag` names (io.containerd.image.name, or
/// ref.name as the bare tag); the only/first entry when `tag` is empty.
Result<oci::Descriptor> pick_docker_entry(const oci::Index& index, const std::string& tag, const std::string& text) {
  if (index.manifests.empty()) return fail(Errc::bad_format, "{}: index.json lists no image", text);
  if (tag.empty()) return index.manifests.front();
  for (const auto& d : index.manifests) {
    auto name = d.annotations.find(std::string(oci::k_ann_containerd_image_name));
    if (name != d.annotations.end() && same_name(name->second, tag)) return d;
  }
  return fail(Errc::not_found, "{}: no image named {} in the archive", text, tag);
}

/// Streams a file through sha256 and says whether it starts like gzip.
struct FileFacts {
  std::string digest;
  uint64_t size = 0;
  bool gzip = false;
};
Result<FileFacts> file_facts(const fs::path& path) {
  io::HashSink hash(DigestAlg::sha256);
  FileFacts facts;
  std::array<unsigned char, 2> head{};
  size_t seen = 0;
  struct Peek final : io::Sink {
    io::HashSink& hash;
    std::array<unsigned char, 2>& head;
    size_t& seen;
    Peek(io::HashSink& h, std::array<unsigned char, 2>& hd, size_t& s) : hash(h), head(hd), seen(s) {}
    Status write(std::string_view bytes) override {
      for (size_t i = 0; i < bytes.size() && seen < 2; ++i) head[seen++] = static_cast<unsigned char>(bytes[i]);
      return hash.write(bytes);
    }
  } peek(hash, head, seen);
  TRY(stream_file(path, peek));
  facts.digest = "sha256:" + hex_encode(hash.finish());
  facts.size = hash.size();
  facts.gzip = seen == 2 && head[0] == 0x1f && head[1] == 0x8b;
  return facts;
}

/// Turns a legacy `docker save` tree (manifest.json, <id>.json, <id>/layer.tar) into an OCI
/// layout at `layout` and returns the descriptor of the manifest made for the chosen image.
Result<oci::Descriptor> layout_from_manifest_json(const fs::path& tree, const fs::path& layout, const std::string& tag,
                                                  const std::string& text) {
  TRY_ASSIGN_CTX(std::string listing, read_file(tree / "manifest.json", 64 << 20), "{}", text);
  json doc = json::parse(listing, nullptr, false);
  if (doc.is_discarded() || !doc.is_array() || doc.empty())
    return fail(Errc::bad_format, "{}: manifest.json is not a non-empty JSON array", text);
  const json* chosen = nullptr;
  for (const auto& entry : doc) {
    if (!entry.is_object()) return fail(Errc::bad_format, "{}: manifest.json holds a non-object", text);
    if (tag.empty()) {
      chosen = &entry;
      break;
    }
    if (auto tags = entry.find("RepoTags"); tags != entry.end() && tags->is_array())
      for (const auto& t : *tags)
        if (t.is_string() && same_name(t.get<std::string>(), tag)) chosen = &entry;
    if (chosen) break;
  }
  if (!chosen) return fail(Errc::not_found, "{}: no image named {} in manifest.json", text, tag);
  auto config_it = chosen->find("Config");
  auto layers_it = chosen->find("Layers");
  if (config_it == chosen->end() || !config_it->is_string() || layers_it == chosen->end() || !layers_it->is_array())
    return fail(Errc::bad_format, "{}: manifest.json entry lacks Config or Layers", text);

  fs::path blobs = layout / "blobs" / "sha256";
  std::error_code ec;
  fs::create_directories(blobs, ec);
  if (ec) return fail(Errc::io, "{}: {}", blobs.string(), ec.message());
  auto adopt = [&](const std::string& member, std::string media_type, bool is_layer) -> Result<oci::Descriptor> {
    TRY_ASSIGN_CTX(std::string clean, io::clean_archive_path(member), "{}: manifest.json", text);
    fs::path file = tree / clean;
    TRY_ASSIGN_CTX(FileFacts facts, file_facts(file), "{}", text);
    if (is_layer && facts.gzip) media_type = std::string(oci::k_oci_layer_gzip);
    fs::path target = blobs / std::string(oci::digest_hex(facts.digest));
    if (!fs::exists(target)) {
      fs::create_hard_link(file, target, ec);
      if (ec) return fail(Errc::io, "{}: {}", target.string(), ec.message());
    }
    oci::Descriptor d;
    d.media_type = std::move(media_type);
    d.digest = facts.digest;
    d.size = facts.size;
    return d;
  };
  oci::Manifest manifest;
  TRY_ASSIGN(manifest.config, adopt(config_it->get<std::string>(), std::string(oci::k_oci_config), false));
  for (const auto& layer : *layers_it) {
    if (!layer.is_string()) return fail(Errc::bad_format, "{}: manifest.json Layers holds a non-string", text);
    TRY_ASSIGN(oci::Descriptor d, adopt(layer.get<std::string>(), std::string(oci::k_oci_layer_tar), true));
    manifest.layers.push_back(std::move(d));
  }
  std::string bytes = oci::serialize(manifest);
  oci::Descriptor d = oci::describe(bytes, std::string(oci::k_oci_manifest));
  TRY(write_file_atomic(blobs / std::string(oci::digest_hex(d.digest)), bytes));
  oci::Index index;
  index.manifests.push_back(d);
  TRY(write_file_atomic(layout / "index.json", oci::serialize(index)));
  TRY(write_file_atomic(layout / "oci-layout", fmt::format("{{\"imageLayoutVersion\":\"{}\"}}", oci::k_layout_version)));
  return d;
}

/// A destination staging a layout that commit() packs into the archive file.
class ArchiveDestination final : public ImageDestination {
 public:
  ArchiveDestination(ImageLocation location, TempDir staging, std::unique_ptr<ImageDestination> layout)
      : m_location(std::move(location)), m_staging(std::move(staging)), m_layout(std::move(layout)) {}

  const std::string& describe() const override { return m_location.text; }
  Result<BlobTransfer> put_blob(const oci::Descriptor& blob, ImageSource& source, const ProgressFn& progress) override {
    return m_layout->put_blob(blob, source, progress);
  }
  Result<bool> has_manifest(const oci::Descriptor& d) override { return m_layout->has_manifest(d); }
  Status put_manifest(const ManifestBlob& m) override { return m_layout->put_manifest(m); }
  bool single_platform() const override { return m_location.kind == TransportKind::docker_archive; }

  Status commit(const ManifestBlob& root) override {
    fs::path layout = m_staging.path() / "layout";
    if (m_location.kind == TransportKind::oci_archive) {
      TRY(m_layout->commit(root));
      return with_context(write_tar_of_dir(layout, m_location.path), m_location.text);
    }
    if (!is_image_manifest_media_type(root.descriptor.media_type))
      return fail(Errc::usage, "{}: a docker archive holds one platform's image; choose one with --platform",
                  m_location.text);
    std::vector<std::string> repo_tags;
    if (!m_location.tag.empty()) {
      TRY_ASSIGN(std::string repo_tag, oci::docker_repo_tag(m_location.tag));
      repo_tags.push_back(std::move(repo_tag));
    }
    return with_context(oci::write_docker_tar(layout, root.descriptor, repo_tags, m_location.path), m_location.text);
  }

 private:
  ImageLocation m_location;
  TempDir m_staging;
  std::unique_ptr<ImageDestination> m_layout;
};

}  // namespace

Result<std::unique_ptr<ImageSource>> open_archive_source(const ImageLocation& location) {
  TRY_ASSIGN(TempDir dir, TempDir::create("wisp-archive"));
  fs::path tree = dir.path() / "tree";
  std::error_code ec;
  fs::create_directories(tree, ec);
  if (ec) return fail(Errc::io, "{}: {}", tree.string(), ec.message());
  TRY_CTX(extract_tar(location.path, tree), "{}", location.text);
  std::unique_ptr<ImageSource> inner;
  if (location.kind == TransportKind::oci_archive) {
    TRY_ASSIGN(inner, open_layout_source(tree, location.tag, location.text));
  } else if (fs::exists(tree / "index.json") && fs::exists(tree / "oci-layout")) {
    TRY_ASSIGN_CTX(oci::LayoutReader reader, oci::LayoutReader::open(tree), "{}", location.text);
    TRY_ASSIGN(oci::Descriptor root, pick_docker_entry(reader.index(), location.tag, location.text));
    TRY_ASSIGN(inner, open_layout_source(tree, "", location.text, plain_descriptor(root)));
  } else {
    fs::path layout = dir.path() / "layout";
    TRY_ASSIGN(oci::Descriptor root, layout_from_manifest_json(tree, layout, location.tag, location.text));
    TRY_ASSIGN(inner, open_layout_source(layout, "", location.text, root));
  }
  return std::make_unique<UnpackedSource>(std::move(dir), std::move(inner));
}

Result<std::unique_ptr<ImageDestination>> open_archive_destination(const ImageLocation& location) {
  fs::path out = fs::absolute(location.path);
  std::error_code ec;
  if (fs::is_directory(out, ec)) return fail(Errc::usage, "{}: {} is a directory", location.text, out.string());
  fs::create_directories(out.parent_path(), ec);
  TRY_ASSIGN(TempDir staging, TempDir::create((out.parent_path() / ".wisp-archive").string()));
  std::string tag = location.kind == TransportKind::oci_archive ? location.tag : std::string();
  TRY_ASSIGN(auto layout, open_layout_destination(staging.path() / "layout", tag, location.text));
  return std::make_unique<ArchiveDestination>(location, std::move(staging), std::move(layout));
}

}  // namespace wisp::registry
