#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>

#include "base/encoding.h"
#include "oci/file_io.h"
#include "oci/layout.h"

namespace wisp::oci {

namespace fs = std::filesystem;

namespace {
constexpr size_t k_buffer_size = size_t{256} << 10;
}  // namespace

Result<std::unique_ptr<BlobSink>> BlobSink::create(const fs::path& blobs_dir) {
  std::string tmpl = (blobs_dir / ".tmp-blob.XXXXXX").string();
  int fd = ::mkstemp(tmpl.data());
  if (fd < 0) return os_error("create temp blob", blobs_dir, errno);
  if (::fchmod(fd, 0644) != 0) {
    int err = errno;
    ::close(fd);
    ::unlink(tmpl.c_str());
    return os_error("chmod", tmpl, err);
  }
  return std::unique_ptr<BlobSink>(new BlobSink(blobs_dir, fs::path(tmpl), fd));
}

BlobSink::BlobSink(fs::path dir, fs::path tmp, int fd)
    : m_dir(std::move(dir)), m_tmp(std::move(tmp)), m_fd(fd) {}

BlobSink::~BlobSink() {
  if (m_fd >= 0) ::close(m_fd);
  if (!m_tmp.empty()) ::unlink(m_tmp.c_str());
}

Status BlobSink::flush() {
  if (m_buffer.empty()) return {};
  auto st = write_all(m_fd, m_buffer, m_tmp);
  m_buffer.clear();
  return st;
}

Status BlobSink::write(std::string_view bytes) {
  if (m_fd < 0) return fail(Errc::internal, "blob written after finish()");
  if (m_failed) return fail(Errc::io, "{}: an earlier write failed", m_tmp.string());
  m_hasher.update(bytes);
  m_size += bytes.size();
  Status st;
  if (m_buffer.size() + bytes.size() <= k_buffer_size) {
    m_buffer.append(bytes);
  } else {
    st = flush();
    if (st) st = write_all(m_fd, bytes, m_tmp);
  }
  if (!st) m_failed = true;
  return st;
}

Result<Descriptor> BlobSink::finish(std::string media_type) {
  if (m_fd < 0) return fail(Errc::internal, "BlobSink::finish() called twice");
  if (m_failed) return fail(Errc::io, "{}: an earlier write failed", m_tmp.string());
  TRY(flush());
  if (::fsync(m_fd) != 0) return os_error("fsync", m_tmp, errno);
  int fd = m_fd;
  m_fd = -1;
  if (::close(fd) != 0) return os_error("close", m_tmp, errno);

  Descriptor d;
  d.media_type = std::move(media_type);
  d.digest = "sha256:" + hex_encode(m_hasher.finish());
  d.size = m_size;
  fs::path target = m_dir / std::string(digest_hex(d.digest));
  struct stat st{};
  if (::lstat(target.c_str(), &st) == 0 && S_ISREG(st.st_mode)) {
    // Same digest, same bytes: keep the copy already there.
    ::unlink(m_tmp.c_str());
  } else if (::rename(m_tmp.c_str(), target.c_str()) != 0) {
    return os_error("rename", target, errno);
  }
  m_tmp.clear();
  return d;
}

}  // namespace wisp::oci
