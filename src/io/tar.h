// tar (POSIX ustar + PAX extended headers; GNU long-name entries are read too).
// The writer is deterministic: it writes exactly the fields it is given, so callers control
// mtimes and ownership. The reader checks checksums, refuses truncation and enforces limits;
// it does not judge paths (see io/safe_path.h), because policies differ by caller.
//
// Directories: the writer stores directory names with a trailing '/' (as GNU tar does) and
// the reader strips trailing slashes, so TarEntry::path never ends in '/' either way.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "base/result.h"
#include "io/sink.h"

namespace wisp::io {

enum class TarType : char {
  file = '0',
  hardlink = '1',
  symlink = '2',
  chardev = '3',
  blockdev = '4',
  directory = '5',
  fifo = '6',
};

struct TarEntry {
  std::string path;          // as stored (no normalisation); directories without trailing '/'
  TarType type = TarType::file;
  uint32_t mode = 0644;      // permission and special bits (07777)
  uint32_t uid = 0;
  uint32_t gid = 0;
  std::string uname;
  std::string gname;
  int64_t mtime = 0;
  std::string link_target;   // symlink target or hardlink source path
  uint32_t devmajor = 0;
  uint32_t devminor = 0;
  uint64_t size = 0;         // content size (regular files only; 0 for every other type)
  // PAX records other than those mapped to the fields above (path, linkpath, size, uid, gid,
  // uname, gname, mtime), e.g. "APK-TOOLS.checksum.SHA1", "SCHILY.xattr.security.capability",
  // "atime". Sorted, so output is stable. Values are kept as stored, empty ones included.
  std::map<std::string, std::string> pax;
};

struct TarReaderOptions {
  uint64_t max_entry_size = uint64_t{4} << 30;
  uint64_t max_pax_size = 1 << 20;
  /// When false, the stream may end right after an entry without the two zero blocks
  /// (APK signature and control tars are written that way).
  bool require_end_marker = true;
};

/// Reads entries from an in-memory tar stream. Entry content is a view into the input.
class TarReader {
 public:
  explicit TarReader(std::string_view input, TarReaderOptions options = {});

  /// The next entry, or nullopt at the end of the archive. PAX 'x' and GNU 'L'/'K' headers are
  /// folded into the entry they describe; PAX 'g' headers are checked and ignored. Type '\0'
  /// and '7' read as regular files ('\0' with a trailing '/' as a directory). PAX mtimes
  /// keep whole seconds (rounded down). Errc::bad_format on a bad checksum, a missing ustar
  /// magic, truncation, a malformed PAX record, a non-file entry with content, a lone zero
  /// block or anything but zero bytes after the end marker; Errc::unsupported for other entry
  /// types (GNU sparse, volume labels, ...); Errc::too_large past the limits. After an error
  /// every further call fails too.
  Result<std::optional<TarEntry>> next();
  /// Content of the entry last returned by next() (empty for non-files).
  std::string_view content() const { return m_content; }
  /// Offset in the input just past the last consumed block.
  size_t offset() const { return m_offset; }

 private:
  std::string_view m_input;
  TarReaderOptions m_options;
  size_t m_offset = 0;
  std::string_view m_content;
  bool m_done = false;
  bool m_failed = false;

  Result<std::optional<TarEntry>> read_next();
};

struct TarWriterOptions {
  /// Always emit a PAX header for an entry carrying PAX records; otherwise only when a field
  /// does not fit ustar (long path, large size, uid beyond octal range, ...). When false,
  /// every entry gets a PAX header with at least its `path` record.
  bool pax_only_when_needed = true;
};

/// Writes a tar stream to a Sink. Headers are ustar ("ustar\0" "00", octal fields zero-padded
/// with a trailing NUL, the prefix field unused) with a PAX 'x' header before the entry when
/// needed: a path or link target over 100 bytes, size >= 8 GiB, uid/gid above 07777777, an
/// mtime that is negative or above 11 octal digits, uname/gname over 31 bytes, or any
/// entry.pax records. The ustar fields then hold a truncated name/link/user name or 0.
/// PAX records come sorted by key; the PAX header is named "<dir>/PaxHeaders.0/<base>"
/// ("PaxHeaders.0/<base>" at top level, like melange), mode 0644, with the entry's mtime,
/// uid and gid and empty uname/gname.
class TarWriter {
 public:
  explicit TarWriter(Sink& sink, TarWriterOptions options = {});
  /// Writes a header and, for regular files, `content` (must be entry.size bytes) + padding.
  /// Hardlinks and symlinks take entry.link_target; devices devmajor/devminor.
  /// Errc::usage for an empty path, a NUL in path, link target, uname or gname, content whose size is not
  /// entry.size (or any content/size for a non-file), mode above 07777, an unknown type, or a
  /// PAX key that is empty, contains '=' or NUL, or names a mapped field ("path", "size", ...);
  /// Errc::unsupported for device numbers above 07777777; errors of the Sink as they are.
  Status add(const TarEntry& entry, std::string_view content = {});
  /// Streaming form of add() for content too large to hold in memory: writes the header(s) of
  /// `entry`; then write_content() takes exactly entry.size bytes in any number of pieces and
  /// end_content() pads the last block. add(e, c) is add_header(e), write_content(c),
  /// end_content(). Errc::usage as add() does, for content beyond entry.size, for ending an
  /// entry whose content is short, and for add()/add_header()/finish() while an entry is open.
  Status add_header(const TarEntry& entry);
  Status write_content(std::string_view chunk);
  Status end_content();
  /// Writes the two zero blocks that end an archive. Callers writing an APK signature or
  /// control tar simply don't call it.
  Status finish();
  uint64_t bytes_written() const { return m_written; }

 private:
  Status write(std::string_view bytes);
  Sink& m_sink;
  TarWriterOptions m_options;
  uint64_t m_written = 0;
  bool m_open = false;  // between add_header() and end_content()
  std::string m_open_path;
  uint64_t m_open_size = 0;
  uint64_t m_open_remaining = 0;
};

}  // namespace wisp::io
