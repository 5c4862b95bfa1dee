#include "io/ar.h"

#include <algorithm>
#include <limits>
#include <optional>

namespace wisp::io {

namespace {

constexpr std::string_view k_magic = "!<arch>\n";
constexpr size_t k_header_size = 60;

struct Field {
  size_t offset;
  size_t size;
};
constexpr Field k_name{0, 16};
constexpr Field k_mtime{16, 12};
constexpr Field k_uid{28, 6};
constexpr Field k_gid{34, 6};
constexpr Field k_mode{40, 8};
constexpr Field k_size{48, 10};
constexpr Field k_terminator{58, 2};

std::string_view field(std::string_view header, Field f) { return header.substr(f.offset, f.size); }

/// A right-space-padded number in `base` (10 or 8); an all-space field reads as 0.
std::optional<uint64_t> parse_number(std::string_view f, unsigned base) {
  size_t end = f.find_last_not_of(' ');
  f = end == std::string_view::npos ? std::string_view{} : f.substr(0, end + 1);
  uint64_t value = 0;
  for (char c : f) {
    unsigned digit = static_cast<unsigned>(c - '0');
    if (c < '0' || digit >= base) return std::nullopt;
    value = value * base + digit;  // at most 12 digits: no overflow
  }
  return value;
}

Result<std::string_view> member_name(std::string_view raw) {
  size_t end = raw.find_last_not_of(' ');
  std::string_view name = end == std::string_view::npos ? std::string_view{} : raw.substr(0, end + 1);
  if (name.empty()) return fail(Errc::bad_format, "empty member name");
  if (name.starts_with("#1/")) return fail(Errc::unsupported, "BSD long member names are not supported");
  if (name == "/" || name == "//") return name;
  if (name.front() == '/') return fail(Errc::unsupported, "GNU long member names are not supported");
  if (name.back() == '/') name.remove_suffix(1);
  return name;
}

Result<ArMember> parse_header(std::string_view header, size_t offset) {
  if (field(header, k_terminator) != "`\n") return fail(Errc::bad_format, "bad header terminator");
  ArMember m;
  m.offset = offset;
  TRY_ASSIGN(m.name, member_name(field(header, k_name)));
  auto mtime = parse_number(field(header, k_mtime), 10);
  auto uid = parse_number(field(header, k_uid), 10);
  auto gid = parse_number(field(header, k_gid), 10);
  auto mode = parse_number(field(header, k_mode), 8);
  if (!mtime || !uid || !gid || !mode) return fail(Errc::bad_format, "non-numeric header field");
  m.mtime = static_cast<int64_t>(*mtime);
  m.uid = static_cast<uint32_t>(*uid);
  m.gid = static_cast<uint32_t>(*gid);
  m.mode = static_cast<uint32_t>(*mode);
  return m;
}

}  // namespace

Result<std::vector<ArMember>> read_ar(std::string_view input, ArLimits limits) {
  if (!input.starts_with(k_magic)) return fail(Errc::bad_format, "not an ar archive (no !<arch> magic)");
  std::vector<ArMember> members;
  size_t pos = k_magic.size();
  while (pos < input.size()) {
    if (members.size() == limits.max_members)
      return fail(Errc::too_large, "ar archive has more than {} members", limits.max_members);
    if (input.size() - pos < k_header_size)
      return fail(Errc::bad_format, "ar archive truncated: partial header at offset {}", pos);
    std::string_view header = input.substr(pos, k_header_size);
    TRY_ASSIGN_CTX(ArMember m, parse_header(header, pos), "ar member header at offset {}", pos);
    auto size = parse_number(field(header, k_size), 10);
    if (!size) return fail(Errc::bad_format, "ar member '{}': bad size field", m.name);
    const size_t data_at = pos + k_header_size;
    const size_t left = input.size() - data_at;
    if (*size > left)
      return fail(Errc::bad_format, "ar archive truncated: member '{}' needs {} bytes, {} left",
                  m.name, *size, left);
    m.content = input.substr(data_at, static_cast<size_t>(*size));
    // Members start at even offsets; an odd-sized one is followed by one padding byte.
    size_t padded = static_cast<size_t>(*size) + (*size & 1);
    if (padded > left)
      return fail(Errc::bad_format, "ar archive truncated: padding after member '{}'", m.name);
    members.push_back(m);
    pos = data_at + padded;
  }
  return members;
}

}  // namespace wisp::io
