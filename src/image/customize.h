// What the image file asks for on top of the packages, done natively (no script runs):
// accounts, `paths` mutations, extra CA certificates and busybox applet links
// (apko-melange.md §1-2).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "base/result.h"
#include "build/image_config.h"
#include "image/installer.h"
#include "image/rootfs.h"

namespace wisp::image {

/// Appends the configured groups and users to /etc/group and /etc/passwd (keeping what the
/// packages wrote; an account whose name already exists is left as the package wrote it),
/// adds a locked /etc/shadow entry per user, and makes missing home directories 0700 owned by
/// their user (parents 0755).
Status apply_accounts(Rootfs& rootfs, const ContentStore& store, const build::Accounts& accounts,
                      int64_t mtime);

/// Applies `paths` in order. directory: mkdir -p; empty-file: a new empty file; symlink: `path`
/// -> `source`; hardlink: `path` becomes another name of the file `source`; permissions: changes
/// an existing node. uid/gid and permissions apply to the node (the whole subtree with
/// `recursive`). Unlike apko, a missing `permissions` keeps a sensible mode (0755 directories,
/// 0644 files, the current mode for `permissions`) instead of 0000. Errors name the entry.
Status apply_paths(Rootfs& rootfs, const std::vector<build::PathMutation>& paths, int64_t mtime);

/// Appends each PEM to /etc/ssl/certs/ca-certificates.crt (created if missing).
Status apply_certificates(Rootfs& rootfs, const ContentStore& store,
                          const build::Certificates& certificates, int64_t mtime);

/// If /bin/busybox exists, links each applet listed in /etc/busybox-paths.d/<package> (one path
/// per line) to /bin/busybox, unless something is already there. Returns the number made.
Result<size_t> link_busybox_applets(Rootfs& rootfs, const ContentStore& store,
                                    const std::vector<InstalledPackage>& installed);

/// The numeric user for the OCI config: `run_as` itself if numeric (or "uid:gid"), else the uid
/// of that name in the image's /etc/passwd. Errc::usage if the name is not there. "" stays "".
Result<std::string> resolve_run_as(const Rootfs& rootfs, const ContentStore& store,
                                   const std::string& run_as);

/// Reads a regular file's bytes from the tree (inline or spooled). Errc::not_found if absent.
Result<std::string> read_tree_file(const Rootfs& rootfs, const ContentStore& store, std::string_view path);

}  // namespace wisp::image
