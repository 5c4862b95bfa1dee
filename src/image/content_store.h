// File contents of a rootfs being assembled, kept out of memory: package payloads are appended to
// one unlinked temporary file and read back when the layer is written. The page cache keeps hot
// data fast while the process's own memory stays small whatever the image size.
#pragma once

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <string_view>

#include "base/result.h"
#include "io/sink.h"

namespace wisp::image {

/// Where one file's bytes lie in the store.
struct ContentRef {
  uint64_t offset = 0;
  uint64_t size = 0;
};

class ContentStore {
 public:
  /// Creates the spool file in `dir` (default: $TMPDIR or /tmp). It is unlinked at once, so it
  /// disappears with the process whatever happens.
  static Result<ContentStore> create(const std::filesystem::path& dir = {});
  ContentStore(ContentStore&& other) noexcept;
  ContentStore& operator=(ContentStore&&) = delete;
  ~ContentStore();

  /// Appends `bytes`; safe to call from several threads at once (each call reserves its range).
  Result<ContentRef> add(std::string_view bytes);
  /// Streams the bytes of `ref` into `out` in bounded chunks.
  Status read(ContentRef ref, io::Sink& out) const;
  /// Total bytes stored.
  uint64_t size() const { return m_end.load(); }

 private:
  explicit ContentStore(int fd) : m_fd(fd) {}
  int m_fd = -1;
  std::atomic<uint64_t> m_end{0};
};

}  // namespace wisp::image
