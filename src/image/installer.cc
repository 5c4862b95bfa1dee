#include "image/installer.h"

#include <algorithm>

#include "pkg/apk/dependency.h"

namespace wisp::image {
namespace {

using pkg::apk::PackageFile;

NodeKind kind_of(io::TarType type) {
  switch (type) {
    case io::TarType::directory: return NodeKind::directory;
    case io::TarType::symlink: return NodeKind::symlink;
    case io::TarType::hardlink: return NodeKind::hardlink;
    case io::TarType::chardev: return NodeKind::chardev;
    case io::TarType::blockdev: return NodeKind::blockdev;
    case io::TarType::fifo: return NodeKind::fifo;
    case io::TarType::file: break;
  }
  return NodeKind::file;
}

// The package names a `replaces` list names (entries are atoms, usually plain names).
bool replaces_name(const pkg::apk::PackageInfo& info, std::string_view name) {
  for (const std::string& atom : info.replaces) {
    auto dep = pkg::apk::parse_dependency(atom);
    if (dep ? dep->name == name : atom == name) return true;
  }
  return false;
}

}  // namespace

Result<ExtractedPackage> extract_package(std::string_view bytes, ContentStore& store,
                                         const pkg::apk::Keyring* keyring,
                                         std::string_view expected_checksum) {
  ExtractedPackage out;
  pkg::apk::PackageReadOptions options;
  options.keyring = keyring;
  options.allow_devices = true;
  options.trust_checksum_records = true;  // the index's identity covers datahash
  options.on_data = [&](const PackageFile& file, std::string_view content) -> Status {
    PayloadEntry entry{file, std::nullopt};
    if (file.type == io::TarType::file) {
      TRY_ASSIGN(ContentRef ref, store.add(content));
      entry.stored = ref;
    }
    out.entries.push_back(std::move(entry));
    return {};
  };
  TRY_ASSIGN(out.package, pkg::apk::read_package(bytes, options));
  if (!expected_checksum.empty() && out.package.info.checksum != expected_checksum)
    return fail(Errc::digest_mismatch, "package identity {} is not the {} the index promised",
                out.package.info.checksum, expected_checksum);
  return out;
}

bool Installer::may_overwrite(int existing_owner, int new_owner) const {
  if (existing_owner < 0 || existing_owner == new_owner) return true;
  const auto& old_info = m_installed[static_cast<size_t>(existing_owner)].package.info;
  const auto& new_info = m_installed[static_cast<size_t>(new_owner)].package.info;
  if (!old_info.origin.empty() && old_info.origin == new_info.origin) return true;
  return replaces_name(new_info, old_info.name) || replaces_name(old_info, new_info.name);
}

Status Installer::place(int owner, const PayloadEntry& entry, std::vector<std::string>& paths) {
  const PackageFile& f = entry.file;
  Node node;
  node.kind = kind_of(f.type);
  node.mode = f.mode;
  node.uid = f.uid;
  node.gid = f.gid;
  node.mtime = f.mtime;
  node.devmajor = f.devmajor;
  node.devminor = f.devminor;
  node.size = f.size;
  node.stored = entry.stored;
  node.sha1 = f.sha1;
  node.owner = owner;
  node.xattrs = f.xattrs;
  node.link_target = f.link_target;

  // Missing parents (rare: packages list their directories) are made root-owned 0755.
  Node parent_template;
  parent_template.mtime = f.mtime;
  TRY_ASSIGN(Slot slot, m_rootfs.slot(f.path, true, &parent_template));
  if (node.kind == NodeKind::hardlink) {
    TRY_ASSIGN_CTX(Slot target, m_rootfs.slot(f.link_target), "hardlink '{}'", f.path);
    auto it = target.dir->children.find(target.name);
    if (it == target.dir->children.end() || it->second->kind != NodeKind::file)
      return fail(Errc::bad_format, "hardlink '{}' points to '{}', which is not a file", f.path, f.link_target);
    node.link_target = target.path;
  }

  auto it = slot.dir->children.find(slot.name);
  if (it != slot.dir->children.end()) {
    Node& existing = *it->second;
    if (node.is_dir()) {
      if (existing.is_dir()) {
        // Shared directories: the latest package's metadata wins, as apk-tools re-applies it.
        existing.mode = node.mode;
        existing.uid = node.uid;
        existing.gid = node.gid;
        existing.mtime = node.mtime;
        existing.xattrs = node.xattrs;
        if (existing.owner < 0) existing.owner = owner;
        paths.push_back(slot.path);
        return {};
      }
      // A package directory where the tree has a symlink to a directory (lib -> usr/lib): the
      // symlink stays and the package's files go through it.
      Node* followed = m_rootfs.find_following(slot.path);
      if (existing.kind == NodeKind::symlink && followed && followed->is_dir()) return {};
      return fail(Errc::conflict, "'{}' is a directory in {} but a file in the image", slot.path,
                  m_installed[static_cast<size_t>(owner)].package.info.name);
    }
    if (existing.is_dir())
      return fail(Errc::conflict, "'{}' is a file in {} but a directory in the image", slot.path,
                  m_installed[static_cast<size_t>(owner)].package.info.name);
    bool same = existing.kind == node.kind && !node.sha1.empty() && existing.sha1 == node.sha1;
    if (!same && !may_overwrite(existing.owner, owner)) {
      const auto& a = m_installed[static_cast<size_t>(existing.owner)].package.info;
      const auto& b = m_installed[static_cast<size_t>(owner)].package.info;
      return fail(Errc::conflict,
                  "file conflict: '/{}' is in both {}-{} (origin {}) and {}-{} (origin {}); neither "
                  "replaces the other",
                  slot.path, a.name, a.version, a.origin.empty() ? a.name : a.origin, b.name, b.version,
                  b.origin.empty() ? b.name : b.origin);
    }
    if (same) {
      paths.push_back(slot.path);  // identical content: the first copy stays, both list it
      return {};
    }
  }
  slot.dir->children[slot.name] = std::make_unique<Node>(std::move(node));
  paths.push_back(slot.path);
  return {};
}

Status Installer::install(ExtractedPackage extracted) {
  int owner = static_cast<int>(m_installed.size());
  m_installed.push_back(InstalledPackage{std::move(extracted.package), {}});
  std::vector<std::string> paths;
  paths.reserve(extracted.entries.size());
  const std::string& name = m_installed.back().package.info.name;
  for (const PayloadEntry& entry : extracted.entries)
    TRY_CTX(place(owner, entry, paths), "installing {}", name);
  m_installed.back().paths = std::move(paths);
  return {};
}

}  // namespace wisp::image
