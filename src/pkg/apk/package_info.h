// The metadata of one APK package, as in `.PKGINFO` (apk-format.md §2) and in APKINDEX /
// installed-db blocks (§3.2, §6.1). One struct serves all three so conversions are lossless.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/result.h"

namespace wisp::pkg::apk {

struct PackageInfo {
  std::string name;         // pkgname / P
  std::string version;      // pkgver / V
  std::string arch;         // arch / A
  std::string description;  // pkgdesc / T
  std::string url;          // url / U
  std::string license;      // license / L (several .PKGINFO lines are joined with " AND ")
  std::string origin;       // origin / o
  std::string maintainer;   // maintainer / m
  std::string commit;       // commit / c
  std::string packager;     // packager (abuild only; not in the index)
  std::optional<int64_t> build_time;  // builddate / t
  uint64_t installed_size = 0;        // size / I
  uint64_t file_size = 0;             // S (index only: the .apk file size)
  std::vector<std::string> depends;      // depend / D (dependency atoms)
  std::vector<std::string> provides;     // provides / p
  std::vector<std::string> install_if;   // install_if / i
  std::vector<std::string> replaces;     // replaces (.PKGINFO and installed db r:)
  std::vector<std::string> triggers;     // triggers
  std::optional<int64_t> provider_priority;  // provider_priority / k
  std::optional<int64_t> replaces_priority;  // replaces_priority / q
  std::string datahash;     // datahash: lowercase hex sha256 of the data member
  std::string checksum;     // C: identity as written, normally "Q1" + base64(sha1(control))
  // .PKGINFO keys wisp does not model, kept in order so a round trip loses nothing.
  std::vector<std::pair<std::string, std::string>> extra;
  // Set by parse_index_text when a block carries an uppercase letter wisp does not know: like
  // apk-tools, such a package is listed but must never be installed (a newer format feature).
  bool uninstallable = false;
};

/// Parses `.PKGINFO` text. Errc::bad_format (with the line number) for lines that are not
/// `key = value`, or a missing pkgname/pkgver.
Result<PackageInfo> parse_pkginfo(std::string_view text);

/// Writes `.PKGINFO` in melange's field order; empty optional fields are left out.
/// pkgname, pkgver and size are always written; a license is one line; lists are one line per
/// item except `install_if` and `triggers`, which are one space-separated line each (as abuild
/// and melange write them). A newline inside a value is written as a space.
std::string format_pkginfo(const PackageInfo& info);

enum class IndexBlockKind {
  index,         // APKINDEX: C P V A S I T U L o m t c k D p i
  installed_db,  // lib/apk/db/installed header: the index letters, then r: and q:
};

/// Writes the header lines of one APKINDEX / installed-db block in apk-tools' letter order,
/// each ending in '\n', *without* the blank line that ends a block (an installed-db writer
/// appends its F:/R: file lines first). Empty fields are left out; S and I are always written;
/// t only when build_time is set; k only when set and non-zero.
std::string format_index_block(const PackageInfo& info, IndexBlockKind kind = IndexBlockKind::index);

}  // namespace wisp::pkg::apk
