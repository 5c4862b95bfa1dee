// /etc/ld.so.cache made natively, the way `ldconfig` would make it (apko-melange.md §2), so
// glibc's loader finds libraries in the directories /etc/ld.so.conf names. No ldconfig runs:
// wisp reads each library's ELF header and DT_SONAME itself, for any target arch.
//
// Written in glibc's "new" format only (glibc-ld.so.cache1.1, what ldconfig >= 2.32 writes),
// in the target's byte order. Differences from ldconfig: no soname links are created — when a
// directory has no entry named after a library's soname, the entry points at the library's
// own file instead (the file ldconfig would have linked to: the highest version by the
// loader's name order) — no glibc-hwcaps subdirectories, and every accepted library gets
// FLAG_ELF_LIBC6 (plus the arch's ABI flag), which every glibc loader accepts.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "image/rootfs.h"

namespace wisp::image {

/// What the cache needs from a shared library's ELF bytes.
struct ElfLibrary {
  bool is64 = false;
  bool big_endian = false;
  uint16_t machine = 0;  // e_machine
  uint32_t flags = 0;    // e_flags (float ABI on arm, riscv, loongarch)
  std::optional<std::string> soname;  // DT_SONAME; none if the library has none
};

/// Reads the header and dynamic section of an ELF shared object (ET_DYN; ELF32/ELF64, either
/// byte order). Untrusted input: every offset is bounds-checked. Errc::bad_format for bytes
/// that are not a well-formed shared object.
Result<ElfLibrary> read_elf_library(std::string_view bytes);

/// The cache entry flags ldconfig gives `lib` when building for `apk_arch` (FLAG_ELF_LIBC6 plus
/// the arch's ABI bits), or nullopt if the library is not for that arch (machine, class, byte
/// order or float ABI differ) or the arch is unknown.
std::optional<int32_t> ld_cache_flags(std::string_view apk_arch, const ElfLibrary& lib);

/// glibc's library-name order (_dl_cache_libcmp): runs of digits compare as numbers and sort
/// after other characters. <0, 0, >0 like strcmp.
int ld_cache_libcmp(std::string_view a, std::string_view b);

struct LdCacheEntry {
  std::string soname;  // key
  std::string path;    // absolute path the loader opens
  int32_t flags = 0;
};

/// The bytes of a new-format cache holding `entries` (sorted here as ldconfig sorts them:
/// descending name order, then descending flags, ties in the given order — the loader's binary
/// search depends on it). Integers in the target's byte order; string offsets count from the
/// start of the file; a generator extension names wisp.
std::string encode_ld_so_cache(std::vector<LdCacheEntry> entries, bool big_endian);

/// The library directories ldconfig would scan, in order: the ones /etc/ld.so.conf lists
/// (following `include GLOB` lines, relative globs resolved against the including file's
/// directory), then /lib and /usr/lib. Paths are absolute as written, without trailing '/'.
/// Empty when etc/ld.so.conf is absent.
std::vector<std::string> ld_so_conf_dirs(const Rootfs& rootfs, const ContentStore& store);

/// Writes etc/ld.so.cache (0644, `mtime`) for the shared libraries in ld_so_conf_dirs()
/// (directories deduplicated after resolving symlinks, missing ones skipped; libraries named
/// lib*.so* or ld-*.so* that are regular files or symlinks to one and match `apk_arch`).
/// Does nothing when etc/ld.so.conf is absent. Errors only when the tree cannot be read or
/// written; libraries that do not parse are skipped, as ldconfig skips them.
Status write_ld_so_cache(Rootfs& rootfs, const ContentStore& store, std::string_view apk_arch, int64_t mtime);

}  // namespace wisp::image
