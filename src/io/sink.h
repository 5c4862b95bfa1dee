// Where bytes go: a string in memory, a file, a hasher, or a compressor chained in front.
#pragma once

#include <string>
#include <string_view>

#include "base/digest.h"
#include "base/result.h"

namespace wisp::io {

class Sink {
 public:
  virtual ~Sink() = default;
  virtual Status write(std::string_view bytes) = 0;
};

/// Appends to a caller-owned string.
class StringSink final : public Sink {
 public:
  explicit StringSink(std::string& out) : m_out(out) {}
  Status write(std::string_view bytes) override {
    m_out.append(bytes);
    return {};
  }

 private:
  std::string& m_out;
};

/// Hashes and counts the bytes written through it, then forwards them to `next` if given
/// (e.g. a layer's diff ID over the uncompressed stream in front of a GzipWriter).
class HashSink final : public Sink {
 public:
  explicit HashSink(DigestAlg alg, Sink* next = nullptr) : m_hasher(alg), m_next(next) {}
  Status write(std::string_view bytes) override {
    m_hasher.update(bytes);
    m_size += bytes.size();
    return m_next ? m_next->write(bytes) : Status{};
  }
  /// The raw digest of everything written so far; resets the hash (not the size).
  std::string finish() { return m_hasher.finish(); }
  uint64_t size() const { return m_size; }

 private:
  Hasher m_hasher;
  Sink* m_next;
  uint64_t m_size = 0;
};

}  // namespace wisp::io
