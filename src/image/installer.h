// Installing APK packages into a Rootfs without running anything from them (apko-melange.md §2).
//
// Two phases, so the expensive part runs in parallel: extract_package() verifies one .apk and
// spools its payload into the ContentStore (any thread); Installer::install() then applies the
// packages one by one in install order, with apko's file-conflict rules:
// a path already written by another package may be written again only if the content is the
// same, the two packages share an origin, or one of them `replaces` the other; otherwise the
// build fails naming the path and both packages.
//
// Unlike apko, the owner, group and special bits the package's tar records are kept (apko forces
// every packaged file to 0:0 and drops setuid/setgid/sticky on directories: melange#1395).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "image/content_store.h"
#include "image/rootfs.h"
#include "pkg/apk/keys.h"
#include "pkg/apk/package.h"

namespace wisp::image {

/// One payload entry with where its bytes went.
struct PayloadEntry {
  pkg::apk::PackageFile file;
  std::optional<ContentRef> stored;  // regular files
};

struct ExtractedPackage {
  pkg::apk::Package package;  // metadata, scripts, checksum
  std::vector<PayloadEntry> entries;
};

/// Verifies `bytes` (signature when `keyring` is given; the Q1 identity must equal
/// `expected_checksum` when that is not empty, which is how an index vouches for a package)
/// and stores every regular file's content in `store`. Device nodes are accepted.
Result<ExtractedPackage> extract_package(std::string_view bytes, ContentStore& store,
                                         const pkg::apk::Keyring* keyring,
                                         std::string_view expected_checksum);

/// What one installed package left in the tree, for the apk database.
struct InstalledPackage {
  pkg::apk::Package package;
  /// Canonical paths of its entries, in archive order (directories included). Paths a later
  /// package took over are still listed: check the node's owner.
  std::vector<std::string> paths;
};

class Installer {
 public:
  explicit Installer(Rootfs& rootfs) : m_rootfs(rootfs) {}

  /// Applies one package on top of the tree. Errc::conflict for a file conflict,
  /// Errc::bad_format for a path that cannot be placed (e.g. a file where a directory is).
  Status install(ExtractedPackage extracted);

  const std::vector<InstalledPackage>& installed() const { return m_installed; }
  std::vector<InstalledPackage>& installed() { return m_installed; }

 private:
  Status place(int owner, const PayloadEntry& entry, std::vector<std::string>& paths);
  bool may_overwrite(int existing_owner, int new_owner) const;

  Rootfs& m_rootfs;
  std::vector<InstalledPackage> m_installed;
};

}  // namespace wisp::image
