#include "image/content_store.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

namespace wisp::image {

Result<ContentStore> ContentStore::create(const std::filesystem::path& dir) {
  std::filesystem::path base = dir;
  if (base.empty()) {
    const char* tmp = std::getenv("TMPDIR");
    base = tmp && *tmp ? tmp : "/tmp";
  }
  // O_TMPFILE needs filesystem support; fall back to mkstemp + unlink.
  int fd = ::open(base.c_str(), O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
  if (fd < 0) {
    std::string tmpl = (base / "wisp-content-XXXXXX").string();
    fd = ::mkostemp(tmpl.data(), O_CLOEXEC);
    if (fd < 0)
      return fail(Errc::io, "cannot create a temporary file in {}: {}", base.string(), std::strerror(errno));
    ::unlink(tmpl.c_str());
  }
  return ContentStore(fd);
}

ContentStore::ContentStore(ContentStore&& other) noexcept : m_fd(other.m_fd), m_end(other.m_end.load()) {
  other.m_fd = -1;
}

ContentStore::~ContentStore() {
  if (m_fd >= 0) ::close(m_fd);
}

Result<ContentRef> ContentStore::add(std::string_view bytes) {
  uint64_t offset = m_end.fetch_add(bytes.size());
  size_t done = 0;
  while (done < bytes.size()) {
    ssize_t n = ::pwrite(m_fd, bytes.data() + done, bytes.size() - done, static_cast<off_t>(offset + done));
    if (n < 0) {
      if (errno == EINTR) continue;
      return fail(Errc::io, "writing the content spool: {}", std::strerror(errno));
    }
    done += static_cast<size_t>(n);
  }
  return ContentRef{offset, bytes.size()};
}

Status ContentStore::read(ContentRef ref, io::Sink& out) const {
  constexpr size_t k_chunk = 1 << 20;
  std::vector<char> buffer(std::min<uint64_t>(ref.size, k_chunk));
  uint64_t done = 0;
  while (done < ref.size) {
    size_t want = static_cast<size_t>(std::min<uint64_t>(ref.size - done, buffer.size()));
    ssize_t n = ::pread(m_fd, buffer.data(), want, static_cast<off_t>(ref.offset + done));
    if (n < 0) {
      if (errno == EINTR) continue;
      return fail(Errc::io, "reading the content spool: {}", std::strerror(errno));
    }
    if (n == 0) return fail(Errc::internal, "content spool is shorter than expected");
    TRY(out.write(std::string_view(buffer.data(), static_cast<size_t>(n))));
    done += static_cast<uint64_t>(n);
  }
  return {};
}

}  // namespace wisp::image
