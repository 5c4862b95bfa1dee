#include "image/rootfs.h"

#include <deque>
#include <vector>

#include "base/strings.h"

namespace wisp::image {
namespace {

constexpr int k_max_symlink_hops = 40;  // as Linux's MAXSYMLINKS

std::deque<std::string> components(std::string_view path) {
  std::deque<std::string> out;
  for (std::string_view part : split(path, '/'))
    if (!part.empty() && part != ".") out.emplace_back(part);
  return out;
}

// A directory chain from the root; names[i] is the name of chain[i + 1] in chain[i].
struct Walker {
  std::vector<Node*> chain;
  std::vector<std::string> names;
  int hops = 0;

  std::string path() const { return join(names, "/"); }
  Node* here() const { return chain.back(); }

  void to_root() {
    chain.resize(1);
    names.clear();
  }
  void up() {
    if (chain.size() > 1) {
      chain.pop_back();
      names.pop_back();
    }
  }
};

// Walks `todo` (consumed) from w's position, following every symlink met. With `make` missing
// directories are created from `dir_template`.
Status descend(Walker& w, std::deque<std::string> todo, bool make, const Node* dir_template) {
  while (!todo.empty()) {
    std::string name = std::move(todo.front());
    todo.pop_front();
    if (name == "..") {
      w.up();
      continue;
    }
    Node* dir = w.here();
    if (!dir->is_dir()) return fail(Errc::bad_format, "'{}' is not a directory", w.path());
    auto it = dir->children.find(name);
    if (it == dir->children.end()) {
      if (!make) {
        std::string missing = w.names.empty() ? name : w.path() + "/" + name;
        return fail(Errc::not_found, "'{}' does not exist", missing);
      }
      auto node = std::make_unique<Node>();
      if (dir_template) {
        node->mode = dir_template->mode;
        node->uid = dir_template->uid;
        node->gid = dir_template->gid;
        node->mtime = dir_template->mtime;
      }
      it = dir->children.emplace(name, std::move(node)).first;
    }
    Node* child = it->second.get();
    if (child->kind == NodeKind::symlink) {
      if (++w.hops > k_max_symlink_hops)
        return fail(Errc::unsafe_path, "too many levels of symbolic links at '{}'", w.path());
      std::deque<std::string> target = components(child->link_target);
      if (child->link_target.starts_with('/')) w.to_root();
      for (auto rit = target.rbegin(); rit != target.rend(); ++rit) todo.push_front(*rit);
      continue;
    }
    w.chain.push_back(child);
    w.names.push_back(name);
  }
  return {};
}

}  // namespace

Rootfs::Rootfs() : m_root(std::make_unique<Node>()) {}

Result<Slot> Rootfs::slot(std::string_view path, bool create_parents, const Node* parent_template) {
  std::deque<std::string> parts = components(path);
  if (parts.empty()) return fail(Errc::usage, "the root has no parent");
  std::string leaf = std::move(parts.back());
  parts.pop_back();
  if (leaf == "..") return fail(Errc::unsafe_path, "path '{}' ends in '..'", path);
  Walker w;
  w.chain.push_back(m_root.get());
  TRY_CTX(descend(w, std::move(parts), create_parents, parent_template), "{}", path);
  if (!w.here()->is_dir()) return fail(Errc::bad_format, "{}: '{}' is not a directory", path, w.path());
  std::string canonical = w.names.empty() ? leaf : w.path() + "/" + leaf;
  return Slot{w.here(), std::move(leaf), std::move(canonical)};
}

Node* Rootfs::find(std::string_view path) {
  if (components(path).empty()) return m_root.get();
  auto s = slot(path);
  if (!s) return nullptr;
  auto it = s->dir->children.find(s->name);
  return it == s->dir->children.end() ? nullptr : it->second.get();
}

const Node* Rootfs::find(std::string_view path) const { return const_cast<Rootfs*>(this)->find(path); }

Node* Rootfs::find_following(std::string_view path) {
  Walker w;
  w.chain.push_back(m_root.get());
  if (!descend(w, components(path), false, nullptr)) return nullptr;
  return w.here();
}

Result<Node*> Rootfs::put(std::string_view path, Node node, const Node* parent_template) {
  TRY_ASSIGN(Slot s, slot(path, true, parent_template));
  auto& place = s.dir->children[s.name];
  if (place && place->is_dir() && node.is_dir()) {
    node.children = std::move(place->children);
  }
  place = std::make_unique<Node>(std::move(node));
  return place.get();
}

Result<Node*> Rootfs::make_dirs(std::string_view path, const Node& dir_template) {
  Walker w;
  w.chain.push_back(m_root.get());
  TRY_CTX(descend(w, components(path), true, &dir_template), "{}", path);
  if (!w.here()->is_dir()) return fail(Errc::bad_format, "'{}' is not a directory", path);
  return w.here();
}

Result<Node*> Rootfs::put_file(std::string_view path, std::string data, uint32_t mode, int64_t mtime,
                               uint32_t uid, uint32_t gid) {
  Node node;
  node.kind = NodeKind::file;
  node.mode = mode;
  node.mtime = mtime;
  node.uid = uid;
  node.gid = gid;
  node.size = data.size();
  node.data = std::move(data);
  Node parent;
  parent.mtime = mtime;
  return put(path, std::move(node), &parent);
}

bool Rootfs::remove(std::string_view path) {
  auto s = slot(path);
  if (!s) return false;
  return s->dir->children.erase(s->name) > 0;
}

namespace {

Status walk_node(const Node& dir, std::string& prefix,
                 const std::function<Status(const std::string&, const Node&)>& fn) {
  for (const auto& [name, child] : dir.children) {
    size_t keep = prefix.size();
    if (!prefix.empty()) prefix += '/';
    prefix += name;
    TRY(fn(prefix, *child));
    if (child->is_dir()) TRY(walk_node(*child, prefix, fn));
    prefix.resize(keep);
  }
  return {};
}

size_t count(const Node& dir) {
  size_t n = dir.children.size();
  for (const auto& [name, child] : dir.children)
    if (child->is_dir()) n += count(*child);
  return n;
}

}  // namespace

Status Rootfs::walk(const std::function<Status(const std::string& path, const Node& node)>& fn) const {
  std::string prefix;
  return walk_node(*m_root, prefix, fn);
}

size_t Rootfs::size() const { return count(*m_root); }

}  // namespace wisp::image
