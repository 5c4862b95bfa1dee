#include "sbom/image_source.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <ctime>
#include <algorithm>
#include <cctype>
#include <functional>
#include <map>

#include <nlohmann/json.hpp>

#include "base/digest.h"
#include "base/encoding.h"
#include "base/strings.h"
#include "build/arch.h"
#include "io/tar.h"
#include "oci/layout.h"
#include "oci/media_types.h"
#include "sbom/file_tree.h"
#include "sbom/layer_tree.h"

namespace wisp::sbom {
namespace {

bool is_index_type(std::string_view media_type) {
  return media_type == oci::k_oci_index || media_type == oci::k_docker_manifest_list;
}

/// Blobs by descriptor, checked against the descriptor's digest and size.
class Blobs {
 public:
  virtual ~Blobs() = default;
  virtual Result<std::string> get(const oci::Descriptor& descriptor) const = 0;
};

class LayoutBlobs final : public Blobs {
 public:
  explicit LayoutBlobs(oci::LayoutReader reader) : m_reader(std::move(reader)) {}
  Result<std::string> get(const oci::Descriptor& d) const override { return m_reader.blob(d); }
  const oci::LayoutReader& reader() const { return m_reader; }

 private:
  oci::LayoutReader m_reader;
};

/// A read-only memory map of a whole file.
class MappedFile {
 public:
  static Result<std::shared_ptr<MappedFile>> open(const std::filesystem::path& path) {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0)
      return fail(errno == ENOENT ? Errc::not_found : Errc::io, "{}: {}", path.string(), std::strerror(errno));
    struct stat st {};
    if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
      ::close(fd);
      return fail(Errc::not_found, "{}: not a regular file", path.string());
    }
    auto out = std::shared_ptr<MappedFile>(new MappedFile());
    out->m_size = static_cast<size_t>(st.st_size);
    if (out->m_size > 0) {
      void* data = ::mmap(nullptr, out->m_size, PROT_READ, MAP_PRIVATE, fd, 0);
      if (data == MAP_FAILED) {
        int err = errno;
        ::close(fd);
        return fail(Errc::io, "{}: mmap: {}", path.string(), std::strerror(err));
      }
      out->m_data = static_cast<const char*>(data);
    }
    ::close(fd);
    return out;
  }
  ~MappedFile() {
    if (m_data) ::munmap(const_cast<char*>(m_data), m_size);
  }
  std::string_view bytes() const { return {m_data ? m_data : "", m_size}; }

 private:
  MappedFile() = default;
  const char* m_data = nullptr;
  size_t m_size = 0;
};

/// The regular files of a docker archive, as views into its mapped bytes.
class ArchiveBlobs final : public Blobs {
 public:
  static Result<std::unique_ptr<ArchiveBlobs>> open(const std::filesystem::path& path) {
    TRY_ASSIGN(auto file, MappedFile::open(path));
    auto out = std::unique_ptr<ArchiveBlobs>(new ArchiveBlobs(file));
    io::TarReader reader(file->bytes());
    for (;;) {
      TRY_ASSIGN_CTX(auto entry, reader.next(), "{}", path.string());
      if (!entry) break;
      if (entry->type != io::TarType::file) continue;
      std::string_view name = entry->path;
      while (name.starts_with("./")) name.remove_prefix(2);
      out->m_entries[std::string(name)] = reader.content();
    }
    return out;
  }

  std::optional<std::string_view> entry(std::string_view name) const {
    auto it = m_entries.find(name);
    if (it == m_entries.end()) return std::nullopt;
    return it->second;
  }

  Result<std::string> get(const oci::Descriptor& d) const override {
    TRY(oci::check_digest(d.digest));
    auto bytes = entry(fmt::format("blobs/{}/{}", oci::digest_algorithm(d.digest), oci::digest_hex(d.digest)));
    if (!bytes) return fail(Errc::not_found, "blob {} is not in the archive", d.digest);
    if (bytes->size() != d.size)
      return fail(Errc::digest_mismatch, "blob {}: {} bytes, the descriptor says {}", d.digest, bytes->size(), d.size);
    std::string actual = oci::digest_algorithm(d.digest) == "sha512"
                             ? "sha512:" + hex_encode(digest(DigestAlg::sha512, *bytes))
                             : "sha256:" + hex_encode(sha256(*bytes));
    if (actual != d.digest) return fail(Errc::digest_mismatch, "blob {} has digest {}", d.digest, actual);
    return std::string(*bytes);
  }

