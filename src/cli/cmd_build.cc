// wisp build: an apko image file to an OCI image layout (a multi-arch index) or a
// docker-loadable tarball for one arch (pipeline in build_common.h).
#include <optional>

#include "base/file.h"
#include "base/log.h"
#include "build/arch.h"
#include "cli/build_common.h"
#include "cli/command.h"
#include "cli/commands.h"
#include "oci/docker_tar.h"
#include "sbom/build_sboms.h"

namespace wisp::cli {

int cmd_build(const std::string& prog, std::vector<std::string> args) {
  CLI::App app{"Build an image from an apko image file: resolve its packages for every architecture,\n"
               "install them without running any package script and write an OCI image layout\n"
               "(-o DIR: index.json names the multi-arch index under --tag) or a docker-loadable\n"
               "tarball for one arch (--format docker-tar -o FILE). The same inputs and\n"
               "SOURCE_DATE_EPOCH give the same digests.",
               prog};
  BuildRequest request;
  std::string output, format = "oci", tag;
  app.add_option("config", request.config_path, "The image file (IMAGE.yaml)")->required();
  app.add_option("-o,--output", output, "Output directory (oci) or file (docker-tar)")->required();
  app.add_option("--format", format, "oci (an image layout directory) or docker-tar")
      ->check(CLI::IsMember({"oci", "docker-tar"}));
  app.add_option("-t,--tag", tag, "Reference name (oci: ref.name in index.json; docker-tar: repo:tag)");
  request.add_build_options(app, "Worker threads (default: one per core)");
  std::string sbom_dir, sbom_formats = "spdx,cyclonedx";
  bool no_sbom = false;
  app.add_option("--sbom-dir", sbom_dir, "Where sbom-<arch>.{spdx,cdx}.json go (default: beside the output)");
  app.add_option("--sbom-formats", sbom_formats, "SBOM formats: spdx,cyclonedx");
  app.add_flag("--no-sbom", no_sbom, "Write no SBOM");
  request.flags.add_to(app);
  if (auto rc = parse(app, std::move(args))) return *rc;
  const bool docker_tar = format == "docker-tar";
  if (docker_tar && request.compression == "zstd")
    return report(Error{Errc::usage, "--format docker-tar needs gzip layers: docker load cannot read zstd"});
  if (docker_tar && request.flags.archs.empty()) {
    auto host = build::host_arch();
    if (!host) return report(host.error());
    request.flags.archs.push_back(host->apk);
  }
  request.ref_name = tag.empty() ? default_tag(request.config_path) : tag;

  // docker-tar: the layout is staged in a temp dir beside the output, then packed into the tar.
  std::optional<TempDir> scratch;
  request.layout_dir = output;
  if (docker_tar) {
    auto parent = std::filesystem::absolute(output).parent_path();
    auto dir = TempDir::create((parent / ".wisp-build").string());
    if (!dir) return report(dir.error());
    scratch.emplace(std::move(*dir));
    request.layout_dir = scratch->path() / "layout";
    request.flat_index = true;
  }
  std::optional<sbom::BuildSboms> sboms;
  if (!no_sbom) {
    // apko's default: beside the output ("out/image" or "out/image.tar" -> "out").
    auto beside = (std::filesystem::absolute(output) / "").parent_path().parent_path();
    sbom::SbomOutput out{sbom_dir.empty() ? beside : std::filesystem::path(sbom_dir), true, true, request.ref_name,
                         docker_tar};
    if (auto formats = sbom::parse_sbom_formats(sbom_formats, out); !formats) return report(formats.error());
    sboms.emplace(std::move(out));
  }
  auto hook = [&](const image::Assembled& rootfs, const BuiltArch& arch, const build::ImageConfig&, int64_t) {
    return sboms->add_arch(rootfs, arch.arch.apk, arch.manifest);
  };
  auto built = build_layout(request, sboms ? ArchHook(hook) : nullptr);
  if (!built) return report(built.error());
  if (docker_tar && built->archs.size() != 1)
    return report(Error{Errc::usage, "--format docker-tar holds one architecture; pass exactly one --arch"});

  if (docker_tar) {
    std::string repo_tag = request.ref_name;
    size_t last_slash = repo_tag.rfind('/');
    if (repo_tag.find(':', last_slash == std::string::npos ? 0 : last_slash) == std::string::npos)
      repo_tag += ":latest";
    const oci::Descriptor& manifest = built->index.manifests.front();
    if (auto written = oci::write_docker_tar(request.layout_dir, manifest, {repo_tag}, output); !written)
      return report(written.error());
    log::info("wrote {} ({}, {})", output, repo_tag, manifest.digest);
  } else {
    log::info("wrote {} ({} image{}, tag {})", output, built->archs.size(), built->archs.size() == 1 ? "" : "s",
              request.ref_name);
  }
  if (sboms) {
    if (auto written = sboms->write(request.layout_dir, built->index_descriptor, built->index, built->created); !written)
      return report(written.error());
  }
  return k_exit_ok;
}

}  // namespace wisp::cli
