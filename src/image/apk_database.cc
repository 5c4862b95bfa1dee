#include "image/apk_database.h"

#include <fmt/format.h>

#include <algorithm>
#include <set>

#include "base/encoding.h"
#include "io/tar.h"
#include "pkg/apk/package_info.h"

namespace wisp::image {
namespace {

Node dir_node(uint32_t mode, int64_t mtime) {
  Node n;
  n.kind = NodeKind::directory;
  n.mode = mode;
  n.mtime = mtime;
  return n;
}

Status make_dir(Rootfs& rootfs, std::string_view path, uint32_t mode, int64_t mtime) {
  Node tmpl = dir_node(0755, mtime);
  TRY_ASSIGN(Node * node, rootfs.make_dirs(path, tmpl));
  node->mode = mode;
  return {};
}

std::string parent_of(std::string_view path) {
  size_t slash = path.rfind('/');
  return slash == std::string_view::npos ? std::string() : std::string(path.substr(0, slash));
}

std::string base_of(std::string_view path) {
  size_t slash = path.rfind('/');
  return std::string(slash == std::string_view::npos ? path : path.substr(slash + 1));
}

std::string q1(std::string_view raw_sha1) { return "Q1" + base64_encode(raw_sha1); }

void format_block(std::string& out, const Rootfs& rootfs, const InstalledPackage& pkg, int owner) {
  out += pkg::apk::format_index_block(pkg.package.info, pkg::apk::IndexBlockKind::installed_db);
  // Directories in the order the package first touches them, each followed by its files.
  std::vector<std::string> dirs;
  std::map<std::string, std::vector<std::string>> files;
  std::set<std::string> seen_dirs;
  auto note_dir = [&](const std::string& d) {
    if (seen_dirs.insert(d).second) dirs.push_back(d);
  };
  for (const std::string& path : pkg.paths) {
    const Node* node = rootfs.find(path);
    if (!node) continue;
    if (node->is_dir()) {
      note_dir(path);
      continue;
    }
    if (node->owner != owner) continue;  // a later package took it over
    std::string dir = parent_of(path);
    note_dir(dir);
    files[dir].push_back(path);
  }
  for (const std::string& dir : dirs) {
    out += fmt::format("F:{}\n", dir);
    if (const Node* d = rootfs.find(dir); d && (d->uid != 0 || d->gid != 0 || d->mode != 0755))
      out += fmt::format("M:{}:{}:{:o}\n", d->uid, d->gid, d->mode);
    for (const std::string& path : files[dir]) {
      const Node* f = rootfs.find(path);
      out += fmt::format("R:{}\n", base_of(path));
      uint32_t mode = f->kind == NodeKind::symlink ? 0777 : f->mode;
      if (f->uid != 0 || f->gid != 0 || mode != 0644) out += fmt::format("a:{}:{}:{:o}\n", f->uid, f->gid, mode);
      if (!f->sha1.empty()) out += fmt::format("Z:{}\n", q1(f->sha1));
    }
  }
  out += '\n';
}

std::string scripts_tar(const std::vector<InstalledPackage>& installed, int64_t mtime) {
  std::string out;
  io::StringSink sink(out);
  io::TarWriter writer(sink);
  for (const InstalledPackage& p : installed) {
    for (const auto& [name, text] : p.package.scripts) {
      if (!pkg::apk::is_known_script_name(name)) continue;
      io::TarEntry e;
      e.path = fmt::format("{}-{}.{}{}", p.package.info.name, p.package.info.version,
                           p.package.info.checksum, name);
      e.mode = 0755;
      e.mtime = mtime;
      e.size = text.size();
      (void)writer.add(e, text);  // names and sizes are well-formed by construction
    }
  }
  (void)writer.finish();
  return out;
}

}  // namespace

Status write_skeleton(Rootfs& rootfs, int64_t mtime) {
  for (const char* d : {"dev", "etc", "etc/apk", "etc/apk/keys", "opt", "usr", "usr/lib", "usr/lib/apk",
                        "usr/lib/apk/db", "usr/lib/apk/exec", "var", "var/cache", "var/cache/apk",
                        "var/cache/misc"})
    TRY(make_dir(rootfs, d, 0755, mtime));
  TRY(make_dir(rootfs, "tmp", 01777, mtime));
  TRY(make_dir(rootfs, "proc", 0555, mtime));
  struct Dev {
    const char* path;
    uint32_t major, minor, mode;
  };
  for (const Dev& d : {Dev{"dev/console", 5, 1, 0620}, Dev{"dev/null", 1, 3, 0666}, Dev{"dev/zero", 1, 5, 0666},
                       Dev{"dev/random", 1, 8, 0666}, Dev{"dev/urandom", 1, 9, 0666}}) {
    Node n;
    n.kind = NodeKind::chardev;
    n.devmajor = d.major;
    n.devminor = d.minor;
    n.mode = d.mode;
    n.mtime = mtime;
    TRY(rootfs.put(d.path, std::move(n)));
  }
  TRY(rootfs.put_file("usr/lib/apk/db/lock", "", 0600, mtime));
  return {};
}

std::string format_installed_db(const Rootfs& rootfs, const std::vector<InstalledPackage>& installed) {
  std::string out;
  for (size_t i = 0; i < installed.size(); ++i) format_block(out, rootfs, installed[i], static_cast<int>(i));
  return out;
}

std::string format_installed_db(const Rootfs& rootfs, const std::vector<InstalledPackage>& installed,
                                const std::vector<int>& owners) {
  std::string out;
  for (int i : owners) format_block(out, rootfs, installed[static_cast<size_t>(i)], i);
  return out;
}

Status write_apk_database(Rootfs& rootfs, const std::vector<InstalledPackage>& installed,
                          const ApkDatabaseInput& input) {
  const int64_t t = input.mtime;
  TRY(rootfs.put_file("usr/lib/apk/db/installed", format_installed_db(rootfs, installed), 0644, t));
  TRY(rootfs.put_file("usr/lib/apk/db/scripts.tar", scripts_tar(installed, t), 0644, t));
  std::string triggers;
  for (const InstalledPackage& p : installed) {
    if (p.package.info.triggers.empty()) continue;
    triggers += p.package.info.checksum;
    for (const std::string& glob : p.package.info.triggers) triggers += " " + glob;
    triggers += '\n';
  }
  TRY(rootfs.put_file("usr/lib/apk/db/triggers", triggers, 0644, t));

  // apk-tools looks in lib/apk/db: link it unless /lib already leads to usr/lib.
  const Node* lib = rootfs.find("lib");
  bool lib_is_usr_lib = lib && lib->kind == NodeKind::symlink &&
                        (lib->link_target == "usr/lib" || lib->link_target == "/usr/lib");
  if (!lib_is_usr_lib && !rootfs.find("lib/apk")) {
    TRY(make_dir(rootfs, "lib", 0755, t));
    Node link;
    link.kind = NodeKind::symlink;
    link.mode = 0777;
    link.link_target = "../usr/lib/apk";
    link.mtime = t;
    TRY(rootfs.put("lib/apk", std::move(link)));
  }

  std::vector<std::string> world = input.world;
  std::sort(world.begin(), world.end());
  world.erase(std::unique(world.begin(), world.end()), world.end());
  std::string world_text;
  for (const std::string& w : world) world_text += w + "\n";
  TRY(rootfs.put_file("etc/apk/world", world_text, 0644, t));
  std::string repos_text;
  std::set<std::string> seen;
  for (const std::string& r : input.repositories)
    if (seen.insert(r).second) repos_text += r + "\n";
  TRY(rootfs.put_file("etc/apk/repositories", repos_text, 0644, t));
  TRY(rootfs.put_file("etc/apk/arch", input.arch + "\n", 0644, t));
  for (const auto& key : input.keys) TRY(rootfs.put_file("etc/apk/keys/" + key.name, key.content, 0644, t));
  return {};
}

}  // namespace wisp::image
