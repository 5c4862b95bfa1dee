#include "sbom/build_sboms.h"

#include "base/file.h"
#include "base/log.h"
#include "base/strings.h"
#include "oci/docker_tar.h"
#include "oci/layout.h"
#include "oci/media_types.h"
#include "sbom/cyclonedx.h"
#include "sbom/from_rootfs.h"
#include "sbom/image_source.h"
#include "sbom/spdx.h"

namespace wisp::sbom {

Status parse_sbom_formats(std::string_view list, SbomOutput& out) {
  out.spdx = out.cyclonedx = false;
  for (std::string_view name : split(list, ',')) {
    name = trim(name);
    if (name == "spdx") out.spdx = true;
    else if (name == "cyclonedx" || name == "cdx") out.cyclonedx = true;
    else return fail(Errc::usage, "unknown SBOM format '{}' (spdx, cyclonedx)", name);
  }
  if (!out.spdx && !out.cyclonedx) return fail(Errc::usage, "--sbom-formats names no format");
  return {};
}

Status BuildSboms::add_arch(const image::Assembled& rootfs, const std::string& apk_arch,
                            const oci::Descriptor& manifest) {
  TRY_ASSIGN_CTX(ImageContents contents, contents_from_rootfs(rootfs), "SBOM");
  m_archs[apk_arch] = {std::move(contents), manifest};
  return {};
}

Status BuildSboms::write(const std::filesystem::path& layout_dir, const std::optional<oci::Descriptor>& index_descriptor,
                         const oci::Index& index, int64_t created) const {
  TRY_ASSIGN(oci::LayoutReader layout, oci::LayoutReader::open(layout_dir));
  std::error_code ec;
  std::filesystem::create_directories(m_output.dir, ec);
  if (ec) return fail(Errc::io, "{}: {}", m_output.dir.string(), ec.message());
  std::string reference = m_output.reference;
  if (m_output.docker_archive) {
    TRY_ASSIGN(reference, oci::docker_repo_tag(reference));
  }
  const ImageName name = parse_image_name(reference);
  for (const auto& [arch, built] : m_archs) {
    TRY_ASSIGN(oci::Manifest manifest, layout.manifest(built.manifest));
    TRY_ASSIGN(oci::ImageConfig config, layout.image_config(manifest.config));
    ImageContents contents = built.contents;
    TRY(describe_image(contents, built.manifest, manifest, config));
    contents.name = name;
    if (m_output.spdx) {
      auto path = m_output.dir / fmt::format("sbom-{}.spdx.json", arch);
      TRY(write_file_atomic(path, write_spdx(contents)));
      log::info("wrote {}", path.string());
    }
    if (m_output.cyclonedx) {
      auto path = m_output.dir / fmt::format("sbom-{}.cdx.json", arch);
      TRY(write_file_atomic(path, write_cyclonedx(contents)));
      log::info("wrote {}", path.string());
    }
  }
  if (index_descriptor && m_output.spdx) {
    IndexContents contents;
    contents.digest = index_descriptor->digest;
    contents.media_type = index_descriptor->media_type;
    contents.name = name;
    contents.created = created;
    for (const auto& m : index.manifests) {
      IndexContents::Entry e{m.digest, m.media_type, "", "", "linux"};
      if (m.platform) {
        e.oci_arch = m.platform->architecture;
        e.oci_variant = m.platform->variant;
        e.os = m.platform->os;
      }
      contents.images.push_back(std::move(e));
    }
    auto path = m_output.dir / "sbom-index.spdx.json";
    TRY(write_file_atomic(path, write_index_spdx(contents)));
    log::info("wrote {}", path.string());
  }
  return {};
}

}  // namespace wisp::sbom
