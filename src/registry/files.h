// File helpers the stores share: streaming a file into a sink, unpacking an untrusted tar into
// a directory, and packing a directory tree into a deterministic tar.
#pragma once

#include <filesystem>

#include "base/result.h"
#include "io/sink.h"
#include "registry/repository.h"

namespace wisp::registry {

/// Streams `path` into `sink` in 1 MiB pieces, reporting the running total to `progress`.
Status stream_file(const std::filesystem::path& path, io::Sink& sink, const ProgressFn& progress = nullptr);

/// Unpacks the tar at `archive` into the existing directory `dir`: regular files and
/// directories only (anything else is Errc::unsupported), paths cleaned (Errc::unsafe_path for
/// absolute paths and ".."). Errc::bad_format for a malformed tar.
Status extract_tar(const std::filesystem::path& archive, const std::filesystem::path& dir);

/// Writes the regular files under `dir` (sorted, with their directories) as a tar at `out`,
/// atomically: mtime 0, uid/gid 0, files 0644, directories 0755.
Status write_tar_of_dir(const std::filesystem::path& dir, const std::filesystem::path& out);

}  // namespace wisp::registry
