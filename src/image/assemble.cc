#include "image/assemble.h"

#include <algorithm>
#include <mutex>
#include <optional>
#include <thread>

#include "base/log.h"
#include "base/thread_pool.h"
#include "image/customize.h"

namespace wisp::image {

Result<Assembled> assemble_rootfs(const AssembleInput& input) {
  TRY_ASSIGN(ContentStore store, ContentStore::create());
  Assembled out{Rootfs(), std::move(store), {}, {}};
  TRY(write_skeleton(out.rootfs, input.mtime));

  // Fetch, verify and unpack in parallel; install in order.
  const size_t count = input.packages.size();
  std::vector<std::optional<Result<ExtractedPackage>>> extracted(count);
  size_t threads = input.threads ? input.threads : std::max<size_t>(4, std::thread::hardware_concurrency());
  parallel_for(
      count,
      [&](size_t i) {
        const PackageSource& src = input.packages[i];
        pkg::repo::FetchRequest request;
        request.location = src.location;
        request.freshness = pkg::repo::Freshness::immutable;
        auto bytes = input.fetcher->fetch(request);
        if (!bytes) {
          extracted[i] = Result<ExtractedPackage>(std::unexpected(bytes.error().wrap(fmt::format("package {}", src.name))));
          return;
        }
        extracted[i] = with_context(extract_package(*bytes, out.store, input.keyring, src.checksum),
                                    fmt::format("package {} ({})", src.name, src.location));
      },
      threads);
  Installer installer(out.rootfs);
  for (size_t i = 0; i < count; ++i) {
    if (!*extracted[i]) return std::unexpected(extracted[i]->error());
    TRY(installer.install(std::move(**extracted[i])));
    extracted[i].reset();
  }
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
  TRY_ASSIGN(out.user, resolve_run_as(out.rootfs, out.store, config.accounts.run_as));
  return out;
}

}  // namespace wisp::image
