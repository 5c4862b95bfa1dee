// Files: whole-file reads and atomic writes. Outputs appear complete or not at all:
// AtomicFile writes to a temp file beside the target and renames it on commit().
#pragma once

#include <cstdio>
#include <filesystem>
#include <string>
#include <string_view>

#include "base/result.h"

namespace wisp {

/// Reads a whole file. Errc::not_found if it does not exist, Errc::too_large above `max_size`.
Result<std::string> read_file(const std::filesystem::path& path,
                              uint64_t max_size = uint64_t{1} << 34);

enum class Durability { fsync, no_fsync };

/// A file being written. Nothing is visible at `path` until commit() succeeds; destroying an
/// uncommitted AtomicFile removes the temp file.
class AtomicFile {
 public:
  static Result<AtomicFile> create(const std::filesystem::path& path, unsigned mode = 0644);
  AtomicFile(AtomicFile&& other) noexcept;
  AtomicFile& operator=(AtomicFile&&) = delete;
  ~AtomicFile();

  Status write(std::string_view bytes);
  Status commit(Durability durability = Durability::fsync);
  const std::filesystem::path& path() const { return m_path; }
  int fd() const { return m_fd; }

 private:
  AtomicFile(std::filesystem::path path, std::filesystem::path tmp, int fd)
      : m_path(std::move(path)), m_tmp(std::move(tmp)), m_fd(fd) {}
  std::filesystem::path m_path;
  std::filesystem::path m_tmp;
  int m_fd = -1;
};

/// Writes `bytes` to `path` atomically with the given mode.
Status write_file_atomic(const std::filesystem::path& path, std::string_view bytes,
                         unsigned mode = 0644);

/// A temporary directory removed (recursively) on destruction; for tests and scratch work.
class TempDir {
 public:
  static Result<TempDir> create(std::string_view prefix = "wisp");
  TempDir(TempDir&& other) noexcept : m_path(std::move(other.m_path)) { other.m_path.clear(); }
  TempDir& operator=(TempDir&&) = delete;
  ~TempDir();
  const std::filesystem::path& path() const { return m_path; }

 private:
  explicit TempDir(std::filesystem::path path) : m_path(std::move(path)) {}
  std::filesystem::path m_path;
};

}  // namespace wisp
