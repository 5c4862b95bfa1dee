// wisp build: resolve an apko image file for every architecture, assemble each root filesystem
// and write an OCI image layout (a multi-arch index) or a docker-loadable tarball for one arch.
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <optional>

#include "base/file.h"
#include "base/log.h"
#include "base/strings.h"
#include "build/arch.h"
#include "cli/command.h"
#include "cli/commands.h"
#include "cli/resolve_common.h"
#include "image/assemble.h"
#include "image/oci_image.h"
#include "oci/docker_tar.h"
#include "oci/layout.h"
#include "oci/media_types.h"
#include "pkg/repo/repository_set.h"

namespace wisp::cli {
namespace {

/// SOURCE_DATE_EPOCH when set, else the newest package build date of every arch and
/// --build-date (apko's rule; the index uses the max over all archs).
Result<int64_t> build_date(const Resolution& r) {
  if (const char* env = std::getenv("SOURCE_DATE_EPOCH"); env && *env) {
    auto value = parse_i64(env);
    if (!value || *value < 0) return fail(Errc::usage, "SOURCE_DATE_EPOCH '{}' is not a number of seconds", env);
    return *value;
  }
  int64_t newest = r.config->build_date.value_or(0);
  for (const auto& [arch, changeset] : r.changesets)
    for (const auto& entry : changeset.packages)
      newest = std::max(newest, entry.package->build_time.value_or(0));
  return newest;
}

Result<image::Assembled> assemble_arch(const Resolution& r, const std::string& arch, int64_t date,
                                       size_t threads) {
  const build::ImageConfig& config = *r.config;
  image::AssembleInput in;
  in.config = &config;
  in.arch = arch;
  in.fetcher = r.fetcher.get();
  in.mtime = date;
  in.threads = threads;
  for (const auto& entry : r.changesets.at(arch).packages) {
    const auto& info = *entry.package;
    in.packages.push_back({r.repositories->package_location(arch, entry), info.checksum,
                           info.name + "-" + info.version});
    in.world.push_back(info.name + "=" + info.version);
  }
  in.repositories = config.contents.repositories;
  in.repositories.insert(in.repositories.end(), config.contents.runtime_repositories.begin(),
                         config.contents.runtime_repositories.end());
  std::sort(in.repositories.begin(), in.repositories.end());
  for (const auto& key : r.keys) in.keys.push_back({key.name, key.content});
  return image::assemble_rootfs(in);
}

std::string default_tag(const std::string& config_path) {
  std::string stem = std::filesystem::path(config_path).stem().string();
  return stem.empty() ? "latest" : stem;
}

}  // namespace

int cmd_build(const std::string& prog, std::vector<std::string> args) {
  CLI::App app{"Build an image from an apko image file: resolve its packages for every architecture,\n"
               "install them without running any package script and write an OCI image layout\n"
               "(-o DIR, a multi-arch index) or a docker-loadable tarball for one arch\n"
               "(--format docker-tar -o FILE). The same inputs and SOURCE_DATE_EPOCH give the same digests.",
               prog};
  RepoFlags flags;
  build::Overrides more;
  std::string config_path, output, format = "oci", tag, compression = "gzip";
  size_t threads = 0;
  app.add_option("config", config_path, "The image file (IMAGE.yaml)")->required();
  app.add_option("-o,--output", output, "Output directory (oci) or file (docker-tar)")->required();
  app.add_option("--format", format, "oci (an image layout directory) or docker-tar")
      ->check(CLI::IsMember({"oci", "docker-tar"}));
  app.add_option("-t,--tag", tag, "Image reference name (oci: the index's ref.name; docker-tar: repo:tag)");
  app.add_option("--compression", compression, "Layer compression: gzip or zstd")
      ->check(CLI::IsMember({"gzip", "zstd"}));
  app.add_option("--annotations", more.annotations, "Add an annotation KEY:VALUE (repeatable)")
      ->expected(1)
      ->allow_extra_args(false)
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  app.add_option("--build-date", more.build_date, "Build date (RFC 3339) when newer than every package's");
  app.add_option("-j,--jobs", threads, "Worker threads (default: one per core)");
  flags.add_to(app);
  if (auto rc = parse(app, std::move(args))) return *rc;
  const bool docker_tar = format == "docker-tar";
  if (docker_tar && compression == "zstd")
    return report(Error{Errc::usage, "--format docker-tar needs gzip layers: docker load cannot read zstd"});
  if (docker_tar && flags.archs.empty()) {
    auto host = build::host_arch();
    if (!host) return report(host.error());
    flags.archs.push_back(host->apk);
  }

  auto resolution = resolve_packages(config_path, flags, {}, &more);
  if (!resolution) {
    // Errors in the file itself already start with its name; the rest get it as context.
    const Error& e = resolution.error();
    return report(e.message.starts_with(config_path) ? e : e.wrap(config_path));
  }
  if (docker_tar && resolution->archs.size() != 1)
    return report(Error{Errc::usage, "--format docker-tar holds one architecture; pass exactly one --arch"});
  auto date = build_date(*resolution);
  if (!date) return report(date.error());
  const build::ImageConfig& config = *resolution->config;
  if (config.layering && config.layering->active())
    log::warn("{}: layering is not implemented yet; writing a single layer", config_path);

  // docker-tar: the layout is staged in a temp dir beside the output, then packed into the tar.
  std::optional<TempDir> scratch;
  std::filesystem::path layout_dir = output;
  if (docker_tar) {
    auto parent = std::filesystem::absolute(output).parent_path();
    auto dir = TempDir::create((parent / ".wisp-build").string());
    if (!dir) return report(dir.error());
    scratch.emplace(std::move(*dir));
    layout_dir = scratch->path() / "layout";
  }
  auto layout = oci::LayoutWriter::create(layout_dir);
  if (!layout) return report(layout.error());

  image::ImageOptions options;
  options.created = *date;
  options.layer.compression = compression == "zstd" ? oci::Compression::zstd : oci::Compression::gzip;
  options.layer.threads = threads;
  oci::Index index;
  index.annotations = image::image_annotations(config, *date);
  for (const std::string& arch_name : resolution->archs) {
    auto arch = build::parse_arch(arch_name);
    if (!arch) return report(arch.error());
    auto assembled = assemble_arch(*resolution, arch_name, *date, threads);
    if (!assembled) return report(assembled.error().wrap(fmt::format("{} ({})", config_path, arch_name)));
    auto desc = image::write_arch_image(*layout, *assembled, config, *arch, options);
    if (!desc) return report(desc.error().wrap(fmt::format("{} ({})", config_path, arch_name)));
    log::info("{}: {} packages, {} files, manifest {}", arch_name, assembled->installed.size(),
              assembled->rootfs.size(), desc->digest);
    index.manifests.push_back(std::move(*desc));
  }
  std::sort(index.manifests.begin(), index.manifests.end(), [](const auto& a, const auto& b) {
    return std::tie(a.platform->architecture, a.platform->variant) <
           std::tie(b.platform->architecture, b.platform->variant);
  });
  // index.json names one entry, the multi-arch index, under the tag: skopeo, umoci and
  // containerd then pick the platform from it (entries of index.json itself are not matched
  // by platform). docker-tar keeps the manifest itself, which is what `docker load` reads.
  const std::string ref_name = tag.empty() ? default_tag(config_path) : tag;
  oci::Index top;
  if (docker_tar) {
    top.manifests = index.manifests;
  } else {
    auto index_desc = layout->add_blob(oci::serialize(index), std::string(oci::k_oci_index));
    if (!index_desc) return report(index_desc.error());
    top.manifests.push_back(*index_desc);
  }
  for (auto& m : top.manifests) m.annotations[std::string(oci::k_ann_ref_name)] = ref_name;
  if (auto committed = layout->commit(top); !committed) return report(committed.error());

  if (docker_tar) {
    std::string repo_tag = tag.empty() ? default_tag(config_path) + ":latest" : tag;
    if (repo_tag.find(':', repo_tag.rfind('/') == std::string::npos ? 0 : repo_tag.rfind('/')) == std::string::npos)
      repo_tag += ":latest";
    if (auto written = oci::write_docker_tar(layout_dir, index.manifests.front(), {repo_tag}, output); !written)
      return report(written.error());
    log::info("wrote {} ({}, {})", output, repo_tag, index.manifests.front().digest);
  } else {
    log::info("wrote {} ({} image{})", output, index.manifests.size(), index.manifests.size() == 1 ? "" : "s");
  }
  return k_exit_ok;
}

}  // namespace wisp::cli