 private:
  explicit ArchiveBlobs(std::shared_ptr<MappedFile> file) : m_file(std::move(file)) {}
  std::shared_ptr<MappedFile> m_file;
  std::map<std::string, std::string_view, std::less<>> m_entries;
};

/// The name an index.json entry gives its image: containerd's full name, else ref.name.
std::string reference_of(const oci::Descriptor& d) {
  for (std::string_view key : {oci::k_ann_containerd_image_name, oci::k_ann_ref_name})
    if (auto it = d.annotations.find(std::string(key)); it != d.annotations.end()) return it->second;
  return {};
}

std::string platform_name(const oci::Platform& p) {
  return p.variant.empty() ? p.architecture : p.architecture + "/" + p.variant;
}

Result<oci::Descriptor> pick_arch(const std::vector<oci::Descriptor>& candidates, std::string_view arch) {
  std::vector<std::string> names;
  for (const auto& c : candidates)
    if (c.platform && c.platform->architecture != "unknown") names.push_back(platform_name(*c.platform));
  if (arch.empty()) {
    if (candidates.size() == 1) return candidates.front();
    if (auto host = build::host_arch()) {
      for (const auto& c : candidates)
        if (c.platform && c.platform->architecture == host->oci_arch && c.platform->variant == host->oci_variant)
          return c;
    }
    return fail(Errc::usage, "the image has {} architectures ({}); choose one with --arch", candidates.size(),
                join(names, ", "));
  }
  TRY_ASSIGN(build::Arch want, build::parse_arch(arch));
  for (const auto& c : candidates) {
    if (!c.platform) continue;
    if (c.platform->architecture == want.oci_arch && c.platform->variant == want.oci_variant) return c;
  }
  // A lone image without a platform in its index is checked against its config later.
  if (candidates.size() == 1 && !candidates.front().platform) return candidates.front();
  return fail(Errc::not_found, "no {} image here (there is: {})", want.apk, join(names, ", "));
}

/// What a reference's top-level index selects: the per-arch manifests and, when they come
/// from a multi-arch index, that index.
struct Selection {
  std::vector<oci::Descriptor> manifests;
  std::optional<oci::Descriptor> index_descriptor;
  std::optional<oci::Index> index;
  std::string reference;
};

Result<Selection> select(const oci::Index& top, const std::string& tag, const Blobs& blobs) {
  std::vector<oci::Descriptor> entries;
  std::vector<std::string> tags;
  for (const auto& d : top.manifests) {
    std::string ref = reference_of(d);
    if (!ref.empty()) tags.push_back(ref);
    bool named = false;
    for (const auto& [key, value] : d.annotations)
      if ((key == oci::k_ann_ref_name || key == oci::k_ann_containerd_image_name) && value == tag) named = true;
    if (tag.empty() || named) entries.push_back(d);
  }
  if (entries.empty() && tag.empty()) return fail(Errc::not_found, "the image index lists no image");
  if (entries.empty())
    return fail(Errc::not_found, "no image tagged '{}' (tags: {})", tag, tags.empty() ? "none" : join(tags, ", "));
  Selection out;
  out.reference = reference_of(entries.front());
  // One multi-arch index, possibly beside tags of its own images (apko's "<tag>-<arch>"): the index.
  std::vector<const oci::Descriptor*> indexes;
  for (const auto& d : entries)
    if (is_index_type(d.media_type) &&
        std::none_of(indexes.begin(), indexes.end(), [&](const oci::Descriptor* i) { return i->digest == d.digest; }))
      indexes.push_back(&d);
  if (indexes.size() == 1) {
    const oci::Descriptor& chosen = *indexes.front();
    TRY_ASSIGN(std::string bytes, blobs.get(chosen));
    TRY_ASSIGN_CTX(oci::Index index, oci::parse_index(bytes), "index {}", chosen.digest);
    bool covers = std::all_of(entries.begin(), entries.end(), [&](const oci::Descriptor& d) {
      return d.digest == chosen.digest || std::any_of(index.manifests.begin(), index.manifests.end(),
                                                      [&](const oci::Descriptor& m) { return m.digest == d.digest; });
    });
    if (covers) {
      for (const auto& m : index.manifests)
        if (!is_index_type(m.media_type)) out.manifests.push_back(m);
      out.reference = reference_of(chosen);
      out.index_descriptor = chosen;
      out.index = std::move(index);
      return out;
    }
  }
  bool all_same = std::all_of(entries.begin(), entries.end(),
                              [&](const oci::Descriptor& d) { return d.digest == entries.front().digest; });
  if (!all_same && std::any_of(entries.begin(), entries.end(),
                               [](const oci::Descriptor& d) { return is_index_type(d.media_type); }))
    return fail(Errc::usage, "the layout holds several images; name one as oci:DIR:TAG (tags: {})", join(tags, ", "));
  for (const auto& d : entries)
    if (std::none_of(out.manifests.begin(), out.manifests.end(),
                     [&](const oci::Descriptor& m) { return m.digest == d.digest; }))
      out.manifests.push_back(d);
  return out;
}

