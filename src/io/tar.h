// tar (POSIX ustar + PAX extended headers; GNU long-name entries are read too).
// The writer is deterministic: it writes exactly the fields it is given, so callers control
// mtimes and ownership. The reader checks checksums, refuses truncation and enforces limits;
// it does not judge paths (see io/safe_path.h), because policies differ by caller.
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
  uint64_t size = 0;         // content size (regular files only)
  // PAX records other than those mapped to the fields above, e.g.
  // "APK-TOOLS.checksum.SHA1" or "SCHILY.xattr.security.capability". Sorted, so output is stable.
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

  /// The next entry, or nullopt at the end of the archive. PAX and GNU long-name headers are
  /// folded into the entry they describe. Errc::bad_format on a bad checksum, a missing
  /// ustar magic, truncation or garbage after the end marker; Errc::too_large past the limits.
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
};

struct TarWriterOptions {
  /// Always emit a PAX header for an entry carrying PAX records; otherwise only when a field
  /// does not fit ustar (long path, large size, uid beyond octal range, ...).
  bool pax_only_when_needed = true;
};

/// Writes a tar stream to a Sink. Headers are ustar ("ustar\0" "00") with PAX 'x' records
/// when needed; PAX header names follow "<dir>/PaxHeaders.0/<base>" like GNU tar and melange.
class TarWriter {
 public:
  explicit TarWriter(Sink& sink, TarWriterOptions options = {});
  /// Writes a header and, for regular files, `content` (must be entry.size bytes) + padding.
  Status add(const TarEntry& entry, std::string_view content = {});
  /// Writes the two zero blocks that end an archive. Callers writing an APK signature or
  /// control tar simply don't call it.
  Status finish();
  uint64_t bytes_written() const { return m_written; }

 private:
  Status write(std::string_view bytes);
  Sink& m_sink;
  TarWriterOptions m_options;
  uint64_t m_written = 0;
};

}  // namespace wisp::io
