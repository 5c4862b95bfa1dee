#include "image/ldso_cache.h"

#include <fnmatch.h>

#include <algorithm>
#include <map>
#include <set>

#include "base/log.h"
#include "image/customize.h"
#include "io/sink.h"

namespace wisp::image {
namespace {

// ---- ELF ------------------------------------------------------------------------------------

constexpr uint16_t kEtDyn = 3;
constexpr uint32_t kPtLoad = 1;
constexpr uint32_t kPtDynamic = 2;
constexpr int64_t kDtNull = 0;
constexpr int64_t kDtStrtab = 5;
constexpr int64_t kDtStrsz = 10;
constexpr int64_t kDtSoname = 14;
constexpr size_t kMaxSoname = 4096;

// Reads fixed-width integers at checked offsets in the target's byte order.
class ElfBytes {
 public:
  ElfBytes(std::string_view bytes, bool big) : m_bytes(bytes), m_big(big) {}

  bool has(uint64_t offset, uint64_t size) const {
    return offset <= m_bytes.size() && size <= m_bytes.size() - offset;
  }
  uint64_t read(uint64_t offset, unsigned width) const {  // caller checked has(offset, width)
    uint64_t value = 0;
    for (unsigned i = 0; i < width; ++i) {
      uint64_t byte = static_cast<unsigned char>(m_bytes[offset + (m_big ? i : width - 1 - i)]);
      value = (value << 8) | byte;
    }
    return value;
  }
  std::string_view bytes() const { return m_bytes; }

 private:
  std::string_view m_bytes;
  bool m_big;
};

struct Segment {
  uint32_t type;
  uint64_t offset, vaddr, filesz;
};

// The file offset of virtual address `vaddr`, through the PT_LOAD segment holding it.
std::optional<uint64_t> file_offset(const std::vector<Segment>& segments, uint64_t vaddr) {
  for (const Segment& s : segments) {
    if (s.type != kPtLoad || vaddr < s.vaddr || vaddr - s.vaddr >= s.filesz) continue;
    uint64_t delta = vaddr - s.vaddr;
    if (s.offset > UINT64_MAX - delta) return std::nullopt;
    return s.offset + delta;
  }
  return std::nullopt;
}

// ---- cache bytes ----------------------------------------------------------------------------

constexpr std::string_view kMagic = "glibc-ld.so.cache1.1";
constexpr size_t kHeaderSize = 48;
constexpr size_t kEntrySize = 24;
constexpr uint32_t kExtensionMagic = 0xEAA42174;
constexpr uint32_t kTagGenerator = 0;
constexpr uint8_t kEndianLittle = 2;
constexpr uint8_t kEndianBig = 3;
constexpr std::string_view kGenerator = "wisp";

constexpr int32_t kFlagElfLibc6 = 0x0003;

class ByteWriter {
 public:
  explicit ByteWriter(bool big) : m_big(big) {}
  void put(uint64_t value, unsigned width) {
    for (unsigned i = 0; i < width; ++i) {
      // Widths above 8 are zero padding: bytes past the value's 64 bits are 0 (and shifting
      // by 64 or more would be undefined).
      unsigned shift = 8 * (m_big ? width - 1 - i : i);
      m_out.push_back(shift < 64 ? static_cast<char>((value >> shift) & 0xff) : '\0');
    }
  }
  void append(std::string_view bytes) { m_out.append(bytes); }
  std::string take() { return std::move(m_out); }
  size_t size() const { return m_out.size(); }

 private:
  bool m_big;
  std::string m_out;
};

// ---- ld.so.conf -----------------------------------------------------------------------------

constexpr int kMaxIncludeDepth = 16;

std::string_view trim(std::string_view s) {
  size_t b = s.find_first_not_of(" \t\r\f\v");
  if (b == std::string_view::npos) return {};
  size_t e = s.find_last_not_of(" \t\r\f\v");
  return s.substr(b, e - b + 1);
}

// "/a//b/" -> "/a/b"; "/" stays "/".
std::string normalize_dir(std::string_view dir) {
  std::string out;
  for (char c : dir) {
    if (c == '/' && !out.empty() && out.back() == '/') continue;
    out.push_back(c);
  }
  while (out.size() > 1 && out.back() == '/') out.pop_back();
  return out;
}

std::string_view relative(std::string_view absolute) {
  while (!absolute.empty() && absolute.front() == '/') absolute.remove_prefix(1);
  return absolute;
}

std::string parent_dir(std::string_view path) {
  size_t slash = path.rfind('/');
  return slash == std::string_view::npos || slash == 0 ? "/" : std::string(path.substr(0, slash));
}

struct ConfReader {
  const Rootfs& rootfs;
  const ContentStore& store;
  std::vector<std::string> dirs;

