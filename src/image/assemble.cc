#include "image/assemble.h"

#include <algorithm>
#include <mutex>
#include <optional>
#include <thread>

#include "base/log.h"
#include "base/thread_pool.h"
#include "image/customize.h"
#include "image/ldso_cache.h"

namespace wisp::image {

Result<FetchedPackages> fetch_packages(const std::vector<PackageSource>& packages,
                                       pkg::repo::Fetcher& fetcher, const pkg::apk::Keyring* keyring,
                                       size_t threads) {
  TRY_ASSIGN(ContentStore store, ContentStore::create());
  FetchedPackages out{std::move(store), {}, 0};
  const size_t count = packages.size();
  std::vector<std::optional<Result<ExtractedPackage>>> extracted(count);
  if (threads == 0) threads = std::max<size_t>(4, std::thread::hardware_concurrency());
  parallel_for(
      count,
      [&](size_t i) {
        const PackageSource& src = packages[i];
        pkg::repo::FetchRequest request;
        request.location = src.location;
        request.freshness = pkg::repo::Freshness::immutable;
        auto bytes = fetcher.fetch(request);
        if (!bytes) {
          extracted[i] = Result<ExtractedPackage>(std::unexpected(bytes.error().wrap(fmt::format("package {}", src.name))));
          return;
        }
        extracted[i] = with_context(extract_package(*bytes, out.store, keyring, src.checksum),
                                    fmt::format("package {} ({})", src.name, src.location));
      },
      threads);
  out.packages.reserve(count);
  for (size_t i = 0; i < count; ++i) {
    if (!*extracted[i]) return std::unexpected(extracted[i]->error());
    out.newest_build_time = std::max(out.newest_build_time, (*extracted[i])->package.info.build_time.value_or(0));
    out.packages.push_back(std::move(**extracted[i]));
  }
  return out;
}

Result<Assembled> assemble_rootfs(const AssembleInput& input, FetchedPackages fetched) {
  Assembled out{Rootfs(), std::move(fetched.store), {}, {}};
  TRY(write_skeleton(out.rootfs, input.mtime));
  Installer installer(out.rootfs);
  for (ExtractedPackage& package : fetched.packages) TRY(installer.install(std::move(package)));
  out.installed = std::move(installer.installed());

  ApkDatabaseInput db;
  db.arch = input.arch;
  db.world = input.world;
  db.repositories = input.repositories;
  db.keys = input.keys;
  db.mtime = input.mtime;
  const build::ImageConfig& config = *input.config;
  for (const auto& key : config.contents.runtime_keyring) db.keys.push_back({key.name, key.content});
  TRY(write_apk_database(out.rootfs, out.installed, db));
  TRY_CTX(apply_accounts(out.rootfs, out.store, config.accounts, input.mtime), "accounts");
  TRY(apply_paths(out.rootfs, config.paths, input.mtime));
  if (config.certificates) {
    TRY_CTX(apply_certificates(out.rootfs, out.store, *config.certificates, input.mtime), "certificates");
  }
  TRY_ASSIGN(size_t links, link_busybox_applets(out.rootfs, out.store, out.installed));
  if (links) log::debug("{}: {} busybox applet links", input.arch, links);
  TRY_CTX(write_ld_so_cache(out.rootfs, out.store, input.arch, input.mtime), "ld.so.cache");
  TRY_ASSIGN(out.user, resolve_run_as(out.rootfs, out.store, config.accounts.run_as));
  return out;
}

}  // namespace wisp::image
