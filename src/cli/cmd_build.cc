// wisp build: resolve an apko image file for every architecture (or take the exact packages of
// a lockfile), assemble each root filesystem and write an OCI image layout (a multi-arch index)
// or a docker-loadable tarball for one arch.
#include <algorithm>
#include <cstdlib>
#include <map>
#include <optional>
#include <tuple>

#include "base/file.h"
#include "base/log.h"
#include "base/strings.h"
#include "build/arch.h"
#include "build/lockfile.h"
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

/// What to install for one arch.
struct ArchPlan {
  std::string arch;
  std::vector<image::PackageSource> packages;  // install order
  std::vector<std::string> world;              // name=version of each, as apko pins it
};

/// Everything a build needs besides the image file: per-arch plans, keys, a fetcher.
struct Plan {
  build::ImageConfig config;
  std::vector<ArchPlan> archs;
  std::vector<image::ApkDatabaseInput::Key> keys;
  std::unique_ptr<pkg::repo::Fetcher> fetcher;
};

std::string base_name(std::string_view location) {
  size_t slash = location.find_last_of('/');
  return std::string(slash == std::string_view::npos ? location : location.substr(slash + 1));
}

Result<Plan> plan_from_resolver(const std::string& config_path, const RepoFlags& flags,
                                const build::Overrides& more) {
  TRY_ASSIGN(Resolution r, resolve_packages(config_path, flags, {}, &more));
  Plan plan{std::move(*r.config), {}, {}, std::move(r.fetcher)};
  for (const std::string& arch : r.archs) {
    ArchPlan a{arch, {}, {}};
    for (const auto& entry : r.changesets.at(arch).packages) {
      const auto& info = *entry.package;
      a.packages.push_back({r.repositories->package_location(arch, entry), info.checksum,
                            info.name + "-" + info.version});
      a.world.push_back(info.name + "=" + info.version);
    }
    plan.archs.push_back(std::move(a));
  }
  for (const auto& key : r.keys) plan.keys.push_back({key.name, key.content});
  return plan;
}

/// The arch a locked package was locked for: its directory in the repository URL
/// (".../x86_64/name-1.0-r0.apk"), which also covers noarch packages.
std::string locked_arch(const build::LockedPackage& p) {
  std::string_view url = p.url;
  size_t file = url.find_last_of('/');
  if (file == std::string_view::npos || file == 0) return p.architecture;
  size_t dir = url.find_last_of('/', file - 1);
  return std::string(url.substr(dir == std::string_view::npos ? 0 : dir + 1,
                                file - (dir == std::string_view::npos ? 0 : dir + 1)));
}

Result<Plan> plan_from_lockfile(const std::string& config_path, const std::string& lock_path,
                                const RepoFlags& flags, const build::Overrides& more) {
  TRY_ASSIGN(build::ImageConfig config, load_config(config_path, flags, {}, &more));
  TRY_ASSIGN(build::Lockfile lock, build::load_lockfile(lock_path));
  TRY(build::check_lockfile_current(lock, lock_path, config));
  TRY_ASSIGN(auto archs, build::resolved_archs(config));
  Plan plan{std::move(config), {}, {}, nullptr};
  for (const auto& arch : archs) {
    ArchPlan a{arch.apk, {}, {}};
    for (const auto& p : lock.packages) {
      if (locked_arch(p) != arch.apk) continue;
      a.packages.push_back({p.url, p.checksum, p.name + "-" + p.version});
      a.world.push_back(p.name + "=" + p.version);
    }
    if (a.packages.empty())
      return fail(Errc::usage, "{} locks no packages for {}; run 'wisp lock {}' for it", lock_path, arch.apk,
                  config_path);
    plan.archs.push_back(std::move(a));
  }
  for (const auto& key : lock.keyring) plan.keys.push_back({base_name(key.url.empty() ? key.name : key.url), key.content});
  pkg::repo::FetcherOptions options;
  options.cache_dir = flags.cache_dir;
  options.offline = flags.offline;
  TRY_ASSIGN(plan.fetcher, pkg::repo::Fetcher::create(std::move(options)));
  return plan;
}

/// SOURCE_DATE_EPOCH when set, else the newest package build date of every arch and
/// --build-date (apko's rule; the index uses the max over all archs).
Result<int64_t> build_date(const build::ImageConfig& config, const std::vector<image::FetchedPackages>& fetched) {
  if (const char* env = std::getenv("SOURCE_DATE_EPOCH"); env && *env) {
    auto value = parse_i64(env);
    if (!value || *value < 0) return fail(Errc::usage, "SOURCE_DATE_EPOCH '{}' is not a number of seconds", env);
    return *value;
  }
  int64_t newest = config.build_date.value_or(0);
  for (const auto& f : fetched) newest = std::max(newest, f.newest_build_time);
  return newest;
}

