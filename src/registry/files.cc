#include "registry/files.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <vector>

#include "base/file.h"
#include "io/safe_path.h"
#include "io/tar.h"

namespace wisp::registry {

namespace fs = std::filesystem;

namespace {

constexpr size_t k_chunk = size_t{1} << 20;

std::unexpected<Error> os_failure(std::string_view what, const fs::path& path, int err) {
  return fail(err == ENOENT ? Errc::not_found : Errc::io, "{}: {}: {}", path.string(), what, std::strerror(err));
}

Status write_all(int fd, std::string_view bytes, const fs::path& path) {
  while (!bytes.empty()) {
    ssize_t n = ::write(fd, bytes.data(), bytes.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return os_failure("write", path, errno);
    bytes.remove_prefix(static_cast<size_t>(n));
  }
  return {};
}

/// A read-only mapping of a whole file.
class Mapped {
 public:
  static Result<Mapped> open(const fs::path& path) {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return os_failure("open", path, errno);
    struct stat st {};
    if (::fstat(fd, &st) != 0) {
      int err = errno;
      ::close(fd);
      return os_failure("stat", path, err);
    }
    Mapped m;
    m.m_size = static_cast<size_t>(st.st_size);
    if (m.m_size > 0) {
      void* p = ::mmap(nullptr, m.m_size, PROT_READ, MAP_PRIVATE, fd, 0);
      if (p == MAP_FAILED) {
        int err = errno;
        ::close(fd);
        return os_failure("mmap", path, err);
      }
      m.m_data = static_cast<const char*>(p);
    }
    ::close(fd);
    return m;
  }
  Mapped() = default;
  Mapped(Mapped&& o) noexcept : m_data(std::exchange(o.m_data, nullptr)), m_size(std::exchange(o.m_size, 0)) {}
  Mapped& operator=(Mapped&&) = delete;
  ~Mapped() {
    if (m_data) ::munmap(const_cast<char*>(m_data), m_size);
  }
  std::string_view view() const { return {m_data, m_size}; }

 private:
  const char* m_data = nullptr;
  size_t m_size = 0;
};

/// A Sink into an AtomicFile, gathering small writes (tar headers) into large ones.
class AtomicSink final : public io::Sink {
 public:
  explicit AtomicSink(AtomicFile& file) : m_file(file) {}
  Status write(std::string_view bytes) override {
    if (m_buffer.size() + bytes.size() <= k_chunk) {
      m_buffer.append(bytes);
      return {};
    }
    TRY(flush());
    return m_file.write(bytes);
  }
  Status flush() {
    if (m_buffer.empty()) return {};
    TRY(m_file.write(m_buffer));
    m_buffer.clear();
    return {};
  }

 private:
  AtomicFile& m_file;
  std::string m_buffer;
};

}  // namespace

Status stream_file(const fs::path& path, io::Sink& sink, const ProgressFn& progress) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return os_failure("open", path, errno);
  std::string buffer(k_chunk, '\0');
  uint64_t total = 0;
  Status status;
  while (status) {
    ssize_t n = ::read(fd, buffer.data(), buffer.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      status = os_failure("read", path, errno);
      break;
    }
    if (n == 0) break;
    status = sink.write(std::string_view(buffer.data(), static_cast<size_t>(n)));
    total += static_cast<uint64_t>(n);
    if (status && progress) progress(total);
  }
  ::close(fd);
  return status;
}

Status extract_tar(const fs::path& archive, const fs::path& dir) {
  TRY_ASSIGN(Mapped mapped, Mapped::open(archive));
  io::TarReaderOptions options;
  options.max_entry_size = uint64_t{1} << 40;
  io::TarReader reader(mapped.view(), options);
  while (true) {
    TRY_ASSIGN_CTX(auto entry, reader.next(), "{}", archive.string());
    if (!entry) return {};
    auto cleaned = io::clean_archive_path(entry->path);
    if (!cleaned) return std::unexpected(cleaned.error().wrap(archive.string()));
    if (*cleaned == ".") continue;
    fs::path target = dir / *cleaned;
    std::error_code ec;
    if (entry->type == io::TarType::directory) {
      fs::create_directories(target, ec);
      if (ec) return fail(Errc::io, "{}: {}", target.string(), ec.message());
      continue;
    }
    if (entry->type != io::TarType::file)
      return fail(Errc::unsupported, "{}: {}: only files and directories belong in an image archive", archive.string(),
                  entry->path);
    fs::create_directories(target.parent_path(), ec);
    if (ec) return fail(Errc::io, "{}: {}", target.parent_path().string(), ec.message());
    int fd = ::open(target.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0644);
    if (fd < 0) return os_failure("create", target, errno);
    Status written = write_all(fd, reader.content(), target);
    ::close(fd);
    TRY(written);
  }
}

Status write_tar_of_dir(const fs::path& dir, const fs::path& out) {
  std::vector<std::pair<std::string, bool>> entries;  // relative path, is directory
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(dir, ec); !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    auto type = it->symlink_status(ec).type();
    if (type != fs::file_type::directory && type != fs::file_type::regular) continue;
    entries.emplace_back(fs::relative(it->path(), dir).generic_string(), type == fs::file_type::directory);
  }
  if (ec) return fail(Errc::io, "{}: {}", dir.string(), ec.message());
  std::sort(entries.begin(), entries.end());
  TRY_ASSIGN(AtomicFile file, AtomicFile::create(out));
  AtomicSink sink(file);
  io::TarWriter tar(sink);
  for (const auto& [path, is_dir] : entries) {
    io::TarEntry e;
    e.path = path;
    if (is_dir) {
      e.type = io::TarType::directory;
      e.mode = 0755;
      TRY(tar.add(e));
      continue;
    }
    fs::path source = dir / path;
    e.size = fs::file_size(source, ec);
    if (ec) return fail(Errc::io, "{}: {}", source.string(), ec.message());
    TRY(tar.add_header(e));
    struct TarContent final : io::Sink {
      io::TarWriter& tar;
      explicit TarContent(io::TarWriter& t) : tar(t) {}
      Status write(std::string_view bytes) override { return tar.write_content(bytes); }
    } content(tar);
    TRY(stream_file(source, content));
    TRY(tar.end_content());
  }
  TRY(tar.finish());
  TRY(sink.flush());
  return file.commit();
}

}  // namespace wisp::registry