Result<ImageContents> read_layers(ImageContents contents, const std::vector<std::string>& layer_names,
                                  const std::function<Result<std::string>(size_t)>& layer_bytes) {
  LayerTree tree;
  for (size_t i = 0; i < layer_names.size(); ++i) {
    TRY_ASSIGN(std::string blob, layer_bytes(i));
    TRY_ASSIGN_CTX(std::string tar, decompress_layer(blob), "layer {}", layer_names[i]);
    blob.clear();
    blob.shrink_to_fit();
    TRY_CTX(tree.add_layer(tar), "layer {}", layer_names[i]);
  }
  TRY(read_image_files(tree, contents));
  return contents;
}

class OciSource final : public ImageSource {
 public:
  OciSource(std::unique_ptr<Blobs> blobs, Selection selection)
      : m_blobs(std::move(blobs)), m_selection(std::move(selection)) {}

  Result<ImageContents> read_image(std::string_view arch) override {
    TRY_ASSIGN(oci::Descriptor chosen, pick_arch(m_selection.manifests, arch));
    TRY_ASSIGN(std::string manifest_bytes, m_blobs->get(chosen));
    TRY_ASSIGN_CTX(oci::Manifest manifest, oci::parse_manifest(manifest_bytes), "manifest {}", chosen.digest);
    TRY_ASSIGN(std::string config_bytes, m_blobs->get(manifest.config));
    TRY_ASSIGN_CTX(oci::ImageConfig config, oci::parse_image_config(config_bytes), "config {}", manifest.config.digest);
    ImageContents contents;
    TRY(describe_image(contents, chosen, manifest, config));
    if (!arch.empty()) {
      TRY_ASSIGN(build::Arch want, build::parse_arch(arch));
      if (want.oci_arch != contents.oci_arch)
        return fail(Errc::not_found, "no {} image here (there is: {})", want.apk, contents.oci_arch);
    }
    contents.name = parse_image_name(m_selection.reference);
    std::vector<std::string> names;
    for (const auto& l : manifest.layers) names.push_back(l.digest);
    return read_layers(std::move(contents), names, [&](size_t i) { return m_blobs->get(manifest.layers[i]); });
  }

  Result<IndexContents> read_index() override {
    if (!m_selection.index) return fail(Errc::not_found, "the reference names a single image, not a multi-arch index");
    IndexContents out;
    out.digest = m_selection.index_descriptor->digest;
    out.media_type = m_selection.index_descriptor->media_type;
    out.name = parse_image_name(m_selection.reference);
    if (auto it = m_selection.index->annotations.find(std::string(oci::k_ann_created));
        it != m_selection.index->annotations.end())
      out.created = parse_rfc3339(it->second).value_or(0);
    for (const auto& m : m_selection.index->manifests) {
      if (is_index_type(m.media_type)) continue;
      IndexContents::Entry e{m.digest, m.media_type, "", "", "linux"};
      if (m.platform) {
        e.oci_arch = m.platform->architecture;
        e.oci_variant = m.platform->variant;
        e.os = m.platform->os;
      }
      out.images.push_back(std::move(e));
    }
    return out;
  }

