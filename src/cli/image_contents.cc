#include "cli/image_contents.h"

#include <filesystem>

#include "build/arch.h"
#include "registry/copy.h"
#include "registry/store.h"

namespace wisp::cli {

bool is_registry_location(const std::string& location) {
  if (location.starts_with("docker://")) return true;
  if (location.starts_with("oci:") || location.starts_with("docker-archive:") || location.starts_with("oci-archive:"))
    return false;
  std::error_code ec;
  if (std::filesystem::exists(location, ec)) return false;
  // Without docker://, only a reference whose first component is a registry host ("a.b/...",
  // "host:5000/...", "localhost/...") is one, so a mistyped path still says "no such file".
  size_t slash = location.find('/');
  if (slash == std::string::npos) return false;
  std::string_view host = std::string_view(location).substr(0, slash);
  if (host.find('.') == std::string_view::npos && host.find(':') == std::string_view::npos && host != "localhost")
    return false;
  auto parsed = registry::parse_image_location(location);
  return parsed && parsed->kind == registry::TransportKind::docker;
}

namespace {

// Copies the registry image into a fresh layout; every blob is checked on the way in.
Result<OpenedImage> pull_to_layout(const std::string& location, const std::string& arch, const RegistryFlags& flags) {
  TRY_ASSIGN(registry::ImageLocation from, registry::parse_image_location(location));
  std::optional<oci::Platform> platform;
  if (!arch.empty()) {
    TRY_ASSIGN(build::Arch parsed, build::parse_arch(arch));
    TRY_ASSIGN(oci::Platform p, registry::parse_platform("linux/" + parsed.oci()));
    platform = p;
  }
  OpenedImage opened;
  TRY_ASSIGN(TempDir scratch, TempDir::create("wisp-image"));
  std::filesystem::path layout = scratch.path() / "layout";
  opened.scratch.emplace(std::move(scratch));
  registry::ImageLocation to;
  to.kind = registry::TransportKind::oci;
  to.path = layout.string();
  // Tagged with the reference so the image keeps its name (SBOM name, pkg:oci repository_url).
  to.tag = from.reference.tag.empty() ? from.reference.name() : from.reference.name() + ":" + from.reference.tag;
  to.text = "oci:" + to.path;
  auto clients = make_clients(flags);
  RegistryFlags quiet = flags;
  quiet.json = true;  // no progress bar: the command's own output follows
  TRY(run_copy(from, to, *clients, quiet, platform, "pull"));
  sbom::ImageRef ref{sbom::ImageRef::Kind::oci_layout, layout, to.tag};
  TRY_ASSIGN(opened.source, sbom::ImageSource::open(ref));
  return opened;
}

}  // namespace

Result<OpenedImage> open_image(const std::string& location, const std::string& arch, const RegistryFlags& flags) {
  if (is_registry_location(location)) {
    auto opened = pull_to_layout(location, arch, flags);
    if (!opened) return std::unexpected(opened.error().wrap(location));
    return opened;
  }
  OpenedImage opened;
  TRY_ASSIGN(sbom::ImageRef ref, sbom::parse_image_ref(location));
  TRY_ASSIGN(opened.source, sbom::ImageSource::open(ref));  // its errors name the path
  return opened;
}

Result<sbom::ImageContents> read_image_contents(const std::string& location, const std::string& arch,
                                                const RegistryFlags& flags) {
  TRY_ASSIGN(OpenedImage opened, open_image(location, arch, flags));
  auto contents = opened.source->read_image(arch);
  if (!contents) return std::unexpected(contents.error().wrap(location));
  return contents;
}

}  // namespace wisp::cli
