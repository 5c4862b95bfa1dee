// Where bytes go: a string in memory, a file, a hasher, or a compressor chained in front.
#pragma once

#include <string>
#include <string_view>

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

}  // namespace wisp::io