 private:
  std::unique_ptr<Blobs> m_blobs;
  Selection m_selection;
};

/// An archive written by `docker save` before Docker 25: manifest.json, config and plain layer
/// tars by path, no manifest blob. The image is known by its config digest (Docker's image id).
class DockerSaveSource final : public ImageSource {
 public:
  DockerSaveSource(std::unique_ptr<ArchiveBlobs> archive, nlohmann::json entry)
      : m_archive(std::move(archive)), m_entry(std::move(entry)) {}

  Result<ImageContents> read_image(std::string_view arch) override {
    auto path = [](const nlohmann::json& v) { return v.is_string() ? v.get<std::string>() : std::string(); };
    std::string config_path = path(m_entry.value("Config", nlohmann::json()));
    auto config_bytes = m_archive->entry(config_path);
    if (!config_bytes) return fail(Errc::bad_format, "manifest.json: config '{}' is not in the archive", config_path);
    TRY_ASSIGN_CTX(oci::ImageConfig config, oci::parse_image_config(*config_bytes), "{}", config_path);
    oci::Manifest manifest;
    manifest.media_type.clear();
    manifest.config = oci::describe(*config_bytes, std::string(oci::k_docker_config));
    std::vector<std::string> names;
    std::vector<std::string_view> layers;
    auto layer_list = m_entry.value("Layers", nlohmann::json::array());
    if (!layer_list.is_array()) return fail(Errc::bad_format, "manifest.json: Layers is not a list");
    for (const auto& l : layer_list) {
      auto bytes = m_archive->entry(path(l));
      if (!bytes) return fail(Errc::bad_format, "manifest.json: layer '{}' is not in the archive", path(l));
      manifest.layers.push_back(oci::describe(*bytes, "application/vnd.docker.image.rootfs.diff.tar"));
      names.push_back(path(l));
      layers.push_back(*bytes);
    }
    ImageContents contents;
    TRY(describe_image(contents, manifest.config, manifest, config));
    contents.media_type.clear();
    if (!arch.empty()) {
      TRY_ASSIGN(build::Arch want, build::parse_arch(arch));
      if (want.oci_arch != contents.oci_arch)
        return fail(Errc::not_found, "no {} image here (there is: {})", want.apk, contents.oci_arch);
    }
    auto tags = m_entry.value("RepoTags", nlohmann::json::array());
    if (tags.is_array() && !tags.empty()) contents.name = parse_image_name(path(tags.front()));
    return read_layers(std::move(contents), names, [&](size_t i) { return Result<std::string>(std::string(layers[i])); });
  }

  Result<IndexContents> read_index() override {
    return fail(Errc::not_found, "a docker-save archive holds a single image, not a multi-arch index");
  }

 private:
  std::unique_ptr<ArchiveBlobs> m_archive;
  nlohmann::json m_entry;
};

}  // namespace

Result<ImageRef> parse_image_ref(std::string_view text) {
  ImageRef ref;
  if (text.starts_with("oci:")) {
    std::string_view rest = text.substr(4);
    size_t colon = rest.find(':');
    ref.kind = ImageRef::Kind::oci_layout;
    ref.path = std::string(rest.substr(0, colon));
    if (colon != std::string_view::npos) ref.tag = std::string(rest.substr(colon + 1));
  } else if (text.starts_with("docker-archive:")) {
    ref.kind = ImageRef::Kind::docker_archive;
    ref.path = std::string(text.substr(15));
  } else {
    std::error_code ec;
    std::filesystem::path path{std::string(text)};
    if (!std::filesystem::exists(path, ec)) {
      if (size_t colon = text.find(':'); colon != std::string_view::npos && colon > 1 &&
                                         text.substr(0, colon).find('/') == std::string_view::npos)
        return fail(Errc::usage, "'{}': unknown transport '{}' (wisp sbom reads oci:DIR[:TAG] and docker-archive:FILE)",
                    text, text.substr(0, colon));
      return fail(Errc::not_found, "{}: no such file or directory", text);
    }
    ref.kind = std::filesystem::is_directory(path, ec) ? ImageRef::Kind::oci_layout : ImageRef::Kind::docker_archive;
    ref.path = path;
  }
  if (ref.path.empty()) return fail(Errc::usage, "'{}' names no path", text);
  return ref;
}