  // The files an include pattern names: the entries of the pattern's directory whose names
  // match its last component (fnmatch, like glob: a leading '.' must be explicit), sorted.
  std::vector<std::string> expand(const std::string& pattern) {
    std::string dir = parent_dir(pattern);
    std::string name = pattern.substr(pattern.rfind('/') + 1);
    std::vector<std::string> out;
    const Node* node = const_cast<Rootfs&>(rootfs).find_following(relative(dir));
    if (!node || !node->is_dir()) return out;
    for (const auto& [child, _] : node->children) {
      if (fnmatch(name.c_str(), child.c_str(), FNM_PERIOD) == 0) out.push_back(normalize_dir(dir + "/" + child));
    }
    return out;
  }

  void read_conf(const std::string& path, int depth) {
    if (depth > kMaxIncludeDepth) {
      log::debug("ld.so.conf: includes nested too deep at {}", path);
      return;
    }
    Result<std::string> text = read_tree_file(rootfs, store, relative(path));
    if (!text) return;
    std::string_view rest = *text;
    while (!rest.empty()) {
      size_t nl = rest.find('\n');
      std::string_view line = rest.substr(0, nl);
      rest = nl == std::string_view::npos ? std::string_view{} : rest.substr(nl + 1);
      line = trim(line.substr(0, line.find('#')));
      if (line.empty()) continue;
      if (line.starts_with("include") && line.size() > 7 && (line[7] == ' ' || line[7] == '\t')) {
        std::string_view patterns = line.substr(8);
        while (!(patterns = trim(patterns)).empty()) {
          size_t end = patterns.find_first_of(" \t");
          std::string pattern(patterns.substr(0, end));
          patterns = end == std::string_view::npos ? std::string_view{} : patterns.substr(end);
          if (pattern.front() != '/') pattern = parent_dir(path) + "/" + pattern;
          for (const std::string& file : expand(pattern)) read_conf(file, depth + 1);
        }
        continue;
      }
      if (line.starts_with("hwcap") && line.size() > 5 && (line[5] == ' ' || line[5] == '\t')) continue;
      if (line.front() != '/') {
        log::debug("ld.so.conf: ignoring relative directory {}", line);
        continue;
      }
      dirs.push_back(normalize_dir(line));
    }
  }
};

// ---- scanning -------------------------------------------------------------------------------

bool shared_library_name(std::string_view name) {
  return (name.starts_with("lib") || name.starts_with("ld-")) && name.find(".so") != std::string_view::npos;
}

// The regular file at `path`, following symlinks and hardlinks; null if there is none.
const Node* regular_file(const Rootfs& rootfs, std::string_view path) {
  Rootfs& fs = const_cast<Rootfs&>(rootfs);
  const Node* node = fs.find_following(path);
  if (node && node->kind == NodeKind::hardlink) node = fs.find_following(relative(node->link_target));
  return node && node->kind == NodeKind::file ? node : nullptr;
}

// A library's ELF facts. Headers and the dynamic string table sit near the start of a shared
// object, so a prefix is read first and the whole file only when the prefix does not parse.
// Errc::bad_format for bytes that are not a shared object; other codes: the store failed.
Result<ElfLibrary> read_library(const Node& file, const ContentStore& store) {
  if (!file.stored) return read_elf_library(file.data);
  constexpr uint64_t kPrefix = 256 << 10;
  std::string bytes;
  io::StringSink sink(bytes);
  ContentRef prefix{file.stored->offset, std::min(file.stored->size, kPrefix)};
  TRY(store.read(prefix, sink));
  Result<ElfLibrary> lib = read_elf_library(bytes);
  if (lib || prefix.size == file.stored->size) return lib;
  bytes.clear();
  TRY(store.read(*file.stored, sink));
  return read_elf_library(bytes);
}

struct Candidate {
  std::string file;  // the name in the directory
  int32_t flags;
};

}  // namespace

Result<ElfLibrary> read_elf_library(std::string_view bytes) {
  if (bytes.size() < 52 || !bytes.starts_with("\x7f" "ELF")) return fail(Errc::bad_format, "not an ELF file");
  ElfLibrary lib;
  unsigned char elf_class = static_cast<unsigned char>(bytes[4]);
  unsigned char data = static_cast<unsigned char>(bytes[5]);
  if ((elf_class != 1 && elf_class != 2) || (data != 1 && data != 2))
    return fail(Errc::bad_format, "unknown ELF class or byte order");
  lib.is64 = elf_class == 2;
  lib.big_endian = data == 2;
  ElfBytes elf(bytes, lib.big_endian);
  const unsigned word = lib.is64 ? 8 : 4;
  if (!elf.has(0, lib.is64 ? 64 : 52)) return fail(Errc::bad_format, "truncated ELF header");
  if (elf.read(16, 2) != kEtDyn) return fail(Errc::bad_format, "not a shared object");
  lib.machine = static_cast<uint16_t>(elf.read(18, 2));
  uint64_t phoff = elf.read(lib.is64 ? 32 : 28, word);
  lib.flags = static_cast<uint32_t>(elf.read(lib.is64 ? 48 : 36, 4));
  uint64_t phentsize = elf.read(lib.is64 ? 54 : 42, 2);
  uint64_t phnum = elf.read(lib.is64 ? 56 : 44, 2);
  const uint64_t min_phent = lib.is64 ? 56 : 32;
  if (phnum == 0) return lib;
  if (phentsize < min_phent || phnum == 0xffff || !elf.has(phoff, phentsize * phnum))
    return fail(Errc::bad_format, "program headers out of bounds");

  std::vector<Segment> segments;
  for (uint64_t i = 0; i < phnum; ++i) {
    uint64_t at = phoff + i * phentsize;
    Segment s{};
    s.type = static_cast<uint32_t>(elf.read(at, 4));
    if (lib.is64) {
      s.offset = elf.read(at + 8, 8);
      s.vaddr = elf.read(at + 16, 8);
      s.filesz = elf.read(at + 32, 8);
    } else {
      s.offset = elf.read(at + 4, 4);
      s.vaddr = elf.read(at + 8, 4);
      s.filesz = elf.read(at + 16, 4);
    }
    segments.push_back(s);
  }
  auto dynamic = std::find_if(segments.begin(), segments.end(), [](const Segment& s) { return s.type == kPtDynamic; });
  if (dynamic == segments.end()) return lib;
  if (!elf.has(dynamic->offset, dynamic->filesz)) return fail(Errc::bad_format, "dynamic section out of bounds");

  std::optional<uint64_t> strtab, strsz, soname;
  const uint64_t dynent = 2 * word;
  for (uint64_t at = dynamic->offset; at + dynent <= dynamic->offset + dynamic->filesz; at += dynent) {
    uint64_t tag_bits = elf.read(at, word);
    int64_t tag = lib.is64 ? static_cast<int64_t>(tag_bits) : static_cast<int32_t>(tag_bits);
    uint64_t value = elf.read(at + word, word);
    if (tag == kDtNull) break;
    if (tag == kDtStrtab && !strtab) strtab = value;
    if (tag == kDtStrsz && !strsz) strsz = value;
    if (tag == kDtSoname && !soname) soname = value;
  }
  if (!soname) return lib;
  if (!strtab) return fail(Errc::bad_format, "DT_SONAME without DT_STRTAB");
  std::optional<uint64_t> table = file_offset(segments, *strtab);
  if (!table || !elf.has(*table, 0)) return fail(Errc::bad_format, "string table outside the file");
  uint64_t table_size = bytes.size() - *table;
  if (strsz) table_size = std::min(table_size, *strsz);
  if (*soname >= table_size) return fail(Errc::bad_format, "DT_SONAME outside the string table");
  std::string_view rest = bytes.substr(*table + *soname, std::min<uint64_t>(table_size - *soname, kMaxSoname + 1));
  size_t nul = rest.find('\0');
  if (nul == std::string_view::npos) return fail(Errc::bad_format, "DT_SONAME not terminated");
  lib.soname = std::string(rest.substr(0, nul));
  return lib;
}

std::optional<int32_t> ld_cache_flags(std::string_view apk_arch, const ElfLibrary& lib) {
  constexpr uint16_t kEm386 = 3, kEmArm = 40, kEmPpc64 = 21, kEmS390 = 22, kEmX8664 = 62, kEmAarch64 = 183,
                     kEmRiscv = 243, kEmLoongarch = 258;
  auto is = [&](uint16_t machine, bool is64, bool big) {
    return lib.machine == machine && lib.is64 == is64 && lib.big_endian == big;
  };
  if (apk_arch == "x86_64") return is(kEmX8664, true, false) ? std::optional(0x0300 | kFlagElfLibc6) : std::nullopt;
  if (apk_arch == "aarch64") return is(kEmAarch64, true, false) ? std::optional(0x0a00 | kFlagElfLibc6) : std::nullopt;
  if (apk_arch == "x86") return is(kEm386, false, false) ? std::optional(kFlagElfLibc6) : std::nullopt;
  if (apk_arch == "ppc64le") return is(kEmPpc64, true, false) ? std::optional(0x0500 | kFlagElfLibc6) : std::nullopt;
  if (apk_arch == "s390x") return is(kEmS390, true, true) ? std::optional(0x0400 | kFlagElfLibc6) : std::nullopt;
  if (apk_arch == "armv7" || apk_arch == "armhf") {
    if (!is(kEmArm, false, false)) return std::nullopt;
    if (lib.flags & 0x400) return 0x0900 | kFlagElfLibc6;  // EF_ARM_ABI_FLOAT_HARD
    if (lib.flags & 0x200) return 0x0b00 | kFlagElfLibc6;  // EF_ARM_ABI_FLOAT_SOFT
    return kFlagElfLibc6;
  }
  if (apk_arch == "riscv64") {
    if (!is(kEmRiscv, true, false)) return std::nullopt;
    switch (lib.flags & 0x6) {  // EF_RISCV_FLOAT_ABI
      case 0x0: return 0x0f00 | kFlagElfLibc6;
      case 0x4: return 0x1000 | kFlagElfLibc6;
      default: return std::nullopt;  // single/quad float: no glibc loader for it
    }
  }
  if (apk_arch == "loongarch64") {
    if (!is(kEmLoongarch, true, false)) return std::nullopt;
    switch (lib.flags & 0x7) {  // EF_LARCH_ABI_MODIFIER_MASK
      case 0x1: return 0x1100 | kFlagElfLibc6;
      case 0x3: return 0x1200 | kFlagElfLibc6;
      default: return std::nullopt;
    }
  }
  return std::nullopt;
}

int ld_cache_libcmp(std::string_view a, std::string_view b) {
  auto digit = [](char c) { return c >= '0' && c <= '9'; };
  size_t i = 0, j = 0;
  while (i < a.size() && j < b.size()) {
    if (digit(a[i]) && digit(b[j])) {
      // Numbers of any length: skip leading zeros, then the longer run is larger.
      size_t si = i, sj = j;
      while (i < a.size() && digit(a[i])) ++i;
      while (j < b.size() && digit(b[j])) ++j;
      std::string_view x = a.substr(si, i - si), y = b.substr(sj, j - sj);
      x.remove_prefix(std::min(x.find_first_not_of('0'), x.size()));
      y.remove_prefix(std::min(y.find_first_not_of('0'), y.size()));
      if (x.size() != y.size()) return x.size() < y.size() ? -1 : 1;
      if (int c = x.compare(y); c != 0) return c;
      continue;
    }
    if (digit(a[i])) return 1;
    if (digit(b[j])) return -1;
    if (a[i] != b[j]) return static_cast<unsigned char>(a[i]) < static_cast<unsigned char>(b[j]) ? -1 : 1;
    ++i;
    ++j;
  }
  if (i < a.size()) return 1;
  if (j < b.size()) return -1;
  return 0;
}

std::string encode_ld_so_cache(std::vector<LdCacheEntry> entries, bool big_endian) {
  std::stable_sort(entries.begin(), entries.end(), [](const LdCacheEntry& x, const LdCacheEntry& y) {
    int c = ld_cache_libcmp(x.soname, y.soname);
    return c != 0 ? c > 0 : x.flags > y.flags;
  });
  // String table right after the entries; offsets count from the start of the file.
  const size_t strings_start = kHeaderSize + kEntrySize * entries.size();
  std::string strings;
  std::map<std::string, uint32_t, std::less<>> offsets;
  auto intern = [&](const std::string& s) {
    auto [it, added] = offsets.try_emplace(s, 0);
    if (added) {
      it->second = static_cast<uint32_t>(strings_start + strings.size());
      strings.append(s).push_back('\0');
    }
    return it->second;
  };
  std::vector<std::pair<uint32_t, uint32_t>> keys;
  for (const LdCacheEntry& e : entries) {
    uint32_t key = intern(e.soname);
    keys.emplace_back(key, intern(e.path));
  }
  const size_t extension_offset = (strings_start + strings.size() + 3) & ~size_t{3};

  ByteWriter out(big_endian);
  out.append(kMagic);
  out.put(entries.size(), 4);
  out.put(strings.size(), 4);
  out.put(big_endian ? kEndianBig : kEndianLittle, 1);
  out.put(0, 3);
  out.put(extension_offset, 4);
  out.put(0, 12);
  for (size_t i = 0; i < entries.size(); ++i) {
    out.put(static_cast<uint32_t>(entries[i].flags), 4);
    out.put(keys[i].first, 4);
    out.put(keys[i].second, 4);
    out.put(0, 4);  // osversion, unused
    out.put(0, 8);  // hwcap: none
  }
  out.append(strings);
  out.put(0, extension_offset - out.size());
  // Extension directory: one section, the generator string right after it.
  const size_t directory_size = 8 + 16;
  out.put(kExtensionMagic, 4);
  out.put(1, 4);
  out.put(kTagGenerator, 4);
  out.put(0, 4);
  out.put(extension_offset + directory_size, 4);
  out.put(kGenerator.size(), 4);
  out.append(kGenerator);
  return out.take();
}

std::vector<std::string> ld_so_conf_dirs(const Rootfs& rootfs, const ContentStore& store) {
  if (!regular_file(rootfs, "etc/ld.so.conf")) return {};
  ConfReader reader{rootfs, store, {}};
  reader.read_conf("/etc/ld.so.conf", 0);
  reader.dirs.push_back("/lib");
  reader.dirs.push_back("/usr/lib");
  return std::move(reader.dirs);
}

Status write_ld_so_cache(Rootfs& rootfs, const ContentStore& store, std::string_view apk_arch, int64_t mtime) {
  std::vector<std::string> dirs = ld_so_conf_dirs(rootfs, store);
  if (dirs.empty()) return {};
  std::set<const Node*> scanned;
  std::map<const Node*, Result<ElfLibrary>> parsed;
  std::vector<LdCacheEntry> entries;
  for (const std::string& dir : dirs) {
    const Node* node = rootfs.find_following(relative(dir));
    if (!node || !node->is_dir() || !scanned.insert(node).second) continue;
    const std::string prefix = dir == "/" ? "/" : dir + "/";
    // One library per soname: the entry named like the soname if the directory has one (the
    // link ldconfig keeps), else the highest version, which ldconfig would link the soname to.
    std::map<std::string, Candidate> chosen;
    std::vector<std::string> order;
    for (const auto& [name, child] : node->children) {
      if (!shared_library_name(name)) continue;
      const Node* file = regular_file(rootfs, relative(prefix + name));
      if (!file) continue;
      auto known = parsed.find(file);  // the soname links and the file: read once
      if (known == parsed.end()) known = parsed.emplace(file, read_library(*file, store)).first;
      const Result<ElfLibrary>& lib = known->second;
      if (!lib && lib.error().code != Errc::bad_format)
        return fail(lib.error().code, "ld.so.cache: {}{}: {}", prefix, name, lib.error().message);
      if (!lib) {
        log::debug("ld.so.cache: skipping {}{}: {}", prefix, name, lib.error().message);
        continue;
      }
      std::optional<int32_t> flags = ld_cache_flags(apk_arch, *lib);
      if (!flags) continue;
      std::string soname = lib->soname.value_or(name);
      if (soname.empty() || soname.find('/') != std::string::npos) continue;
      auto [it, added] = chosen.try_emplace(soname, Candidate{name, *flags});
      if (added) {
        order.push_back(soname);
      } else if (it->second.file != soname && (name == soname || ld_cache_libcmp(name, it->second.file) > 0)) {
        it->second = Candidate{name, *flags};
      }
    }
    for (const std::string& soname : order) {
      const Candidate& c = chosen.at(soname);
      entries.push_back({soname, prefix + c.file, c.flags});
    }
  }
  log::debug("{}: {} entries in /etc/ld.so.cache", apk_arch, entries.size());
  const bool big_endian = apk_arch == "s390x";
  TRY(rootfs.put_file("etc/ld.so.cache", encode_ld_so_cache(std::move(entries), big_endian), 0644, mtime));
  return {};
}

}  // namespace wisp::image
