// Path checks for archive entries from untrusted sources: no absolute paths, no "..", no
// empty or NUL components, and no writes through symlinks laid down by earlier entries.
#pragma once

#include <set>
#include <string>
#include <string_view>

#include "base/result.h"

namespace wisp::io {

/// Normalises an archive path ("./a//b/" -> "a/b"): drops empty and "." components.
/// A path naming the root itself (".", "./", ".//.") returns ".". Errc::unsafe_path for
/// absolute paths, any ".." component (even "a/../b") or NUL bytes; Errc::bad_format for an
/// empty path.
Result<std::string> clean_archive_path(std::string_view path);

/// Tracks symlinks seen so far in an archive and refuses entries whose parent directory goes
/// through one of them (a classic symlink escape: "x -> /etc", then "x/passwd").
class SymlinkGuard {
 public:
  /// `path` must be clean. Errc::unsafe_path if any proper prefix of it (whole components:
  /// "a/b" for "a/b/c", not "a/bc") is a recorded symlink. Replacing the symlink itself is
  /// allowed. Conservative on purpose: a symlink to a harmless place blocks writes through it
  /// too, since where it points may change later in the archive.
  Status check(std::string_view path) const;
  void add_symlink(std::string_view path) { m_symlinks.emplace(path); }

 private:
  std::set<std::string, std::less<>> m_symlinks;
};

}  // namespace wisp::io
