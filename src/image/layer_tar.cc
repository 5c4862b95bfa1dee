#include "image/layer_tar.h"

#include <map>

#include "base/strings.h"
#include "image/customize.h"
#include "io/tar.h"

namespace wisp::image {
namespace {

std::map<uint32_t, std::string> id_names(const std::string& text) {
  std::map<uint32_t, std::string> out;
  for (std::string_view line : split(text, '\n')) {
    std::vector<std::string_view> f = split(line, ':');
    if (f.size() < 3) continue;
    if (auto id = parse_u64(f[2]); id && *id <= UINT32_MAX) out.emplace(static_cast<uint32_t>(*id), std::string(f[0]));
  }
  return out;
}

io::TarType tar_type(NodeKind kind) {
  switch (kind) {
    case NodeKind::directory: return io::TarType::directory;
    case NodeKind::symlink: return io::TarType::symlink;
    case NodeKind::hardlink: return io::TarType::hardlink;
    case NodeKind::chardev: return io::TarType::chardev;
    case NodeKind::blockdev: return io::TarType::blockdev;
    case NodeKind::fifo: return io::TarType::fifo;
    case NodeKind::file: break;
  }
  return io::TarType::file;
}

class TarContent final : public io::Sink {
 public:
  explicit TarContent(io::TarWriter& writer) : m_writer(writer) {}
  Status write(std::string_view chunk) override { return m_writer.write_content(chunk); }

 private:
  io::TarWriter& m_writer;
};

}  // namespace

Status write_layer_tar(const Rootfs& rootfs, const ContentStore& store, io::Sink& out, const LayerView& view) {
  // The first entry of each id wins, as getpwuid would answer.
  auto users = id_names(read_tree_file(rootfs, store, "etc/passwd").value_or(""));
  auto groups = id_names(read_tree_file(rootfs, store, "etc/group").value_or(""));
  io::TarWriter writer(out);
  auto emit = [&](const std::string& path, const Node& node) -> Status {
    if (view.include && !view.include(path, node)) return {};
    io::TarEntry e;
    e.path = path;
    e.type = tar_type(node.kind);
    e.mode = node.mode & 07777;
    e.uid = node.uid;
    e.gid = node.gid;
    if (auto it = users.find(node.uid); it != users.end()) e.uname = it->second;
    if (auto it = groups.find(node.gid); it != groups.end()) e.gname = it->second;
    e.mtime = node.mtime;
    if (auto it = view.mtimes.find(path); it != view.mtimes.end()) e.mtime = it->second;
    e.link_target = node.link_target;
    e.devmajor = node.devmajor;
    e.devminor = node.devminor;
    for (const auto& [key, value] : node.xattrs) e.pax["SCHILY.xattr." + key] = value;
    if (node.kind != NodeKind::file) return writer.add(e);
    if (auto it = view.contents.find(path); it != view.contents.end()) {
      e.size = it->second.size();
      return writer.add(e, it->second);
    }
    e.size = node.size;
    if (!node.stored) return writer.add(e, node.data);
    // Package payloads stream from the spool: a 1 GB file never sits in memory.
    TRY(writer.add_header(e));
    TarContent content(writer);
    TRY(store.read(*node.stored, content));
    return writer.end_content();
  };
  TRY(rootfs.walk(emit));
  return writer.finish();
}

}  // namespace wisp::image
