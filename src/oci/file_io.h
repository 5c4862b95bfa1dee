// Small POSIX file helpers the layout and archive writers share. Internal to the oci module.
#pragma once

#include <filesystem>
#include <functional>
#include <string>
#include <string_view>

#include "base/file.h"
#include "base/result.h"
#include "io/sink.h"

namespace wisp::oci {

/// Errc::not_found for ENOENT, Errc::io otherwise: "<path>: <what>: <strerror>".
std::unexpected<Error> os_error(std::string_view what, const std::filesystem::path& path, int err);

/// Writes all of `bytes` to `fd` (retrying short writes and EINTR).
Status write_all(int fd, std::string_view bytes, const std::filesystem::path& path);

/// fsync of a directory, so renames and new entries in it are durable.
Status fsync_dir(const std::filesystem::path& dir);

enum class SwapMethod { exchange, rename_aside };

/// Puts directory `from` where directory `to` is and removes the old `to`. With `exchange` the
/// two swap atomically (renameat2 RENAME_EXCHANGE), falling back to rename_aside where the
/// filesystem cannot: `to` is renamed to "<from>.old", `from` to `to` (on failure the old one
/// is put back), then "<from>.old" is removed. Both must be on the same filesystem.
Status replace_dir(const std::filesystem::path& from, const std::filesystem::path& to,
                   SwapMethod method = SwapMethod::exchange);

/// Calls `chunk` with successive pieces of the file (1 MiB each), without holding it all.
Status read_chunks(const std::filesystem::path& path,
                   const std::function<Status(std::string_view)>& chunk);

/// A Sink into an AtomicFile, buffering small writes (tar headers) into larger ones.
class AtomicFileSink final : public io::Sink {
 public:
  explicit AtomicFileSink(AtomicFile& file) : m_file(file) {}
  Status write(std::string_view bytes) override;
  Status flush();

 private:
  AtomicFile& m_file;
  std::string m_buffer;
};

}  // namespace wisp::oci
