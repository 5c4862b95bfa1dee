// TarReader: ustar/GNU headers, PAX 'x'/'g' records and GNU 'L'/'K' long names.
#include <algorithm>
#include <limits>

#include "base/strings.h"
#include "io/tar.h"
#include "io/tar_format.h"

namespace wisp::io {

namespace {

using namespace tar_format;

std::string_view field(std::string_view block, Field f) { return block.substr(f.offset, f.size); }

/// A NUL-terminated string field (or the whole field when it has no NUL).
std::string_view c_string(std::string_view bytes) { return bytes.substr(0, bytes.find('\0')); }

bool all_zero(std::string_view bytes) {
  return std::all_of(bytes.begin(), bytes.end(), [](char c) { return c == '\0'; });
}

/// Octal (optionally space-padded, ended by NUL or space) or GNU base-256 numeric field.
/// An empty field reads as 0. nullopt when malformed or beyond 64 bits.
std::optional<int64_t> parse_numeric(std::string_view f, bool allow_negative) {
  auto first = static_cast<unsigned char>(f.empty() ? 0 : f[0]);
  if (first & 0x80) {
    // Base-256: big-endian two's complement with the top bit as a marker, bit 0x40 the sign.
    const bool negative = first & 0x40;
    if (negative && !allow_negative) return std::nullopt;
    const unsigned char invert = negative ? 0xff : 0;
    uint64_t x = 0;
    for (size_t i = 0; i < f.size(); ++i) {
      unsigned char c = static_cast<unsigned char>(f[i]) ^ invert;
      if (i == 0) c &= 0x7f;
      if (x >> 56) return std::nullopt;
      x = x << 8 | c;
    }
    if (x > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) return std::nullopt;
    return negative ? -static_cast<int64_t>(x) - 1 : static_cast<int64_t>(x);
  }
  size_t i = 0;
  while (i < f.size() && f[i] == ' ') ++i;
  uint64_t x = 0;
  for (; i < f.size() && f[i] >= '0' && f[i] <= '7'; ++i) {
    if (x >> 60) return std::nullopt;
    x = x << 3 | static_cast<uint64_t>(f[i] - '0');
  }
  for (; i < f.size(); ++i)
    if (f[i] != ' ' && f[i] != '\0') return std::nullopt;
  if (x > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) return std::nullopt;
  return static_cast<int64_t>(x);
}

/// Decimal PAX time "[-]SECONDS[.FRACTION]", rounded down to whole seconds.
std::optional<int64_t> parse_pax_time(std::string_view v) {
  const bool negative = !v.empty() && v[0] == '-';
  if (negative) v.remove_prefix(1);
  std::string_view fraction;
  if (size_t dot = v.find('.'); dot != std::string_view::npos) {
    fraction = v.substr(dot + 1);
    v = v.substr(0, dot);
    if (fraction.empty() || !std::all_of(fraction.begin(), fraction.end(),
                                         [](char c) { return c >= '0' && c <= '9'; }))
      return std::nullopt;
  }
  auto secs = parse_u64(v);
  if (!secs) return std::nullopt;
  constexpr uint64_t k_max = std::numeric_limits<int64_t>::max();
  if (!negative) return *secs <= k_max ? std::optional<int64_t>(static_cast<int64_t>(*secs)) : std::nullopt;
  // Rounding down moves negative times one second further from zero.
  uint64_t magnitude = *secs + (fraction.find_first_not_of('0') != std::string_view::npos ? 1 : 0);
  if (magnitude < *secs || magnitude > k_max + 1) return std::nullopt;
  return magnitude == k_max + 1 ? std::numeric_limits<int64_t>::min() : -static_cast<int64_t>(magnitude);
}

/// Parses "LEN key=value\n" records, LEN counting the whole record; later keys win.
Status parse_pax_records(std::string_view data, std::map<std::string, std::string>& out) {
  while (!data.empty()) {
    size_t space = data.find(' ');
    if (space == std::string_view::npos || space == 0 || space > 20)
      return fail(Errc::bad_format, "PAX record without a length");
    auto len = parse_u64(data.substr(0, space));
    if (!len || *len > data.size() || *len < space + 3)
      return fail(Errc::bad_format, "PAX record length '{}' does not match the data",
                  data.substr(0, space));
    std::string_view record = data.substr(0, *len);
    if (record.back() != '\n')
      return fail(Errc::bad_format, "PAX record of length {} does not end with a newline", *len);
    std::string_view key_value = record.substr(space + 1, record.size() - space - 2);
    size_t eq = key_value.find('=');
    if (eq == std::string_view::npos || eq == 0)
      return fail(Errc::bad_format, "PAX record without a key");
    out.insert_or_assign(std::string(key_value.substr(0, eq)), std::string(key_value.substr(eq + 1)));
    data.remove_prefix(*len);
  }
  return {};
}

Result<uint32_t> parse_pax_id(std::string_view key, std::string_view value) {
  auto v = parse_u64(value);
  if (!v || *v > std::numeric_limits<uint32_t>::max())
    return fail(Errc::bad_format, "bad PAX {} '{}'", key, value);
  return static_cast<uint32_t>(*v);
}

/// Folds the mapped PAX keys into `e` and keeps the others in e.pax.
Status apply_pax(TarEntry& e, std::optional<uint64_t>& size,
                 const std::map<std::string, std::string>& pax) {
  for (const auto& [key, value] : pax) {
    if (key == "path") {
      if (!value.empty()) e.path = value;
    } else if (key == "linkpath") {
      if (!value.empty()) e.link_target = value;
    } else if (key == "size") {
      size = parse_u64(value);
      if (!size) return fail(Errc::bad_format, "bad PAX size '{}'", value);
    } else if (key == "uid") {
      TRY_ASSIGN(e.uid, parse_pax_id(key, value));
    } else if (key == "gid") {
      TRY_ASSIGN(e.gid, parse_pax_id(key, value));
    } else if (key == "uname") {
      e.uname = value;
    } else if (key == "gname") {
      e.gname = value;
    } else if (key == "mtime") {
      auto t = parse_pax_time(value);
      if (!t) return fail(Errc::bad_format, "bad PAX mtime '{}'", value);
      e.mtime = *t;
    } else {
      e.pax.insert_or_assign(key, value);
    }
  }
  return {};
}

/// Metadata headers seen since the last entry, waiting for the entry they describe.
struct Pending {
  std::map<std::string, std::string> pax;
  bool has_pax = false;
  std::optional<std::string> long_name;
  std::optional<std::string> long_link;
  bool empty() const { return !has_pax && !long_name && !long_link; }
};

Result<uint32_t> header_u32(std::string_view block, Field f, std::string_view what) {
  auto v = parse_numeric(field(block, f), false);
  if (!v || *v > std::numeric_limits<uint32_t>::max())
    return fail(Errc::bad_format, "bad {} field", what);
  return static_cast<uint32_t>(*v);
}

Result<TarType> entry_type(char flag, std::string_view path) {
  switch (flag) {
    case '\0': return path.ends_with('/') ? TarType::directory : TarType::file;
    case '0': case '7': return TarType::file;
    case '1': case '2': case '3': case '4': case '5': case '6': return static_cast<TarType>(flag);
    default:
      if (flag >= 0x20 && flag < 0x7f)
        return fail(Errc::unsupported, "unsupported entry type '{}'", flag);
      return fail(Errc::unsupported, "unsupported entry type 0x{:02x}", static_cast<unsigned char>(flag));
  }
}

/// Builds the entry described by `block` and the pending metadata; `size` gets its data size.
Result<TarEntry> decode_entry(std::string_view block, bool posix, const Pending& pending,
                              uint64_t& size) {
  TarEntry e;
  std::string_view name = c_string(field(block, k_name));
  std::string_view prefix = posix ? c_string(field(block, k_prefix)) : std::string_view{};
  e.path = prefix.empty() ? std::string(name) : fmt::format("{}/{}", prefix, name);
  if (pending.long_name) e.path = *pending.long_name;
  e.link_target = pending.long_link ? *pending.long_link : std::string(c_string(field(block, k_linkname)));
  TRY_ASSIGN(uint32_t mode, header_u32(block, k_mode, "mode"));
  e.mode = mode & 07777;
  TRY_ASSIGN(e.uid, header_u32(block, k_uid, "uid"));
  TRY_ASSIGN(e.gid, header_u32(block, k_gid, "gid"));
  TRY_ASSIGN(e.devmajor, header_u32(block, k_devmajor, "devmajor"));
  TRY_ASSIGN(e.devminor, header_u32(block, k_devminor, "devminor"));
  e.uname = c_string(field(block, k_uname));
  e.gname = c_string(field(block, k_gname));
  auto mtime = parse_numeric(field(block, k_mtime), true);
  if (!mtime) return fail(Errc::bad_format, "bad mtime field");
  e.mtime = *mtime;
  auto header_size = parse_numeric(field(block, k_size), false);
  if (!header_size) return fail(Errc::bad_format, "bad size field");
  std::optional<uint64_t> pax_size;
  TRY(apply_pax(e, pax_size, pending.pax));
  size = pax_size ? *pax_size : static_cast<uint64_t>(*header_size);
  TRY_ASSIGN(e.type, entry_type(block[k_typeflag.offset], e.path));
  if (e.type == TarType::file) {
    e.size = size;
  } else if (size != 0) {
    // Readers disagree on whether such data blocks exist; refusing avoids that ambiguity.
    return fail(Errc::bad_format, "non-file entry with a size of {}", size);
  }
  while (e.path.size() > 1 && e.path.ends_with('/')) e.path.pop_back();
  if (e.path.empty()) return fail(Errc::bad_format, "entry with an empty name");
  return e;
}

}  // namespace

TarReader::TarReader(std::string_view input, TarReaderOptions options)
    : m_input(input), m_options(options) {}

Result<std::optional<TarEntry>> TarReader::next() {
  if (m_failed) return fail(Errc::bad_format, "tar: reading on after an earlier error");
  if (m_done) return std::nullopt;
  m_content = {};
  auto result = read_next();
  if (!result) m_failed = true;
  return result;
}

Result<std::optional<TarEntry>> TarReader::read_next() {
  Pending pending;
  for (;;) {
    const size_t at = m_offset;
    const size_t left = m_input.size() - at;
    if (left == 0) {
      if (!pending.empty())
        return fail(Errc::bad_format, "tar truncated: metadata header without its entry");
      if (m_options.require_end_marker)
        return fail(Errc::bad_format, "tar truncated: no end-of-archive marker");
      m_done = true;
      return std::nullopt;
    }
    if (left < k_block) return fail(Errc::bad_format, "tar truncated: partial header at offset {}", at);
    std::string_view block = m_input.substr(at, k_block);

    if (all_zero(block)) {
      if (!pending.empty())
        return fail(Errc::bad_format, "tar: end-of-archive marker right after a metadata header at offset {}", at);
      if (left == k_block && !m_options.require_end_marker) {
        m_offset = m_input.size();
        m_done = true;
        return std::nullopt;
      }
      if (left < 2 * k_block) return fail(Errc::bad_format, "tar truncated: end-of-archive marker at offset {}", at);
      if (!all_zero(m_input.substr(at + k_block, k_block)))
        return fail(Errc::bad_format, "tar: lone zero block at offset {}", at);
      std::string_view rest = m_input.substr(at + 2 * k_block);
      auto garbage = std::find_if(rest.begin(), rest.end(), [](char c) { return c != '\0'; });
      if (garbage != rest.end())
        return fail(Errc::bad_format, "tar: data after the end-of-archive marker at offset {}",
                    at + 2 * k_block + static_cast<size_t>(garbage - rest.begin()));
      m_offset = m_input.size();
      m_done = true;
      return std::nullopt;
    }

    Checksums sums = header_checksums(block);
    auto stored = parse_numeric(field(block, k_checksum), false);
    if (!stored || (*stored != sums.unsigned_sum && *stored != sums.signed_sum))
      return fail(Errc::bad_format, "tar: bad header checksum at offset {}", at);
    std::string_view magic = block.substr(k_magic.offset, k_magic.size + k_version.size);
    const bool posix = magic == k_posix_magic;
    if (!posix && magic != k_gnu_magic)
      return fail(Errc::bad_format, "tar: header at offset {} has no ustar magic", at);

    const char type = block[k_typeflag.offset];
    const bool meta = type == k_type_pax || type == k_type_pax_global ||
                      type == k_type_gnu_long_name || type == k_type_gnu_long_link;
    uint64_t size = 0;
    std::optional<TarEntry> entry;
    if (meta) {
      auto header_size = parse_numeric(field(block, k_size), false);
      if (!header_size) return fail(Errc::bad_format, "tar: bad size field at offset {}", at);
      size = static_cast<uint64_t>(*header_size);
      if (size > m_options.max_pax_size)
        return fail(Errc::too_large, "tar: '{}' header at offset {} is {} bytes, limit {}", type,
                    at, size, m_options.max_pax_size);
    } else {
      auto decoded = decode_entry(block, posix, pending, size);
      if (!decoded) {
        std::string_view name = c_string(field(block, k_name));
        return std::unexpected(std::move(decoded).error().wrap(
            fmt::format("tar entry '{}' at offset {}", pending.long_name.value_or(std::string(name)), at)));
      }
      entry = std::move(*decoded);
      if (entry->size > m_options.max_entry_size)
        return fail(Errc::too_large, "tar entry '{}' is {} bytes, limit {}", entry->path,
                    entry->size, m_options.max_entry_size);
    }

    const size_t data_at = at + k_block;
    const size_t data_left = left - k_block;
    if (size > data_left)
      return fail(Errc::bad_format, "tar truncated: entry at offset {} needs {} bytes, {} left", at,
                  size, data_left);
    const size_t padded = (static_cast<size_t>(size) + k_block - 1) / k_block * k_block;
    if (padded > data_left)
      return fail(Errc::bad_format, "tar truncated: padding of the entry at offset {}", at);
    std::string_view data = m_input.substr(data_at, static_cast<size_t>(size));
    m_offset = data_at + padded;

    if (entry) {
      if (entry->type == TarType::file) m_content = data;
      return entry;
    }
    if (type == k_type_pax || type == k_type_pax_global) {
      std::map<std::string, std::string> records;
      TRY_CTX(parse_pax_records(data, records), "tar: PAX header at offset {}", at);
      if (type == k_type_pax) {
        for (auto& [k, v] : records) pending.pax.insert_or_assign(k, std::move(v));
        pending.has_pax = true;
      }
    } else {
      auto& target = type == k_type_gnu_long_name ? pending.long_name : pending.long_link;
      target = std::string(c_string(data));
    }
  }
}

}  // namespace wisp::io
