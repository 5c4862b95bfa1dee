#include "image/debian_rootfs.h"

#include <algorithm>
#include <string_view>

#include "image/customize.h"

namespace wisp::image {
namespace {

constexpr uint32_t k_nonroot = 65532;
constexpr std::string_view k_status_dir = "var/lib/dpkg/status.d";

// The accounts Google's distroless ships: no shell for anyone, nonroot for unprivileged runs.
constexpr std::string_view k_passwd =
    "root:x:0:0:root:/root:/sbin/nologin\n"
    "nobody:x:65534:65534:nobody:/nonexistent:/sbin/nologin\n"
    "nonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin\n";

constexpr std::string_view k_group =
    "root:x:0:\n"
    "nobody:x:65534:\n"
    "tty:x:5:\n"
    "staff:x:50:\n"
    "nonroot:x:65532:\n";

// Local files only: an image has no NIS, LDAP or systemd daemons to ask.
constexpr std::string_view k_nsswitch =
    "passwd:         files\n"
    "group:          files\n"
    "shadow:         files\n"
    "gshadow:        files\n"
    "\n"
    "hosts:          files dns\n"
    "networks:       files\n"
    "\n"
    "protocols:      files\n"
    "services:       files\n"
    "ethers:         files\n"
    "rpc:            files\n";

Result<Node*> make_dir(Rootfs& rootfs, std::string_view path, uint32_t mode, int64_t mtime, uint32_t owner = 0) {
  Node tmpl;
  tmpl.mtime = mtime;
  TRY_ASSIGN(Node * node, rootfs.make_dirs(path, tmpl));
  node->mode = mode;
  node->uid = owner;
  node->gid = owner;
  node->mtime = mtime;
  return node;
}

// mkdir -p with 0755 root-owned directories, leaving existing ones as they are.
Status ensure_dir(Rootfs& rootfs, std::string_view path, int64_t mtime) {
  Node tmpl;
  tmpl.mtime = mtime;
  TRY(rootfs.make_dirs(path, tmpl));
  return {};
}

std::string with_newline(std::string text) {
  if (!text.empty() && text.back() != '\n') text += '\n';
  return text;
}

// The bytes of a certificate node: files directly, hardlinks through their target, symlinks
// followed.
Result<std::string> read_cert(const Rootfs& rootfs, const ContentStore& store, const std::string& path,
                              const Node& node) {
  if (node.kind == NodeKind::hardlink) return read_tree_file(rootfs, store, node.link_target);
  return read_tree_file(rootfs, store, path);
}

Status write_ca_bundle(Rootfs& rootfs, const ContentStore& store, int64_t mtime) {
  constexpr std::string_view source_dir = "usr/share/ca-certificates";
  const Node* dir = rootfs.find_following(source_dir);
  if (!dir || !dir->is_dir()) return {};
  std::vector<std::pair<std::string, const Node*>> certs;
  TRY(rootfs.walk([&](const std::string& path, const Node& node) -> Status {
    if (path.starts_with(source_dir) && path.size() > source_dir.size() && path[source_dir.size()] == '/' &&
        path.ends_with(".crt") && !node.is_dir())
      certs.emplace_back(path, &node);
    return {};
  }));
  if (certs.empty()) return {};
  // Whole paths, not the walk's per-directory order: "a.crt" sorts before "a/b.crt".
  std::sort(certs.begin(), certs.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  std::string bundle;
  for (const auto& [path, node] : certs) {
    auto text = read_cert(rootfs, store, path, *node);
    if (!text) {
      if (node->kind == NodeKind::symlink) continue;  // dangling: nothing to add
      return std::unexpected(text.error().wrap(fmt::format("CA certificate /{}", path)));
    }
    bundle += with_newline(std::move(*text));
  }
  TRY(ensure_dir(rootfs, "etc/ssl/certs", mtime));
  TRY_CTX(rootfs.put_file("etc/ssl/certs/ca-certificates.crt", std::move(bundle), 0644, mtime),
          "/etc/ssl/certs/ca-certificates.crt");
  return {};
}

Status link_os_release(Rootfs& rootfs, int64_t mtime) {
  const Node* lib = rootfs.find("usr/lib/os-release");
  if (!lib || rootfs.find("etc/os-release")) return {};
  Node link;
  link.kind = NodeKind::symlink;
  link.mode = 0777;
  link.mtime = mtime;
  link.link_target = "../usr/lib/os-release";
  Node parent;
  parent.mtime = mtime;
  TRY_CTX(rootfs.put("etc/os-release", std::move(link), &parent), "/etc/os-release");
  return {};
}

}  // namespace

Status write_debian_skeleton(Rootfs& rootfs, int64_t mtime) {
  rootfs.root().mode = 0755;
  rootfs.root().mtime = mtime;
  // Only directories base-files ships as real directories too (bookworm is not usr-merged), so
  // nothing here conflicts with a package.
  for (const char* d : {"etc", "home", "var", "var/lib", "var/lib/dpkg"}) TRY(make_dir(rootfs, d, 0755, mtime));
  TRY(make_dir(rootfs, k_status_dir, 0755, mtime));
  TRY(make_dir(rootfs, "tmp", 01777, mtime));
  TRY(make_dir(rootfs, "root", 0700, mtime));
  TRY(make_dir(rootfs, "home/nonroot", 0700, mtime, k_nonroot));
  TRY(rootfs.put_file("etc/passwd", std::string(k_passwd), 0644, mtime));
  TRY(rootfs.put_file("etc/group", std::string(k_group), 0644, mtime));
  TRY(rootfs.put_file("etc/nsswitch.conf", std::string(k_nsswitch), 0644, mtime));
  return {};
}

Status finish_debian_rootfs(Rootfs& rootfs, const ContentStore& store, const std::vector<DebMetadata>& packages,
                            int64_t mtime) {
  TRY_CTX(ensure_dir(rootfs, k_status_dir, mtime), "/{}", k_status_dir);
  std::vector<const DebMetadata*> sorted;
  sorted.reserve(packages.size());
  for (const DebMetadata& p : packages) sorted.push_back(&p);
  std::sort(sorted.begin(), sorted.end(), [](const DebMetadata* a, const DebMetadata* b) { return a->name < b->name; });
  for (const DebMetadata* p : sorted) {
    if (p->name.empty() || p->name.find('/') != std::string::npos || p->name.starts_with('.'))
      return fail(Errc::bad_format, "package name '{}' cannot name a status.d file", p->name);
    std::string base = std::string(k_status_dir) + "/" + p->name;
    TRY_CTX(rootfs.put_file(base, with_newline(p->control), 0644, mtime), "status.d entry of {}", p->name);
    if (!p->md5sums.empty())
      TRY_CTX(rootfs.put_file(base + ".md5sums", with_newline(p->md5sums), 0644, mtime), "md5sums of {}", p->name);
  }
  TRY(write_ca_bundle(rootfs, store, mtime));
  TRY(link_os_release(rootfs, mtime));
  return {};
}

}  // namespace wisp::image
