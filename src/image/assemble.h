// One architecture's root filesystem, from resolved packages and the image file, in apko's
// order (apko-melange.md §2): skeleton, packages (fetched and unpacked in parallel, installed in
// order), apk database, accounts, paths, certificates, runtime keys, busybox links.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "base/result.h"
#include "build/image_config.h"
#include "image/apk_database.h"
#include "image/content_store.h"
#include "image/installer.h"
#include "image/rootfs.h"
#include "pkg/apk/keys.h"
#include "pkg/repo/fetcher.h"

namespace wisp::image {

/// A package to install: where to get it and the identity the index (or lockfile) promised.
struct PackageSource {
  std::string location;
  std::string checksum;  // "Q1..."; empty: not checked (then a keyring must be given)
  std::string name;      // for messages
};

/// The packages of one arch, verified and unpacked (payloads in `store`), in install order.
struct FetchedPackages {
  ContentStore store;
  std::vector<ExtractedPackage> packages;
  int64_t newest_build_time = 0;  // the largest builddate among them (0 when none has one)
};

/// Fetches (through the cache), verifies and unpacks `packages` in parallel on `threads`
/// workers (0: hardware threads, at least 4 for downloads). `keyring` null: the promised
/// checksums are the trust anchor. Errors name the package.
Result<FetchedPackages> fetch_packages(const std::vector<PackageSource>& packages,
                                       pkg::repo::Fetcher& fetcher, const pkg::apk::Keyring* keyring,
                                       size_t threads = 0);

struct AssembleInput {
  const build::ImageConfig* config = nullptr;
  std::string arch;                        // apk arch
  std::vector<std::string> world;          // /etc/apk/world
  std::vector<std::string> repositories;   // /etc/apk/repositories
  std::vector<ApkDatabaseInput::Key> keys; // /etc/apk/keys
  int64_t mtime = 0;                       // for everything wisp writes
};

struct Assembled {
  Rootfs rootfs;
  ContentStore store;
  std::vector<InstalledPackage> installed;
  std::string user;  // the OCI config's User: run-as resolved to a uid ("" when not set)
};

/// Installs `fetched` in order on the skeleton and applies the image file. Errors name the
/// package or the image-file entry concerned.
Result<Assembled> assemble_rootfs(const AssembleInput& input, FetchedPackages fetched);

}  // namespace wisp::image
