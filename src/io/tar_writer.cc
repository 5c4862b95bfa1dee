// TarWriter: deterministic ustar headers with PAX records for what ustar cannot hold.
#include <array>

#include "io/tar.h"
#include "io/tar_format.h"

namespace wisp::io {

namespace {

using namespace tar_format;

constexpr std::array<std::string_view, 8> k_mapped_pax_keys = {
    "path", "linkpath", "size", "uid", "gid", "uname", "gname", "mtime"};
constexpr size_t k_max_user_name = 31;  // 32-byte field with its NUL

/// Copies `value` into the field, truncated to its size; the rest stays NUL.
void put_string(std::string& block, Field f, std::string_view value) {
  value = value.substr(0, f.size);
  block.replace(f.offset, value.size(), value);
}

/// Zero-padded octal with a trailing NUL; values that do not fit are written as 0 (the caller
/// has put the real value into a PAX record).
void put_octal(std::string& block, Field f, uint64_t value) {
  const size_t digits = f.size - 1;
  const uint64_t max = (uint64_t{1} << (3 * digits)) - 1;
  put_string(block, f, fmt::format("{:0{}o}", value <= max ? value : 0, digits));
}

size_t decimal_digits(size_t n) {
  size_t d = 1;
  while (n >= 10) {
    n /= 10;
    ++d;
  }
  return d;
}

/// "LEN key=value\n" where LEN counts the whole record, its own digits included.
std::string pax_record(std::string_view key, std::string_view value) {
  const size_t body = key.size() + value.size() + 3;  // ' ', '=', '\n'
  size_t len = body + decimal_digits(body);
  while (len != body + decimal_digits(len)) len = body + decimal_digits(len);
  return fmt::format("{} {}={}\n", len, key, value);
}

struct HeaderFields {
  std::string_view name;
  char type = '0';
  uint32_t mode = 0;
  uint64_t uid = 0;
  uint64_t gid = 0;
  uint64_t size = 0;
  int64_t mtime = 0;
  std::string_view linkname;
  std::string_view uname;
  std::string_view gname;
  uint32_t devmajor = 0;
  uint32_t devminor = 0;
};

std::string make_header(const HeaderFields& h) {
  std::string block(k_block, '\0');
  put_string(block, k_name, h.name);
  put_octal(block, k_mode, h.mode);
  put_octal(block, k_uid, h.uid);
  put_octal(block, k_gid, h.gid);
  put_octal(block, k_size, h.size);
  put_octal(block, k_mtime, h.mtime < 0 ? 0 : static_cast<uint64_t>(h.mtime));
  block[k_typeflag.offset] = h.type;
  put_string(block, k_linkname, h.linkname);
  put_string(block, {k_magic.offset, k_posix_magic.size()}, k_posix_magic);
  put_string(block, k_uname, h.uname.substr(0, k_max_user_name));
  put_string(block, k_gname, h.gname.substr(0, k_max_user_name));
  put_octal(block, k_devmajor, h.devmajor);
  put_octal(block, k_devminor, h.devminor);
  // Six octal digits, NUL, space: the historical layout every reader accepts.
  put_string(block, k_checksum, fmt::format("{:06o}", header_checksums(block).unsigned_sum));
  block[k_checksum.offset + 6] = '\0';
  block[k_checksum.offset + 7] = ' ';
  return block;
}

/// "<dir>/PaxHeaders.0/<base>" for `path` (trailing slashes ignored), at most 100 bytes.
std::string pax_header_name(std::string_view path) {
  while (path.size() > 1 && path.ends_with('/')) path.remove_suffix(1);
  size_t slash = path.rfind('/');
  std::string name = slash == std::string_view::npos
                         ? fmt::format("PaxHeaders.0/{}", path)
                         : fmt::format("{}/PaxHeaders.0/{}", path.substr(0, slash), path.substr(slash + 1));
  return name.substr(0, k_name.size);
}

/// Checks the entry itself; add() and add_header() check the content length.
Status validate(const TarEntry& e) {
  if (e.path.empty()) return fail(Errc::usage, "tar entry with an empty path");
  for (const std::string* text : {&e.path, &e.link_target, &e.uname, &e.gname})
    if (text->find('\0') != std::string::npos)
      return fail(Errc::usage, "NUL byte in the path, link target or owner names");
  switch (e.type) {
    case TarType::file: case TarType::hardlink: case TarType::symlink: case TarType::chardev:
    case TarType::blockdev: case TarType::directory: case TarType::fifo: break;
    default: return fail(Errc::usage, "unknown entry type 0x{:02x}", static_cast<unsigned char>(e.type));
  }
  if (e.type != TarType::file && e.size != 0) return fail(Errc::usage, "only regular files have content");
  if (e.mode > 07777) return fail(Errc::usage, "mode {:o} has bits beyond 07777", e.mode);
  if (e.devmajor > k_max_octal7 || e.devminor > k_max_octal7)
    return fail(Errc::unsupported, "device number {},{} does not fit ustar", e.devmajor, e.devminor);
  for (const auto& [key, value] : e.pax) {
    if (key.empty() || key.find_first_of(std::string_view("=\0", 2)) != std::string::npos)
      return fail(Errc::usage, "invalid PAX key '{}'", key);
    for (std::string_view mapped : k_mapped_pax_keys)
      if (key == mapped) return fail(Errc::usage, "PAX key '{}' must be set through its field", key);
  }
  return {};
}

}  // namespace

TarWriter::TarWriter(Sink& sink, TarWriterOptions options) : m_sink(sink), m_options(options) {}

Status TarWriter::write(std::string_view bytes) {
  TRY(m_sink.write(bytes));
  m_written += bytes.size();
  return {};
}

Status TarWriter::add(const TarEntry& entry, std::string_view content) {
  if (content.size() != entry.size)
    return fail(Errc::usage, "writing tar entry '{}': content is {} bytes but the entry size is {}",
                entry.path, content.size(), entry.size);
  TRY(add_header(entry));
  TRY(write_content(content));
  return end_content();
}

Status TarWriter::add_header(const TarEntry& entry) {
  if (m_open)
    return fail(Errc::usage, "writing tar entry '{}': the content of '{}' is not complete",
                entry.path, m_open_path);
  TRY_CTX(validate(entry), "writing tar entry '{}'", entry.path);
  std::string name = entry.path;
  if (entry.type == TarType::directory && !name.ends_with('/')) name += '/';

  std::map<std::string, std::string> records(entry.pax.begin(), entry.pax.end());
  if (name.size() > k_name.size || !m_options.pax_only_when_needed) records["path"] = name;
  if (entry.link_target.size() > k_linkname.size) records["linkpath"] = entry.link_target;
  if (entry.size > k_max_octal11) records["size"] = std::to_string(entry.size);
  if (entry.uid > k_max_octal7) records["uid"] = std::to_string(entry.uid);
  if (entry.gid > k_max_octal7) records["gid"] = std::to_string(entry.gid);
  if (entry.mtime < 0 || static_cast<uint64_t>(entry.mtime) > k_max_octal11)
    records["mtime"] = std::to_string(entry.mtime);
  if (entry.uname.size() > k_max_user_name) records["uname"] = entry.uname;
  if (entry.gname.size() > k_max_user_name) records["gname"] = entry.gname;

  if (!records.empty()) {
    std::string data;
    for (const auto& [key, value] : records) data += pax_record(key, value);
    std::string pax_name = pax_header_name(entry.path);
    HeaderFields pax{.name = pax_name, .type = k_type_pax, .mode = 0644, .uid = entry.uid,
                     .gid = entry.gid, .size = data.size(), .mtime = entry.mtime};
    TRY(write(make_header(pax)));
    data.resize((data.size() + k_block - 1) / k_block * k_block, '\0');
    TRY(write(data));
  }

  HeaderFields h{.name = name, .type = static_cast<char>(entry.type), .mode = entry.mode,
                 .uid = entry.uid, .gid = entry.gid, .size = entry.size, .mtime = entry.mtime,
                 .linkname = entry.link_target, .uname = entry.uname, .gname = entry.gname,
                 .devmajor = entry.devmajor, .devminor = entry.devminor};
  TRY(write(make_header(h)));
  m_open = true;
  m_open_path = entry.path;
  m_open_size = entry.size;
  m_open_remaining = entry.size;
  return {};
}

Status TarWriter::write_content(std::string_view chunk) {
  if (!m_open) return fail(Errc::usage, "tar content written outside an entry");
  if (chunk.size() > m_open_remaining)
    return fail(Errc::usage, "writing tar entry '{}': more content than its size {}", m_open_path,
                m_open_size);
  m_open_remaining -= chunk.size();
  return write(chunk);
}

Status TarWriter::end_content() {
  if (!m_open) return fail(Errc::usage, "tar entry ended outside an entry");
  if (m_open_remaining != 0)
    return fail(Errc::usage, "writing tar entry '{}': {} of its {} bytes are missing", m_open_path,
                m_open_remaining, m_open_size);
  m_open = false;
  static constexpr char k_zeros[k_block] = {};
  if (size_t tail = m_open_size % k_block; tail != 0)
    TRY(write(std::string_view(k_zeros, k_block - tail)));
  return {};
}

Status TarWriter::finish() {
  if (m_open) return fail(Errc::usage, "tar finished while the content of '{}' is not complete", m_open_path);
  return write(std::string(2 * k_block, '\0'));
}

}  // namespace wisp::io
