#include "base/file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

namespace wisp {

namespace fs = std::filesystem;

namespace {
std::unexpected<Error> os_error(std::string_view what, const fs::path& path, int err) {
  return fail(err == ENOENT ? Errc::not_found : Errc::io, "{}: {}: {}", path.string(), what,
              std::strerror(err));
}
}  // namespace

Result<std::string> read_file(const fs::path& path, uint64_t max_size) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return os_error("open", path, errno);
  struct stat st{};
  if (::fstat(fd, &st) != 0) {
    int err = errno;
    ::close(fd);
    return os_error("stat", path, err);
  }
  if (S_ISDIR(st.st_mode)) {
    ::close(fd);
    return fail(Errc::io, "{}: is a directory", path.string());
  }
  if (static_cast<uint64_t>(st.st_size) > max_size) {
    ::close(fd);
    return fail(Errc::too_large, "{}: larger than {} bytes", path.string(), max_size);
  }
  std::string out;
  out.reserve(static_cast<size_t>(st.st_size));
  char buf[1 << 16];
  for (;;) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR) continue;
      int err = errno;
      ::close(fd);
      return os_error("read", path, err);
    }
    if (n == 0) break;
    out.append(buf, static_cast<size_t>(n));
    if (out.size() > max_size) {
      ::close(fd);
      return fail(Errc::too_large, "{}: larger than {} bytes", path.string(), max_size);
    }
  }
  ::close(fd);
  return out;
}

Result<AtomicFile> AtomicFile::create(const fs::path& path, unsigned mode) {
  // Renaming over a device, directory or socket would replace it (think -o /dev/null):
  // only regular files, or nothing, may be at the target.
  struct stat existing{};
  if (::lstat(path.c_str(), &existing) == 0 && !S_ISREG(existing.st_mode) && !S_ISLNK(existing.st_mode))
    return fail(Errc::usage, "{}: exists and is not a regular file; refusing to replace it",
                path.string());
  fs::path dir = path.parent_path();
  if (dir.empty()) dir = ".";
  std::string tmpl = (dir / ("." + path.filename().string() + ".tmp.XXXXXX")).string();
  int fd = ::mkstemp(tmpl.data());
  if (fd < 0) return os_error("create temp file", path, errno);
  ::fchmod(fd, mode);
  return AtomicFile(path, fs::path(tmpl), fd);
}

AtomicFile::AtomicFile(AtomicFile&& other) noexcept
    : m_path(std::move(other.m_path)), m_tmp(std::move(other.m_tmp)), m_fd(other.m_fd) {
  other.m_fd = -1;
  other.m_tmp.clear();
}

AtomicFile::~AtomicFile() {
  if (m_fd >= 0) ::close(m_fd);
  if (!m_tmp.empty()) ::unlink(m_tmp.c_str());
}

Status AtomicFile::write(std::string_view bytes) {
  while (!bytes.empty()) {
    ssize_t n = ::write(m_fd, bytes.data(), bytes.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return os_error("write", m_path, errno);
    }
    bytes.remove_prefix(static_cast<size_t>(n));
  }
  return {};
}

Status AtomicFile::commit(Durability durability) {
  if (m_fd < 0) return fail(Errc::internal, "{}: committed twice", m_path.string());
  if (durability == Durability::fsync && ::fsync(m_fd) != 0) return os_error("fsync", m_path, errno);
  if (::close(m_fd) != 0) {
    m_fd = -1;
    return os_error("close", m_path, errno);
  }
  m_fd = -1;
  if (::rename(m_tmp.c_str(), m_path.c_str()) != 0) return os_error("rename", m_path, errno);
  m_tmp.clear();
  return {};
}

Status write_file_atomic(const fs::path& path, std::string_view bytes, unsigned mode) {
  TRY_ASSIGN(auto file, AtomicFile::create(path, mode));
  TRY(file.write(bytes));
  return file.commit();
}

Result<TempDir> TempDir::create(std::string_view prefix) {
  std::error_code ec;
  fs::path base = fs::temp_directory_path(ec);
  if (ec) base = "/tmp";
  std::string tmpl = (base / (std::string(prefix) + ".XXXXXX")).string();
  if (!::mkdtemp(tmpl.data())) return os_error("mkdtemp", tmpl, errno);
  return TempDir(fs::path(tmpl));
}

TempDir::~TempDir() {
  if (m_path.empty()) return;
  std::error_code ec;
  fs::remove_all(m_path, ec);
}

}  // namespace wisp
