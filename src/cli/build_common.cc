#include "cli/build_common.h"

#include <algorithm>
#include <cstdlib>
#include <optional>
#include <tuple>

#include <CLI/CLI.hpp>

#include "base/encoding.h"
#include "base/log.h"
#include "base/strings.h"
#include "build/lockfile.h"
#include "cli/debian_plan.h"
#include "image/debian_assemble.h"
#include "image/oci_image.h"
#include "oci/layout.h"
#include "oci/media_types.h"
#include "pkg/repo/repository_set.h"

namespace wisp::cli {
namespace {


/// What to install for one arch.
struct ArchPlan {
  std::string arch;
  std::vector<image::PackageSource> packages;  // install order (APK)
  std::vector<image::DebSource> debs;          // install order (Debian)
  std::vector<std::string> world;              // name=version of each, as apko pins it
};

/// Everything a build needs besides the image file: per-arch plans, keys, a fetcher.
struct Plan {
  build::ImageConfig config;
  std::vector<ArchPlan> archs;
  std::vector<image::ApkDatabaseInput::Key> keys;
  std::unique_ptr<pkg::repo::Fetcher> fetcher;
  bool debian = false;
};

Result<Plan> plan_from_debian(build::ImageConfig config, const RepoFlags& flags) {
  TRY_ASSIGN(DebianPlan debian, plan_debian(config, flags));
  Plan plan{std::move(config), {}, {}, std::move(debian.fetcher), true};
  for (DebianArchPlan& a : debian.archs) plan.archs.push_back({a.apk_arch, {}, std::move(a.debs), std::move(a.world)});
  return plan;
}

/// A Debian image from its lockfile: exactly the locked .debs, no index read.
Result<Plan> plan_from_debian_lock(build::ImageConfig config, const std::string& lock_path, const RepoFlags& flags) {
  TRY_ASSIGN(build::Lockfile lock, build::load_lockfile(lock_path));
  TRY(build::check_lockfile_current(lock, lock_path, config));
  TRY_ASSIGN(auto archs, build::resolved_archs(config));
  Plan plan{std::move(config), {}, {}, nullptr, true};
  for (const auto& arch : archs) {
    TRY_ASSIGN(std::string deb_arch, debian_arch(arch.apk));
    ArchPlan a{arch.apk, {}, {}, {}};
    for (const auto& p : lock.packages) {
      if (p.architecture != deb_arch) continue;
      if (!p.url.ends_with(".deb") || !p.data.checksum.starts_with("sha256-"))
        return fail(Errc::bad_format, "{}: {} is not a Debian package entry", lock_path, p.name);
      TRY_ASSIGN(std::string raw, base64_decode(p.data.checksum.substr(7)));
      TRY_ASSIGN(auto range, build::parse_byte_range(p.data.range));
      a.debs.push_back({p.url, hex_encode(raw), range.second, p.name});
      a.world.push_back(p.name + "=" + p.version);
    }
    if (a.debs.empty())
      return fail(Errc::usage, "{} locks no packages for {}; run 'wisp lock {}' for it", lock_path, deb_arch,
                  plan.config.config_file);
    plan.archs.push_back(std::move(a));
  }
  pkg::repo::FetcherOptions options;
  options.cache_dir = flags.cache_dir;
  options.offline = flags.offline;
  TRY_ASSIGN(plan.fetcher, pkg::repo::Fetcher::create(std::move(options)));
  return plan;
}

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

/// An image file with `deb` repository lines is a Debian build; otherwise the APK resolver or
/// the lockfile decides.
Result<Plan> make_plan(const BuildRequest& request) {
  TRY_ASSIGN(build::ImageConfig config, load_config(request.config_path, request.flags, {}, &request.more));
  if (is_debian_config(config)) {
    if (!request.lock_path.empty()) return plan_from_debian_lock(std::move(config), request.lock_path, request.flags);
    return plan_from_debian(std::move(config), request.flags);
  }
  return request.lock_path.empty()
             ? plan_from_resolver(request.config_path, request.flags, request.more)
             : plan_from_lockfile(request.config_path, request.lock_path, request.flags, request.more);
}

/// SOURCE_DATE_EPOCH when set, else the newest package build date of every arch and
/// --build-date (apko's rule; the index uses the max over all archs).
Result<int64_t> build_date(const build::ImageConfig& config, const std::vector<const image::FetchedPackages*>& fetched) {
  if (const char* env = std::getenv("SOURCE_DATE_EPOCH"); env && *env) {
    auto value = parse_i64(env);
    if (!value || *value < 0) return fail(Errc::usage, "SOURCE_DATE_EPOCH '{}' is not a number of seconds", env);
    return *value;
  }
  int64_t newest = config.build_date.value_or(0);
  for (const auto* f : fetched) newest = std::max(newest, f->newest_build_time);
  return newest;
}



}  // namespace

void BuildRequest::add_build_options(CLI::App& app, const std::string& jobs_help) {
  app.add_option("--compression", compression, "Layer compression: gzip or zstd")
      ->check(CLI::IsMember({"gzip", "zstd"}));
  app.add_option("--lockfile", lock_path, "Install exactly the packages of this lockfile (no index is read)");
  app.add_option("--annotations", more.annotations, "Add an annotation KEY:VALUE (repeatable)")
      ->expected(1)
      ->allow_extra_args(false)
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  app.add_option("--build-date", more.build_date, "Build date (RFC 3339) when newer than every package's");
  app.add_option("-j,--jobs", threads, jobs_help);
}

std::string default_tag(const std::string& config_path) {
  std::string stem = std::filesystem::path(config_path).stem().string();
  return stem.empty() ? "latest" : stem;
}

std::vector<SbomFile> sbom_files_for(const BuiltImage& built, const std::string& digest,
                                     const std::filesystem::path& sbom_dir) {
  std::vector<SbomFile> candidates;
  if (built.index_descriptor && built.index_descriptor->digest == digest)
    candidates.push_back({sbom_dir / "sbom-index.spdx.json", "spdxjson"});
  for (const BuiltArch& arch : built.archs) {
    if (arch.manifest.digest != digest) continue;
    candidates.push_back({sbom_dir / fmt::format("sbom-{}.spdx.json", arch.arch.apk), "spdxjson"});
    candidates.push_back({sbom_dir / fmt::format("sbom-{}.cdx.json", arch.arch.apk), "cyclonedx"});
  }
  std::vector<SbomFile> out;
  for (SbomFile& file : candidates) {
    std::error_code ec;
    if (std::filesystem::is_regular_file(file.path, ec)) out.push_back(std::move(file));
  }
  return out;
}

Result<BuiltImage> build_layout(const BuildRequest& request, const ArchHook& hook) {
  const std::string& config_path = request.config_path;
  // Errors in the file itself already start with its name; the rest get it as context.
  auto in_context = [&](const Error& e) { return e.message.starts_with(config_path) ? e : e.wrap(config_path); };
  auto plan = make_plan(request);
  if (!plan) return std::unexpected(in_context(plan.error()));
  BuiltImage out;
  out.config = plan->config;
  const build::ImageConfig& config = out.config;
  // Parts of apko's schema wisp reads but does not build yet: say so instead of ignoring them.
  if (config.contents.baseimage)
    return fail(Errc::unsupported, "{}: contents.baseimage is not supported yet", config_path);
  if (config.entrypoint.type == "service-bundle")
    return fail(Errc::unsupported, "{}: entrypoint.type service-bundle (s6) is not supported yet", config_path);
  if (config.format == "erofs")
    return fail(Errc::unsupported, "{}: format erofs is not supported; wisp writes tar layers", config_path);

  // Fetch and unpack every arch first: the build date is the newest package of them all.
  std::vector<image::FetchedPackages> fetched;
  std::vector<image::FetchedDebs> fetched_debs;
  std::vector<const image::FetchedPackages*> all_fetched;
  for (const ArchPlan& a : plan->archs) {
    if (plan->debian) {
      TRY_ASSIGN_CTX(auto f, image::fetch_debs(a.debs, *plan->fetcher, request.threads), "{} ({})", config_path,
                     a.arch);
      fetched_debs.push_back(std::move(f));
    } else {
      TRY_ASSIGN_CTX(auto f, image::fetch_packages(a.packages, *plan->fetcher, nullptr, request.threads),
                     "{} ({})", config_path, a.arch);
      fetched.push_back(std::move(f));
    }
  }
  for (const auto& f : fetched) all_fetched.push_back(&f);
  for (const auto& f : fetched_debs) all_fetched.push_back(&f.packages);
  TRY_ASSIGN(out.created, build_date(config, all_fetched));

  TRY_ASSIGN(auto layout, oci::LayoutWriter::create(request.layout_dir));
  image::ImageOptions options;
  options.created = out.created;
  options.layer.compression = request.compression == "zstd" ? oci::Compression::zstd : oci::Compression::gzip;
  options.layer.threads = request.threads;
  out.index.annotations = image::image_annotations(config, out.created);
  std::vector<std::string> repositories = config.contents.repositories;
  repositories.insert(repositories.end(), config.contents.runtime_repositories.begin(),
                      config.contents.runtime_repositories.end());
  std::sort(repositories.begin(), repositories.end());
  for (size_t i = 0; i < plan->archs.size(); ++i) {
    const ArchPlan& a = plan->archs[i];
    TRY_ASSIGN(build::Arch arch, build::parse_arch(a.arch));
    image::AssembleInput in{&config, a.arch, a.world, repositories, plan->keys, out.created};
    auto assembled_or = plan->debian
                            ? image::assemble_debian_rootfs(config, a.arch, out.created, std::move(fetched_debs[i]))
                            : image::assemble_rootfs(in, std::move(fetched[i]));
    TRY_ASSIGN_CTX(image::Assembled assembled, std::move(assembled_or), "{} ({})", config_path, a.arch);
    TRY_ASSIGN_CTX(oci::Descriptor desc, image::write_arch_image(layout, assembled, config, arch, options),
                   "{} ({})", config_path, a.arch);
    log::info("{}: {} packages, {} files, manifest {}", a.arch, assembled.installed.size(), assembled.rootfs.size(),
              desc.digest);
    BuiltArch built{arch, desc, assembled.installed.size()};
    if (hook) TRY_CTX(hook(assembled, built, config, out.created), "{} ({})", config_path, a.arch);
    out.archs.push_back(built);
    out.index.manifests.push_back(std::move(desc));
  }
  std::sort(out.index.manifests.begin(), out.index.manifests.end(), [](const auto& x, const auto& y) {
    return std::tie(x.platform->architecture, x.platform->variant) <
           std::tie(y.platform->architecture, y.platform->variant);
  });

  // index.json: the multi-arch index under the tag (skopeo and containerd pick the platform
  // from it), then each arch's manifest under "<tag>-<arch>" as apko names per-arch images, for
  // tools that cannot choose a platform themselves (umoci: "tag is ambiguous").
  oci::Index top;
  const std::string ref_key(oci::k_ann_ref_name);
  if (request.flat_index) {
    top.manifests = out.index.manifests;
    for (auto& m : top.manifests) m.annotations[ref_key] = request.ref_name;
  } else {
    TRY_ASSIGN(oci::Descriptor index_desc, layout.add_blob(oci::serialize(out.index), std::string(oci::k_oci_index)));
    out.index_descriptor = index_desc;
    top.manifests.push_back(index_desc);
    top.manifests.back().annotations[ref_key] = request.ref_name;
    for (const BuiltArch& built : out.archs) {
      top.manifests.push_back(built.manifest);
      top.manifests.back().annotations[ref_key] = request.ref_name + "-" + built.arch.apk;
    }
  }
  TRY(layout.commit(top));
  return out;
}

}  // namespace wisp::cli
