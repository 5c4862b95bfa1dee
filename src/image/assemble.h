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

struct AssembleInput {
  const build::ImageConfig* config = nullptr;
  std::string arch;                        // apk arch
  std::vector<PackageSource> packages;     // install order
  pkg::repo::Fetcher* fetcher = nullptr;
  const pkg::apk::Keyring* keyring = nullptr;  // null: trust the promised checksums
  std::vector<std::string> world;          // /etc/apk/world
  std::vector<std::string> repositories;   // /etc/apk/repositories
  std::vector<ApkDatabaseInput::Key> keys; // /etc/apk/keys
  int64_t mtime = 0;                       // for everything wisp writes
  size_t threads = 0;                      // 0: hardware threads (at least 4 for downloads)
};

struct Assembled {
  Rootfs rootfs;
  ContentStore store;
  std::vector<InstalledPackage> installed;
  std::string user;  // the OCI config's User: run-as resolved to a uid ("" when not set)
};

/// Errors name the package or the image-file entry concerned.
Result<Assembled> assemble_rootfs(const AssembleInput& input);

}  // namespace wisp::image
