// wisp lock: resolve an image configuration for every architecture and write apko's lockfile
// (apko-melange.md §3) with the byte ranges and digests of every package's gzip members.
#include <algorithm>
#include <optional>

#include "base/digest.h"
#include "base/encoding.h"
#include "base/log.h"
#include "base/strings.h"
#include "build/lockfile.h"
#include "cli/command.h"
#include "cli/commands.h"
#include "cli/debian_plan.h"
#include "cli/resolve_common.h"
#include "io/http.h"
#include "pkg/apk/package.h"

namespace wisp::cli {

namespace {

using build::LockedPackage;
using build::LockedPart;
using build::LockedRepository;

std::string strip_scheme(std::string_view url) {
  for (std::string_view scheme : {"https://", "http://"})
    if (url.starts_with(scheme)) return std::string(url.substr(scheme.size()));
  return std::string(url);
}

LockedPart part(std::string_view bytes, const pkg::apk::MemberRange& range, DigestAlg alg) {
  std::string_view member = bytes.substr(range.offset, range.size);
  return {build::byte_range(range.offset, range.size),
          fmt::format("{}-{}", digest_alg_name(alg), base64_encode(digest(alg, member)))};
}

/// Reads a downloaded package, checks it is the one the index promised and records its parts.
Result<LockedPackage> lock_package(std::string_view bytes, const pkg::apk::PackageInfo& indexed,
                                   const std::string& url) {
  // The index signature vouches for C:, C: for the control member, which carries datahash for
  // the data member: no key is needed here (apk-format.md §1.4).
  TRY_ASSIGN(auto package, pkg::apk::read_package(bytes, {}));
  if (!indexed.checksum.empty() && package.info.checksum != indexed.checksum)
    return fail(Errc::digest_mismatch, "identity {} is not the index's {}", package.info.checksum,
                indexed.checksum);
  LockedPackage locked;
  locked.name = indexed.name;
  locked.url = url;
  locked.version = indexed.version;
  locked.architecture = indexed.arch;
  if (package.signature.size > 0) locked.signature = part(bytes, package.signature, DigestAlg::sha1);
  locked.control = part(bytes, package.control, DigestAlg::sha1);
  locked.data = part(bytes, package.data, DigestAlg::sha256);
  locked.checksum = package.info.checksum;
  return locked;
}

Result<std::vector<LockedRepository>> lock_repositories(const std::vector<std::string>& lines,
                                                        const std::string& arch) {
  std::vector<LockedRepository> out;
  for (const std::string& line : lines) {
    TRY_ASSIGN(auto ref, build::parse_repository(line));
    if (ref.is_debian) continue;
    out.push_back({strip_scheme(fmt::format("{}/{}", ref.url, arch)),
                   pkg::repo::index_location(ref.url, arch), arch});
  }
  return out;
}

/// A Debian image's lock: each arch's packages in install order, pinned by URL and the SHA-256
/// of the .deb (the Packages index's, which the signed Release covers). Nothing is downloaded.
Result<build::Lockfile> lock_debian(const build::ImageConfig& config, const std::string& config_path,
                                    const RepoFlags& flags) {
  TRY_ASSIGN(DebianPlan plan, plan_debian(config, flags));
  build::Lockfile lock;
  lock.config_name = config_path;
  lock.config_checksum = config.config_checksum;
  for (const DebianArchPlan& a : plan.archs) {
    for (const std::string& line : config.contents.repositories) lock.repositories.push_back({line, line, a.deb_arch});
    for (size_t i = 0; i < a.debs.size(); ++i) {
      const image::DebSource& deb = a.debs[i];
      std::string_view world = a.world[i];
      LockedPackage locked;
      locked.name = deb.name;
      locked.url = deb.location;
      locked.version = std::string(world.substr(world.find('=') + 1));
      locked.architecture = a.deb_arch;
      TRY_ASSIGN_CTX(std::string raw, hex_decode(deb.sha256), "package {}: SHA-256", deb.name);
      if (deb.size == 0) return fail(Errc::bad_format, "package {}: the index gives no Size", deb.name);
      locked.data = {build::byte_range(0, deb.size), "sha256-" + base64_encode(raw)};
      lock.packages.push_back(std::move(locked));
    }
  }
  return lock;
}

}  // namespace

int cmd_lock(const std::string& prog, std::vector<std::string> args) {
  CLI::App app{"Resolve an image configuration for each architecture and write its lockfile\n"
               "(apko's v1 format, default IMAGE.lock.json beside IMAGE.yaml).",
               prog};
  RepoFlags flags;
  std::string config_path;
  std::string output;
  app.add_option("config", config_path, "The image configuration (IMAGE.yaml)")->required();
  app.add_option("-o,--output", output, "Where to write the lockfile");
  flags.add_to(app);
  if (auto rc = parse(app, std::move(args))) return *rc;
  if (output.empty()) output = build::default_lockfile_path(config_path).string();

  {
    auto config = load_config(config_path, flags);
    if (!config) return report(config.error());
    if (is_debian_config(*config)) {
      auto lock = lock_debian(*config, config_path, flags);
      if (!lock) return report(lock.error().wrap(config_path));
      if (auto written = build::write_lockfile(output, *lock); !written) return report(written.error());
      log::info("wrote {}: {} packages", output, lock->packages.size());
      return k_exit_ok;
    }
  }
  auto resolution = resolve_packages(config_path, flags, {});
  if (!resolution) return report(resolution.error());
  const build::ImageConfig& config = *resolution->config;

  build::Lockfile lock;
  lock.config_name = config_path;
  lock.config_checksum = config.config_checksum;
  for (const auto& key : resolution->keys)
    lock.keyring.push_back({strip_scheme(key.location), key.location, key.content});
  std::sort(lock.keyring.begin(), lock.keyring.end(),
            [](const auto& a, const auto& b) { return a.name < b.name; });

  // Every package of every arch, downloaded in parallel (cached, verified against the index).
  struct Item {
    std::string arch;
    const pkg::apk::PackageInfo* info;
    std::optional<LockedPackage> locked;
  };
  std::vector<Item> items;
  std::vector<pkg::repo::FetchRequest> requests;
  for (const std::string& arch : resolution->archs) {
    for (const auto& entry : resolution->changesets.at(arch).packages) {
      items.push_back({arch, entry.package, std::nullopt});
      pkg::repo::FetchRequest request;
      request.location = resolution->repositories->package_location(arch, entry);
      request.freshness = pkg::repo::Freshness::immutable;
      requests.push_back(std::move(request));
    }
  }
  for (size_t i = 0; i < requests.size(); ++i) {
    requests[i].verify = [&items, i, url = requests[i].location](std::string_view bytes) -> Status {
      TRY_ASSIGN(auto locked, lock_package(bytes, *items[i].info, url));
      items[i].locked = std::move(locked);
      return {};
    };
  }
  std::optional<Error> first_error;
  size_t first_index = requests.size();
  pkg::repo::fetch_all(*resolution->fetcher, requests, [&](size_t i, Result<std::string> result) {
    if (!result && i < first_index) {
      first_index = i;
      first_error = std::move(result).error();
    }
  });
  if (first_error) return report(*first_error);

  for (const std::string& arch : resolution->archs) {
    for (const Item& item : items)
      if (item.arch == arch) lock.packages.push_back(*item.locked);
    auto build_repos = lock_repositories(config.contents.build_repositories, arch);
    auto runtime_repos = lock_repositories(config.contents.runtime_repositories, arch);
    auto repos = lock_repositories(config.contents.repositories, arch);
    for (auto* result : {&build_repos, &runtime_repos, &repos})
      if (!*result) return report(result->error());
    lock.build_repositories.insert(lock.build_repositories.end(), build_repos->begin(), build_repos->end());
    lock.runtime_repositories.insert(lock.runtime_repositories.end(), runtime_repos->begin(),
                                     runtime_repos->end());
    lock.repositories.insert(lock.repositories.end(), repos->begin(), repos->end());
  }

  if (auto written = build::write_lockfile(output, lock); !written) return report(written.error());
  log::info("wrote {}: {} packages for {}", output, lock.packages.size(),
            join(resolution->archs, ", "));
  return k_exit_ok;
}

}  // namespace wisp::cli