std::string default_tag(const std::string& config_path) {
  std::string stem = std::filesystem::path(config_path).stem().string();
  return stem.empty() ? "latest" : stem;
}

}  // namespace

int cmd_build(const std::string& prog, std::vector<std::string> args) {
  CLI::App app{"Build an image from an apko image file: resolve its packages for every architecture,\n"
               "install them without running any package script and write an OCI image layout\n"
               "(-o DIR: index.json names the multi-arch index under --tag) or a docker-loadable\n"
               "tarball for one arch (--format docker-tar -o FILE). The same inputs and\n"
               "SOURCE_DATE_EPOCH give the same digests.",
               prog};
  RepoFlags flags;
  build::Overrides more;
  std::string config_path, output, format = "oci", tag, compression = "gzip", lock_path;
  size_t threads = 0;
  app.add_option("config", config_path, "The image file (IMAGE.yaml)")->required();
  app.add_option("-o,--output", output, "Output directory (oci) or file (docker-tar)")->required();
  app.add_option("--format", format, "oci (an image layout directory) or docker-tar")
      ->check(CLI::IsMember({"oci", "docker-tar"}));
  app.add_option("-t,--tag", tag, "Reference name (oci: ref.name in index.json; docker-tar: repo:tag)");
  app.add_option("--compression", compression, "Layer compression: gzip or zstd")
      ->check(CLI::IsMember({"gzip", "zstd"}));
  app.add_option("--lockfile", lock_path, "Install exactly the packages of this lockfile (no index is read)");
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
  // Errors in the file itself already start with its name; the rest get it as context.
  auto in_context = [&](const Error& e) { return e.message.starts_with(config_path) ? e : e.wrap(config_path); };

  auto plan = lock_path.empty() ? plan_from_resolver(config_path, flags, more)
                                : plan_from_lockfile(config_path, lock_path, flags, more);
  if (!plan) return report(in_context(plan.error()));
  if (docker_tar && plan->archs.size() != 1)
    return report(Error{Errc::usage, "--format docker-tar holds one architecture; pass exactly one --arch"});
  const build::ImageConfig& config = plan->config;
  if (config.layering && config.layering->active())
    log::warn("{}: layering is not implemented yet; writing a single layer", config_path);

  // Fetch and unpack every arch first: the build date is the newest package of them all.
  std::vector<image::FetchedPackages> fetched;
  for (const ArchPlan& a : plan->archs) {
    auto f = image::fetch_packages(a.packages, *plan->fetcher, nullptr, threads);
    if (!f) return report(f.error().wrap(fmt::format("{} ({})", config_path, a.arch)));
    fetched.push_back(std::move(*f));
  }
  auto date = build_date(config, fetched);
  if (!date) return report(date.error());

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
  std::vector<std::string> repositories = config.contents.repositories;
  repositories.insert(repositories.end(), config.contents.runtime_repositories.begin(),
                      config.contents.runtime_repositories.end());
  std::sort(repositories.begin(), repositories.end());
  for (size_t i = 0; i < plan->archs.size(); ++i) {
    const ArchPlan& a = plan->archs[i];
    auto arch = build::parse_arch(a.arch);
    if (!arch) return report(arch.error());
    image::AssembleInput in{&config, a.arch, a.world, repositories, plan->keys, *date};
    auto assembled = image::assemble_rootfs(in, std::move(fetched[i]));
    if (!assembled) return report(assembled.error().wrap(fmt::format("{} ({})", config_path, a.arch)));
    auto desc = image::write_arch_image(*layout, *assembled, config, *arch, options);
    if (!desc) return report(desc.error().wrap(fmt::format("{} ({})", config_path, a.arch)));
    log::info("{}: {} packages, {} files, manifest {}", a.arch, assembled->installed.size(),
              assembled->rootfs.size(), desc->digest);
    index.manifests.push_back(std::move(*desc));
  }
  std::sort(index.manifests.begin(), index.manifests.end(), [](const auto& x, const auto& y) {
    return std::tie(x.platform->architecture, x.platform->variant) <
           std::tie(y.platform->architecture, y.platform->variant);
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
    std::string repo_tag = tag.empty() ? default_tag(config_path) : tag;
    size_t last_slash = repo_tag.rfind('/');
    if (repo_tag.find(':', last_slash == std::string::npos ? 0 : last_slash) == std::string::npos)
      repo_tag += ":latest";
    if (auto written = oci::write_docker_tar(layout_dir, index.manifests.front(), {repo_tag}, output); !written)
      return report(written.error());
    log::info("wrote {} ({}, {})", output, repo_tag, index.manifests.front().digest);
  } else {
    log::info("wrote {} ({} image{}, tag {})", output, index.manifests.size(),
              index.manifests.size() == 1 ? "" : "s", ref_name);
  }
  return k_exit_ok;
}

}  // namespace wisp::cli
