// Debian binary packages (.deb): an `ar` archive of "debian-binary" ("2.0\n"), then
// "control.tar[.gz|.xz|.zst]", then "data.tar[.gz|.xz|.zst]" (debian-and-runtime.md §3).
//
// Reading is split so the expensive step can be cached: open_deb() checks the container and
// reads the (small) control tar; decompress_data() inflates the data member; read_data_tar()
// walks a decompressed data tar. Paths are refused when unsafe (absolute, "..", or through a
// symlink the package itself made), and sizes and entry counts are bounded.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>

#include "base/result.h"
#include "io/tar.h"

namespace wisp::pkg::deb {

struct DebLimits {
  uint64_t max_control = uint64_t{64} << 20;  // decompressed control tar
  uint64_t max_data = uint64_t{4} << 30;      // decompressed data tar
  size_t max_entries = 1'000'000;
};

struct DebControl {
  std::string control;    // the `control` member (required)
  std::string md5sums;    // "" when absent
  std::string conffiles;  // "" when absent
  /// Every other regular file of the control tar by name: "postinst", "triggers", "shlibs", ...
  std::map<std::string, std::string> other;
};

struct DebArchive {
  DebControl control;
  std::string data_member;  // "data.tar.xz"
  std::string_view data;    // the compressed data member (a view into the input)
};

/// Errc::bad_format for a wrong member order or name, a debian-binary other than "2.x", a
/// control tar without `control`, non-file entries in the control tar that are not "./";
/// Errc::unsupported for an unknown compression (bzip2, lzma); Errc::too_large past limits.
Result<DebArchive> open_deb(std::string_view bytes, const DebLimits& limits = {});
/// DebArchive::data would dangle: keep the bytes in a variable that outlives the archive.
Result<DebArchive> open_deb(std::string&& bytes, const DebLimits& limits = {}) = delete;

/// The decompressed data tar.
Result<std::string> decompress_data(const DebArchive& deb, const DebLimits& limits = {});

struct DebEntry {
  std::string path;  // clean and relative, without "./" or a trailing '/' ("usr/bin/x"); "" = root
  io::TarType type = io::TarType::file;
  uint32_t mode = 0644;
  uint32_t uid = 0;
  uint32_t gid = 0;
  std::string uname;
  std::string gname;
  int64_t mtime = 0;
  uint64_t size = 0;
  std::string link_target;  // symlink: as stored; hardlink: the clean relative path of the target
  uint32_t devmajor = 0;
  uint32_t devminor = 0;
};

using DebEntryFn = std::function<Status(const DebEntry& entry, std::string_view content)>;

/// Calls `fn` for every entry of a data tar in order, the root entry ("./") skipped.
/// Errc::unsafe_path for an absolute path, "..", a hardlink to a path not seen before;
/// Errc::bad_format for a malformed tar; Errc::too_large past limits.max_entries.
Status read_data_tar(std::string_view tar, const DebEntryFn& fn, const DebLimits& limits = {});

}  // namespace wisp::pkg::deb