Result<std::unique_ptr<ImageSource>> ImageSource::open(const ImageRef& ref) {
  if (ref.kind == ImageRef::Kind::oci_layout) {
    TRY_ASSIGN(oci::LayoutReader reader, oci::LayoutReader::open(ref.path));  // its errors name the path
    oci::Index top = reader.index();
    auto blobs = std::make_unique<LayoutBlobs>(std::move(reader));
    TRY_ASSIGN_CTX(Selection selection, select(top, ref.tag, *blobs), "{}", ref.path.string());
    return std::unique_ptr<ImageSource>(new OciSource(std::move(blobs), std::move(selection)));
  }
  TRY_ASSIGN(auto archive, ArchiveBlobs::open(ref.path));
  if (auto index_json = archive->entry("index.json"); index_json && archive->entry("oci-layout")) {
    TRY_ASSIGN_CTX(oci::Index top, oci::parse_index(*index_json), "{}: index.json", ref.path.string());
    TRY_ASSIGN_CTX(Selection selection, select(top, ref.tag, *archive), "{}", ref.path.string());
    return std::unique_ptr<ImageSource>(new OciSource(std::move(archive), std::move(selection)));
  }
  auto manifest_json = archive->entry("manifest.json");
  if (!manifest_json)
    return fail(Errc::not_found, "{}: neither an OCI archive (index.json) nor a docker archive (manifest.json)",
                ref.path.string());
  auto entries = nlohmann::json::parse(*manifest_json, nullptr, false);
  if (entries.is_discarded() || !entries.is_array() || entries.empty() || !entries.front().is_object())
    return fail(Errc::bad_format, "{}: manifest.json is not a list of images", ref.path.string());
  if (entries.size() > 1)
    return fail(Errc::unsupported, "{}: the archive holds {} images; wisp sbom reads archives of one",
                ref.path.string(), entries.size());
  return std::unique_ptr<ImageSource>(new DockerSaveSource(std::move(archive), entries.front()));
}

Status describe_image(ImageContents& out, const oci::Descriptor& descriptor, const oci::Manifest& manifest,
                      const oci::ImageConfig& config) {
  out.digest = descriptor.digest;
  out.media_type = descriptor.media_type;
  out.oci_arch = config.architecture;
  out.oci_variant = config.variant;
  if (auto arch = build::parse_arch(config.variant.empty() ? config.architecture
                                                            : config.architecture + "/" + config.variant))
    out.apk_arch = arch->apk;
  out.created = 0;
  if (!config.created.empty()) {
    auto created = parse_rfc3339(config.created);
    if (!created) return fail(Errc::bad_format, "config created '{}' is not an RFC 3339 time", config.created);
    out.created = *created;
  }
  out.layers.clear();
  for (size_t i = 0; i < manifest.layers.size(); ++i) {
    const oci::Descriptor& l = manifest.layers[i];
    out.layers.push_back({l.digest, l.media_type, l.size, i < config.diff_ids.size() ? config.diff_ids[i] : ""});
  }
  return {};
}

std::optional<int64_t> parse_rfc3339(std::string_view text) {
  if (!oci::is_rfc3339(text)) return std::nullopt;
  auto num = [&](size_t pos, size_t len) { return static_cast<int>(parse_u64(text.substr(pos, len)).value_or(0)); };
  std::tm tm{};
  tm.tm_year = num(0, 4) - 1900;
  tm.tm_mon = num(5, 2) - 1;
  tm.tm_mday = num(8, 2);
  tm.tm_hour = num(11, 2);
  tm.tm_min = num(14, 2);
  tm.tm_sec = num(17, 2);
  int64_t seconds = static_cast<int64_t>(::timegm(&tm));
  size_t zone = 19;
  while (zone < text.size() && (text[zone] == '.' || std::isdigit(static_cast<unsigned char>(text[zone])))) ++zone;
  if (zone < text.size() && (text[zone] == '+' || text[zone] == '-')) {
    int offset = num(zone + 1, 2) * 3600 + num(zone + 4, 2) * 60;
    seconds -= text[zone] == '+' ? offset : -offset;
  }
  return seconds;
}

}  // namespace wisp::sbom
