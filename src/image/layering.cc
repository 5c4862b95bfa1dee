#include "image/layering.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <numeric>
#include <set>

#include "image/apk_database.h"
#include "pkg/apk/dependency.h"

namespace wisp::image {
namespace {

// Union-find over package indexes.
struct Groups {
  std::vector<int> parent;
  explicit Groups(size_t n) : parent(n) { std::iota(parent.begin(), parent.end(), 0); }
  int find(int x) { return parent[static_cast<size_t>(x)] == x ? x : parent[static_cast<size_t>(x)] = find(parent[static_cast<size_t>(x)]); }
  void merge(int a, int b) {
    a = find(a);
    b = find(b);
    if (a != b) parent[static_cast<size_t>(std::max(a, b))] = std::min(a, b);
  }
};

std::string parent_dir(const std::string& path) {
  size_t slash = path.rfind('/');
  return slash == std::string::npos ? std::string() : path.substr(0, slash);
}

}  // namespace

std::vector<PlannedLayer> plan_origin_layers(const std::vector<InstalledPackage>& installed, int64_t budget) {
  const size_t n = installed.size();
  Groups groups(n);
  std::map<std::string, int> by_origin, by_name;
  for (size_t i = 0; i < n; ++i) {
    const auto& info = installed[i].package.info;
    by_name.emplace(info.name, static_cast<int>(i));
    std::string origin = info.origin.empty() ? info.name : info.origin;
    auto [it, fresh] = by_origin.emplace(origin, static_cast<int>(i));
    if (!fresh) groups.merge(it->second, static_cast<int>(i));
  }
  for (size_t i = 0; i < n; ++i) {
    for (const std::string& atom : installed[i].package.info.replaces) {
      auto dep = pkg::apk::parse_dependency(atom);
      auto it = by_name.find(dep ? dep->name : atom);
      if (it != by_name.end()) groups.merge(static_cast<int>(i), it->second);
    }
  }
  struct Group {
    std::vector<int> members;
    uint64_t size = 0;
    std::string key;  // the first member's origin, for stable ties and comments
  };
  std::map<int, Group> merged;
  for (size_t i = 0; i < n; ++i) {
    Group& g = merged[groups.find(static_cast<int>(i))];
    g.members.push_back(static_cast<int>(i));
    g.size += installed[i].package.info.installed_size;
    if (g.key.empty()) {
      const auto& info = installed[i].package.info;
      g.key = info.origin.empty() ? info.name : info.origin;
    }
  }
  std::vector<Group> ordered;
  for (auto& [root, g] : merged) ordered.push_back(std::move(g));
  std::sort(ordered.begin(), ordered.end(),
            [](const Group& a, const Group& b) { return a.size != b.size ? a.size > b.size : a.key < b.key; });

  std::vector<PlannedLayer> out;
  const size_t own = std::min<size_t>(ordered.size(), static_cast<size_t>(std::max<int64_t>(budget - 1, 0)));
  for (size_t i = 0; i < own; ++i)
    out.push_back({ordered[i].members, fmt::format("origin {} ({} package{})", ordered[i].key,
                                                   ordered[i].members.size(), ordered[i].members.size() == 1 ? "" : "s")});
  if (own < ordered.size()) {
    PlannedLayer overflow;
    for (size_t i = own; i < ordered.size(); ++i)
      overflow.owners.insert(overflow.owners.end(), ordered[i].members.begin(), ordered[i].members.end());
    std::sort(overflow.owners.begin(), overflow.owners.end());
    overflow.comment = fmt::format("{} more package{}", overflow.owners.size(), overflow.owners.size() == 1 ? "" : "s");
    out.push_back(std::move(overflow));
  }
  out.push_back({{}, "image files (apk database, accounts, paths, directories)"});
  return out;
}

LayerView layer_view(const Assembled& image, const PlannedLayer& layer) {
  LayerView view;
  if (layer.owners.empty()) {
    // The final layer: everything no package owns, and every directory with its real metadata.
    view.include = [](const std::string&, const Node& node) { return node.owner < 0 || node.is_dir(); };
    return view;
  }
  std::set<int> owners(layer.owners.begin(), layer.owners.end());
  // Parents of the layer's files, each with the newest mtime below it in this layer.
  std::map<std::string, int64_t> dirs;
  (void)image.rootfs.walk([&](const std::string& path, const Node& node) -> Status {
    if (node.is_dir() || !owners.count(node.owner)) return {};
    for (std::string d = parent_dir(path); !d.empty(); d = parent_dir(d)) {
      auto [it, fresh] = dirs.emplace(d, node.mtime);
      if (!fresh) it->second = std::max(it->second, node.mtime);
    }
    return {};
  });
  // The layer's slice of the installed database, at the path the final layer completes. Its
  // time is the newest build of its packages, not the image's, so the layer stays the same
  // bytes in every image that has the same packages.
  const std::string db = "usr/lib/apk/db/installed";
  if (image.rootfs.find(db)) {
    view.contents[db] = format_installed_db(image.rootfs, image.installed, layer.owners);
    int64_t newest = 0;
    for (int owner : layer.owners)
      newest = std::max(newest, image.installed[static_cast<size_t>(owner)].package.info.build_time.value_or(0));
    view.mtimes[db] = newest;
    for (std::string d = parent_dir(db); !d.empty(); d = parent_dir(d)) {
      auto [it, fresh] = dirs.emplace(d, newest);
      if (!fresh) it->second = std::max(it->second, newest);
    }
  }
  for (const auto& [dir, mtime] : dirs) view.mtimes[dir] = mtime;
  view.include = [owners = std::move(owners), dirs, db](const std::string& path, const Node& node) {
    if (node.is_dir()) return dirs.count(path) > 0;
    return owners.count(node.owner) > 0 || path == db;
  };
  return view;
}

}  // namespace wisp::image
