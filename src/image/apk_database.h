// What keeps an image a valid apk system and tells scanners what is in it (apko-melange.md §2,
// apk-format.md §6): the skeleton apk's --initdb makes, the installed database, scripts.tar,
// triggers and /etc/apk/{world,repositories,arch,keys}.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "base/result.h"
#include "image/installer.h"
#include "image/rootfs.h"

namespace wisp::image {

/// The directories, files and device nodes `apk add --initdb` creates, root-owned, stamped
/// `mtime`: /tmp 1777, /proc 0555, /dev, /etc/apk/keys, /usr/lib/apk/db, /var/cache/apk, ...,
/// /dev/{console,null,zero,random,urandom}.
Status write_skeleton(Rootfs& rootfs, int64_t mtime);

struct ApkDatabaseInput {
  std::string arch;                       // /etc/apk/arch
  std::vector<std::string> world;         // /etc/apk/world lines (sorted by the writer)
  std::vector<std::string> repositories;  // /etc/apk/repositories lines, in order, deduplicated
  struct Key {
    std::string name;
    std::string content;
  };
  std::vector<Key> keys;  // /etc/apk/keys/<name>
  int64_t mtime = 0;      // for every file written here
};

/// Writes usr/lib/apk/db/{installed,scripts.tar,triggers}, the /lib/apk link (unless /lib
/// already leads to usr/lib) and the /etc/apk files. The installed database has one block per
/// package in install order: the index letters in apk-tools' order, r:/q:, then F:/M: per
/// directory and R:/a:/Z: per file it still owns.
Status write_apk_database(Rootfs& rootfs, const std::vector<InstalledPackage>& installed,
                          const ApkDatabaseInput& input);

/// The installed-database text alone (one block per package), for tests and layering.
std::string format_installed_db(const Rootfs& rootfs, const std::vector<InstalledPackage>& installed);
/// The blocks of the packages `owners` (indexes into `installed`) only, in that order.
std::string format_installed_db(const Rootfs& rootfs, const std::vector<InstalledPackage>& installed,
                                const std::vector<int>& owners);

}  // namespace wisp::image
