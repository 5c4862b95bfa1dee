#include "image/debian_assemble.h"

#include "image/customize.h"
#include "image/debian_rootfs.h"
#include "image/ldso_cache.h"

namespace wisp::image {

Result<Assembled> assemble_debian_rootfs(const build::ImageConfig& config, const std::string& apk_arch,
                                         int64_t mtime, FetchedDebs fetched) {
  Assembled out{Rootfs(), std::move(fetched.packages.store), {}, {}};
  TRY(write_debian_skeleton(out.rootfs, mtime));
  Installer installer(out.rootfs);
  for (ExtractedPackage& package : fetched.packages.packages) TRY(installer.install(std::move(package)));
  out.installed = std::move(installer.installed());
  TRY(finish_debian_rootfs(out.rootfs, out.store, fetched.metadata, mtime));
  TRY_CTX(apply_accounts(out.rootfs, out.store, config.accounts, mtime), "accounts");
  TRY(apply_paths(out.rootfs, config.paths, mtime));
  if (config.certificates) {
    TRY_CTX(apply_certificates(out.rootfs, out.store, *config.certificates, mtime), "certificates");
  }
  // The ldconfig trigger every library package fires on Debian.
  TRY_CTX(write_ld_so_cache(out.rootfs, out.store, apk_arch, mtime), "ld.so.cache");
  TRY_ASSIGN(out.user, resolve_run_as(out.rootfs, out.store, config.accounts.run_as));
  return out;
}

}  // namespace wisp::image
