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
