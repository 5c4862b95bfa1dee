#include "oci/file_io.h"

#include <stdio.h>  // renameat2, RENAME_EXCHANGE (glibc >= 2.28)
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace wisp::oci {

namespace {
constexpr size_t k_read_chunk = size_t{1} << 20;
constexpr size_t k_write_buffer = size_t{256} << 10;

class Fd {
 public:
  explicit Fd(int fd) : m_fd(fd) {}
  ~Fd() {
    if (m_fd >= 0) ::close(m_fd);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return m_fd; }

 private:
  int m_fd;
};
}  // namespace

std::unexpected<Error> os_error(std::string_view what, const std::filesystem::path& path, int err) {
  return fail(err == ENOENT ? Errc::not_found : Errc::io, "{}: {}: {}", path.string(), what,
              std::strerror(err));
}

Status write_all(int fd, std::string_view bytes, const std::filesystem::path& path) {
  while (!bytes.empty()) {
    ssize_t n = ::write(fd, bytes.data(), bytes.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return os_error("write", path, errno);
    }
    bytes.remove_prefix(static_cast<size_t>(n));
  }
  return {};
}

Status fsync_dir(const std::filesystem::path& dir) {
  Fd fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (fd.get() < 0) return os_error("open", dir, errno);
  if (::fsync(fd.get()) != 0) return os_error("fsync", dir, errno);
  return {};
}

Status replace_dir(const std::filesystem::path& from, const std::filesystem::path& to, SwapMethod method) {
  std::error_code ec;
  if (method == SwapMethod::exchange) {
    if (::renameat2(AT_FDCWD, from.c_str(), AT_FDCWD, to.c_str(), RENAME_EXCHANGE) == 0) {
      std::filesystem::remove_all(from, ec);  // now the old directory
      return {};
    }
    if (errno != EINVAL && errno != ENOSYS && errno != EOPNOTSUPP) return os_error("exchange", to, errno);
  }
  std::filesystem::path aside = from.string() + ".old";
  if (::rename(to.c_str(), aside.c_str()) != 0) return os_error("move aside", to, errno);
  if (::rename(from.c_str(), to.c_str()) != 0) {
    int err = errno;
    ::rename(aside.c_str(), to.c_str());
    return os_error("rename into place", to, err);
  }
  std::filesystem::remove_all(aside, ec);
  return {};
}

Status read_chunks(const std::filesystem::path& path,
                   const std::function<Status(std::string_view)>& chunk) {
  Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0) return os_error("open", path, errno);
  std::string buf(k_read_chunk, '\0');
  for (;;) {
    ssize_t n = ::read(fd.get(), buf.data(), buf.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return os_error("read", path, errno);
    }
    if (n == 0) return {};
    TRY(chunk(std::string_view(buf.data(), static_cast<size_t>(n))));
  }
}

Status AtomicFileSink::write(std::string_view bytes) {
  if (m_buffer.size() + bytes.size() <= k_write_buffer) {
    m_buffer.append(bytes);
    return {};
  }
  TRY(flush());
  if (bytes.size() < k_write_buffer) {
    m_buffer.append(bytes);
    return {};
  }
  return m_file.write(bytes);
}

Status AtomicFileSink::flush() {
  if (m_buffer.empty()) return {};
  TRY(m_file.write(m_buffer));
  m_buffer.clear();
  return {};
}

}  // namespace wisp::oci
