#include "sbom/layer_tree.h"

#include <zstd.h>

#include <algorithm>
#include <memory>

#include "base/strings.h"
#include "io/gzip.h"
#include "io/safe_path.h"

namespace wisp::sbom {
namespace {

constexpr std::string_view k_whiteout = ".wh.";
constexpr std::string_view k_opaque = ".wh..wh..opq";

std::string parent_of(std::string_view path) {
  size_t slash = path.rfind('/');
  return slash == std::string_view::npos ? std::string() : std::string(path.substr(0, slash));
}

std::string join_path(std::string_view dir, std::string_view name) {
  return dir.empty() ? std::string(name) : std::string(dir) + "/" + std::string(name);
}

Result<std::string> unzstd(std::string_view blob, uint64_t max_output) {
  std::unique_ptr<ZSTD_DCtx, size_t (*)(ZSTD_DCtx*)> ctx(ZSTD_createDCtx(), ZSTD_freeDCtx);
  if (!ctx) return fail(Errc::internal, "zstd: cannot allocate a context");
  std::string out;
  std::string chunk(ZSTD_DStreamOutSize(), '\0');
  ZSTD_inBuffer in{blob.data(), blob.size(), 0};
  size_t last = 0;
  for (;;) {
    ZSTD_outBuffer o{chunk.data(), chunk.size(), 0};
    last = ZSTD_decompressStream(ctx.get(), &o, &in);
    if (ZSTD_isError(last)) return fail(Errc::bad_format, "zstd: {}", ZSTD_getErrorName(last));
    out.append(chunk.data(), o.pos);
    if (out.size() > max_output) return fail(Errc::too_large, "layer decompresses to more than {} bytes", max_output);
    // Done when all input is read and the decoder had nothing more to give.
    if (in.pos == in.size && o.pos < o.size) break;
  }
  if (last != 0) return fail(Errc::bad_format, "zstd: truncated frame");
  return out;
}

}  // namespace

Result<std::string> decompress_layer(std::string_view blob, uint64_t max_output) {
  if (blob.size() >= 2 && static_cast<unsigned char>(blob[0]) == 0x1f && static_cast<unsigned char>(blob[1]) == 0x8b) {
    io::GunzipLimits limits;
    limits.max_output = max_output;
    limits.max_members = 1u << 20;  // parallel compressors write many members
    return io::gunzip(blob, limits);
  }
  if (blob.size() >= 4 && blob.substr(0, 4) == std::string_view("\x28\xb5\x2f\xfd", 4)) return unzstd(blob, max_output);
  return std::string(blob);
}

bool LayerTree::wanted(std::string_view path) {
  return path.ends_with("os-release") || path.ends_with("apk/db/installed") || path.ends_with("dpkg/status") ||
         path.find("dpkg/status.d/") != std::string_view::npos ||
         (path.find("db/sbom/") != std::string_view::npos && path.ends_with(".spdx.json"));
}

void LayerTree::remove_below(const std::string& dir, int before_layer) {
  std::string prefix = dir.empty() ? std::string() : dir + "/";
  for (auto it = m_nodes.lower_bound(prefix); it != m_nodes.end() && it->first.starts_with(prefix);) {
    if (it->second.layer < before_layer) it = m_nodes.erase(it);
    else ++it;
  }
}

Status LayerTree::add_layer(std::string_view tar) {
  const int layer = m_layers++;
  io::TarReader reader(tar);
  for (;;) {
    TRY_ASSIGN(auto entry, reader.next());
    if (!entry) break;
    std::string_view raw = entry->path;
    while (raw.starts_with('/')) raw.remove_prefix(1);
    if (raw.empty()) continue;
    auto cleaned = io::clean_archive_path(raw);
    if (!cleaned || *cleaned == ".") continue;  // escapes the root, or the root itself
    const std::string& path = *cleaned;
    std::string dir = parent_of(path);
    std::string_view base = std::string_view(path).substr(dir.empty() ? 0 : dir.size() + 1);
    if (base == k_opaque) {
      remove_below(dir, layer);
      continue;
    }
    if (base.starts_with(k_whiteout)) {
      std::string victim = join_path(dir, base.substr(k_whiteout.size()));
      m_nodes.erase(victim);
      remove_below(victim, layer + 1);
      continue;
    }
    Node node;
    node.type = entry->type;
    node.layer = layer;
    if (entry->type == io::TarType::symlink) {
      node.link_target = entry->link_target;
    } else if (entry->type == io::TarType::hardlink) {
      // Another name for a file of this archive: take its bytes, if kept.
      auto target = io::clean_archive_path(entry->link_target);
      if (target) {
        auto it = m_nodes.find(*target);
        if (it != m_nodes.end() && it->second.type == io::TarType::file) node.content = it->second.content;
      }
      node.type = io::TarType::file;
    } else if (entry->type == io::TarType::file && wanted(path) && entry->size <= k_max_kept) {
      node.content = std::string(reader.content());
    }
    if (node.type != io::TarType::directory) remove_below(path, layer + 1);
    m_nodes[path] = std::move(node);
  }
  return {};
}

std::optional<std::string> LayerTree::resolve(std::string_view path) const {
  std::vector<std::string> pending;  // components still to walk, last first
  for (auto part : split(path, '/'))
    if (!part.empty() && part != ".") pending.emplace_back(part);
  std::reverse(pending.begin(), pending.end());
  std::string current;
  int hops = 0;
  while (!pending.empty()) {
    std::string part = std::move(pending.back());
    pending.pop_back();
    if (part == "..") {
      current = parent_of(current);
      continue;
    }
    std::string next = join_path(current, part);
    auto it = m_nodes.find(next);
    if (it == m_nodes.end() || it->second.type != io::TarType::symlink) {
      current = std::move(next);
      continue;
    }
    if (++hops > 40) return std::nullopt;
    std::string_view target = it->second.link_target;
    if (target.starts_with('/')) current.clear();
    for (auto piece = split(target, '/'); !piece.empty(); piece.pop_back())
      if (!piece.back().empty() && piece.back() != ".") pending.emplace_back(piece.back());
  }
  return current;
}

std::optional<std::string> LayerTree::read(std::string_view path) const {
  auto real = resolve(path);
  if (!real) return std::nullopt;
  auto it = m_nodes.find(*real);
  if (it == m_nodes.end() || it->second.type != io::TarType::file || !it->second.content) return std::nullopt;
  return it->second.content;
}

std::vector<std::string> LayerTree::list(std::string_view dir) const {
  std::vector<std::string> out;
  auto real = resolve(dir);
  if (!real) return out;
  std::string prefix = real->empty() ? std::string() : *real + "/";
  for (auto it = m_nodes.lower_bound(prefix); it != m_nodes.end() && it->first.starts_with(prefix); ++it) {
    std::string_view rest = std::string_view(it->first).substr(prefix.size());
    if (rest.empty() || rest.find('/') != std::string_view::npos) continue;
    if (it->second.type == io::TarType::file) out.emplace_back(rest);
  }
  return out;
}

}  // namespace wisp::sbom
