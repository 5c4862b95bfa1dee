#include "io/safe_path.h"

namespace wisp::io {

Result<std::string> clean_archive_path(std::string_view path) {
  if (path.empty()) return fail(Errc::bad_format, "empty archive path");
  if (path.find('\0') != std::string_view::npos)
    return fail(Errc::unsafe_path, "archive path contains a NUL byte");
  if (path.front() == '/') return fail(Errc::unsafe_path, "absolute archive path '{}'", path);
  const std::string_view original = path;
  std::string out;
  out.reserve(path.size());
  while (!path.empty()) {
    size_t slash = path.find('/');
    std::string_view part = path.substr(0, slash);
    path.remove_prefix(slash == std::string_view::npos ? path.size() : slash + 1);
    if (part.empty() || part == ".") continue;
    if (part == "..") return fail(Errc::unsafe_path, "archive path with '..': '{}'", original);
    if (!out.empty()) out += '/';
    out += part;
  }
  if (out.empty()) return std::string(".");
  return out;
}

Status SymlinkGuard::check(std::string_view path) const {
  for (size_t slash = path.find('/'); slash != std::string_view::npos;
       slash = path.find('/', slash + 1)) {
    std::string_view parent = path.substr(0, slash);
    if (m_symlinks.contains(parent))
      return fail(Errc::unsafe_path, "'{}' goes through the symlink '{}'", path, parent);
  }
  return {};
}

}  // namespace wisp::io
