// Internal to io: the byte layout of a ustar header block, shared by the tar reader and writer
// (POSIX.1-2001 "ustar Interchange Format"; GNU's variant differs only after the `gname` field).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace wisp::io::tar_format {

inline constexpr size_t k_block = 512;

struct Field {
  size_t offset;
  size_t size;
};

inline constexpr Field k_name{0, 100};
inline constexpr Field k_mode{100, 8};
inline constexpr Field k_uid{108, 8};
inline constexpr Field k_gid{116, 8};
inline constexpr Field k_size{124, 12};
inline constexpr Field k_mtime{136, 12};
inline constexpr Field k_checksum{148, 8};
inline constexpr Field k_typeflag{156, 1};
inline constexpr Field k_linkname{157, 100};
inline constexpr Field k_magic{257, 6};
inline constexpr Field k_version{263, 2};
inline constexpr Field k_uname{265, 32};
inline constexpr Field k_gname{297, 32};
inline constexpr Field k_devmajor{329, 8};
inline constexpr Field k_devminor{337, 8};
inline constexpr Field k_prefix{345, 155};  // POSIX only; GNU keeps atime/ctime here

// Magic + version of the two header flavours we read; we write only the POSIX one.
inline constexpr std::string_view k_posix_magic{"ustar\0" "00", 8};
inline constexpr std::string_view k_gnu_magic{"ustar  \0", 8};

// Largest values the octal fields hold with their terminating NUL (7 and 11 digits).
inline constexpr uint64_t k_max_octal7 = 07777777;
inline constexpr uint64_t k_max_octal11 = 077777777777;

inline constexpr char k_type_pax = 'x';
inline constexpr char k_type_pax_global = 'g';
inline constexpr char k_type_gnu_long_name = 'L';
inline constexpr char k_type_gnu_long_link = 'K';

/// Header checksums: the byte sum with the checksum field counted as eight spaces, over
/// unsigned bytes (the standard) and over signed chars (what some old writers computed).
struct Checksums {
  uint32_t unsigned_sum = 0;
  int32_t signed_sum = 0;
};

inline Checksums header_checksums(std::string_view block) {
  Checksums sums;
  for (size_t i = 0; i < k_block; ++i) {
    bool in_field = i >= k_checksum.offset && i < k_checksum.offset + k_checksum.size;
    char c = in_field ? ' ' : block[i];
    sums.unsigned_sum += static_cast<unsigned char>(c);
    sums.signed_sum += static_cast<signed char>(c);
  }
  return sums;
}

}  // namespace wisp::io::tar_format
