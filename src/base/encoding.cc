#include "base/encoding.h"

#include <array>

namespace wisp {

namespace {
constexpr char k_hex_digits[] = "0123456789abcdef";
constexpr char k_b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

constexpr std::array<int, 256> make_b64_table() {
  std::array<int, 256> table{};
  for (auto& v : table) v = -1;
  for (int i = 0; i < 64; ++i) table[static_cast<unsigned char>(k_b64[i])] = i;
  return table;
}
constexpr auto k_b64_table = make_b64_table();
}  // namespace

std::string hex_encode(std::string_view bytes) {
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char c : bytes) {
    out.push_back(k_hex_digits[c >> 4]);
    out.push_back(k_hex_digits[c & 15]);
  }
  return out;
}

Result<std::string> hex_decode(std::string_view text) {
  if (text.size() % 2 != 0) return fail(Errc::bad_format, "hex string has odd length");
  std::string out;
  out.reserve(text.size() / 2);
  for (size_t i = 0; i < text.size(); i += 2) {
    int hi = hex_value(text[i]), lo = hex_value(text[i + 1]);
    if (hi < 0 || lo < 0) return fail(Errc::bad_format, "invalid hex digit");
    out.push_back(static_cast<char>(hi << 4 | lo));
  }
  return out;
}

std::string base64_encode(std::string_view bytes) {
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  size_t i = 0;
  auto byte = [&](size_t k) { return static_cast<unsigned char>(bytes[k]); };
  for (; i + 3 <= bytes.size(); i += 3) {
    uint32_t v = byte(i) << 16 | byte(i + 1) << 8 | byte(i + 2);
    out += {k_b64[v >> 18], k_b64[(v >> 12) & 63], k_b64[(v >> 6) & 63], k_b64[v & 63]};
  }
  if (bytes.size() - i == 1) {
    uint32_t v = byte(i) << 16;
    out += {k_b64[v >> 18], k_b64[(v >> 12) & 63], '=', '='};
  } else if (bytes.size() - i == 2) {
    uint32_t v = byte(i) << 16 | byte(i + 1) << 8;
    out += {k_b64[v >> 18], k_b64[(v >> 12) & 63], k_b64[(v >> 6) & 63], '='};
  }
  return out;
}

Result<std::string> base64_decode(std::string_view text) {
  if (text.size() % 4 != 0) return fail(Errc::bad_format, "base64 length is not a multiple of 4");
  std::string out;
  out.reserve(text.size() / 4 * 3);
  for (size_t i = 0; i < text.size(); i += 4) {
    int v[4];
    int pad = 0;
    for (int k = 0; k < 4; ++k) {
      char c = text[i + k];
      if (c == '=') {
        // Padding only in the last quantum, only at its end.
        if (i + 4 != text.size() || k < 2) return fail(Errc::bad_format, "misplaced base64 padding");
        v[k] = 0;
        ++pad;
      } else {
        if (pad) return fail(Errc::bad_format, "misplaced base64 padding");
        v[k] = k_b64_table[static_cast<unsigned char>(c)];
        if (v[k] < 0) return fail(Errc::bad_format, "invalid base64 character");
      }
    }
    uint32_t n = static_cast<uint32_t>(v[0] << 18 | v[1] << 12 | v[2] << 6 | v[3]);
    out.push_back(static_cast<char>(n >> 16));
    if (pad < 2) out.push_back(static_cast<char>((n >> 8) & 255));
    if (pad < 1) out.push_back(static_cast<char>(n & 255));
  }
  return out;
}

}  // namespace wisp
