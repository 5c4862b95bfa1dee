#include "image/customize.h"

#include <fmt/format.h>

#include <set>

#include "base/digest.h"
#include "base/log.h"
#include "base/strings.h"

namespace wisp::image {
namespace {

class StringOut final : public io::Sink {
 public:
  explicit StringOut(std::string& s) : m_s(s) {}
  Status write(std::string_view b) override {
    m_s.append(b);
    return {};
  }

 private:
  std::string& m_s;
};

// Replaces a file's content (keeping its metadata and owner), or creates it.
Status set_file(Rootfs& rootfs, std::string_view path, std::string data, uint32_t mode, int64_t mtime) {
  if (Node* node = rootfs.find_following(path); node && node->kind == NodeKind::file) {
    node->size = data.size();
    node->sha1 = sha1(data);
    node->stored.reset();
    node->data = std::move(data);
    return {};
  }
  TRY_ASSIGN(Node * node, rootfs.put_file(path, std::move(data), mode, mtime));
  node->sha1 = sha1(node->data);
  return {};
}

// Names in a passwd/group file (first field of each line).
std::set<std::string> names_in(std::string_view text) {
  std::set<std::string> out;
  for (std::string_view line : split(text, '\n')) {
    size_t colon = line.find(':');
    if (colon != std::string_view::npos && colon > 0) out.emplace(line.substr(0, colon));
  }
  return out;
}

std::string with_newline(std::string text) {
  if (!text.empty() && text.back() != '\n') text += '\n';
  return text;
}

Status chown_chmod(Node& node, const build::PathMutation& m, bool set_mode) {
  if (m.uid || m.gid) {
    node.uid = m.uid.value_or(0);
    node.gid = m.gid.value_or(0);
  }
  if (set_mode && m.permissions) node.mode = *m.permissions;
  if (m.recursive && node.is_dir())
    for (auto& [name, child] : node.children) TRY(chown_chmod(*child, m, set_mode));
  return {};
}

}  // namespace

Result<std::string> read_tree_file(const Rootfs& rootfs, const ContentStore& store, std::string_view path) {
  const Node* node = const_cast<Rootfs&>(rootfs).find_following(path);
  if (!node || node->kind != NodeKind::file) return fail(Errc::not_found, "/{} is not a file in the image", path);
  if (!node->stored) return node->data;
  std::string out;
  StringOut sink(out);
  TRY(store.read(*node->stored, sink));
  return out;
}

Status apply_accounts(Rootfs& rootfs, const ContentStore& store, const build::Accounts& accounts,
                      int64_t mtime) {
  if (accounts.groups.empty() && accounts.users.empty()) return {};
  std::string group = with_newline(read_tree_file(rootfs, store, "etc/group").value_or(""));
  std::set<std::string> group_names = names_in(group);
  for (const build::Group& g : accounts.groups) {
    if (group_names.count(g.groupname)) continue;
    group += fmt::format("{}:x:{}:{}\n", g.groupname, g.gid, join(g.members, ","));
  }
  std::string passwd = with_newline(read_tree_file(rootfs, store, "etc/passwd").value_or(""));
  std::string shadow = with_newline(read_tree_file(rootfs, store, "etc/shadow").value_or(""));
  std::set<std::string> user_names = names_in(passwd);
  std::set<std::string> shadow_names = names_in(shadow);
  for (const build::User& u : accounts.users) {
    if (!user_names.count(u.username))
      passwd += fmt::format("{}:x:{}:{}:Account created by wisp:{}:{}\n", u.username, u.uid, u.primary_gid(),
                            u.homedir, u.login_shell());
    if (!shadow_names.count(u.username)) shadow += fmt::format("{}:!:::::::\n", u.username);
    if (!u.homedir.empty() && !rootfs.find_following(u.homedir)) {
      Node parent;
      parent.mtime = mtime;
      TRY_ASSIGN(Node * home, rootfs.make_dirs(u.homedir, parent));
      home->mode = 0700;
      home->uid = u.uid;
      home->gid = u.primary_gid();
    }
  }
  TRY(set_file(rootfs, "etc/group", group, 0644, mtime));
  TRY(set_file(rootfs, "etc/passwd", passwd, 0644, mtime));
  TRY(set_file(rootfs, "etc/shadow", shadow, 0640, mtime));
  return {};
}

Status apply_paths(Rootfs& rootfs, const std::vector<build::PathMutation>& paths, int64_t mtime) {
  for (const build::PathMutation& m : paths) {
    std::string path(trim(m.path));
    while (path.starts_with('/')) path.erase(0, 1);
    auto where = [&] { return fmt::format("{}: paths entry '{}' ({})", m.loc.str(), m.path, build::path_type_name(m.type)); };
    Node tmpl;
    tmpl.mtime = mtime;
    Node* node = nullptr;
    switch (m.type) {
      case build::PathType::directory: {
        TRY_ASSIGN_CTX(node, rootfs.make_dirs(path, tmpl), "{}", where());
        node->mode = m.permissions.value_or(0755);
        break;
      }
      case build::PathType::empty_file: {
        TRY_ASSIGN_CTX(node, rootfs.put_file(path, "", m.permissions.value_or(0644), mtime), "{}", where());
        node->sha1 = sha1("");
        break;
      }
      case build::PathType::symlink: {
        Node link;
        link.kind = NodeKind::symlink;
        link.mode = 0777;
        link.link_target = m.source;
        link.sha1 = sha1(m.source);
        link.mtime = mtime;
        TRY_ASSIGN_CTX(node, rootfs.put(path, std::move(link), &tmpl), "{}", where());
        break;
      }
      case build::PathType::hardlink: {
        std::string source(m.source);
        while (source.starts_with('/')) source.erase(0, 1);
        auto target = rootfs.slot(source);
        const Node* file = rootfs.find(source);
        if (!target || !file || file->kind != NodeKind::file)
          return fail(Errc::usage, "{}: source '{}' is not a file in the image", where(), m.source);
        Node link;  // another name of the file: its metadata, no content of its own
        link.kind = NodeKind::hardlink;
        link.mode = file->mode;
        link.uid = file->uid;
        link.gid = file->gid;
        link.mtime = file->mtime;
        link.sha1 = file->sha1;
        link.link_target = target->path;
        TRY_ASSIGN_CTX(node, rootfs.put(path, std::move(link), &tmpl), "{}", where());
        break;
      }
      case build::PathType::permissions: {
        node = rootfs.find_following(path);
        if (!node) return fail(Errc::usage, "{}: '/{}' does not exist in the image", where(), path);
        break;
      }
    }
    TRY(chown_chmod(*node, m, m.type == build::PathType::permissions || m.type == build::PathType::directory));
  }
  return {};
}

Status apply_certificates(Rootfs& rootfs, const ContentStore& store, const build::Certificates& certificates,
                          int64_t mtime) {
  if (certificates.additional.empty()) return {};
  constexpr std::string_view bundle = "etc/ssl/certs/ca-certificates.crt";
  std::string text = with_newline(read_tree_file(rootfs, store, bundle).value_or(""));
  for (const build::NamedContent& cert : certificates.additional) text += with_newline(cert.content);
  return set_file(rootfs, bundle, std::move(text), 0644, mtime);
}

Result<size_t> link_busybox_applets(Rootfs& rootfs, const ContentStore& store,
                                    const std::vector<InstalledPackage>& installed) {
  const Node* busybox = rootfs.find_following("bin/busybox");
  if (!busybox || busybox->kind != NodeKind::file) return size_t{0};
  size_t made = 0;
  for (const InstalledPackage& p : installed) {
    auto list = read_tree_file(rootfs, store, "etc/busybox-paths.d/" + p.package.info.name);
    if (!list) continue;
    for (std::string_view line : split(*list, '\n')) {
      std::string path(trim(line));
      while (path.starts_with('/')) path.erase(0, 1);
      if (path.empty() || path.starts_with('#') || rootfs.find(path)) continue;
      Node link;
      link.kind = NodeKind::symlink;
      link.mode = 0777;
      link.link_target = "/bin/busybox";
      link.sha1 = sha1(link.link_target);
      link.mtime = busybox->mtime;
      Node parent;
      parent.mtime = busybox->mtime;
      TRY_CTX(rootfs.put(path, std::move(link), &parent), "busybox applet {}", path);
      ++made;
    }
  }
  return made;
}

Result<std::string> resolve_run_as(const Rootfs& rootfs, const ContentStore& store, const std::string& run_as) {
  if (run_as.empty()) return std::string();
  std::string user = run_as;
  std::string group;
  if (size_t colon = run_as.find(':'); colon != std::string::npos) {
    user = run_as.substr(0, colon);
    group = run_as.substr(colon);
  }
  if (parse_u64(user)) return run_as;
  std::string passwd = read_tree_file(rootfs, store, "etc/passwd").value_or("");
  for (std::string_view line : split(passwd, '\n')) {
    std::vector<std::string_view> f = split(line, ':');
    if (f.size() >= 3 && f[0] == user && parse_u64(f[2])) return std::string(f[2]) + group;
  }
  return fail(Errc::usage, "run-as user '{}' is not in the image's /etc/passwd", user);
}

}  // namespace wisp::image
