// Package databases inside images, read into sbom::Package values:
//  - apk: lib/apk/db/installed (usr/lib/apk/db/installed since apk-tools 2.14 and in apko
//    images), the APKINDEX block format with file lines (apk-format.md §6.1). apko's quirks
//    are accepted: `i:[]` for an empty install_if, no `r:` lines.
//  - dpkg: var/lib/dpkg/status and the one-stanza files of var/lib/dpkg/status.d/ that
//    distroless images carry instead (deb822 stanzas; only "install ok installed" ones count).
// Parsers take bytes and do no I/O; they read untrusted input (fuzz/sbom_package_db_fuzz.cc).
#pragma once

#include <string_view>
#include <vector>

#include "base/result.h"
#include "pkg/apk/package_info.h"
#include "sbom/contents.h"

namespace wisp::sbom {

/// The Package an apk database (or .PKGINFO) entry describes: checksums from the `C:` identity
/// (Q1 = SHA-1, Q2 = SHA-256, base64 -> hex; anything else is left out), the origin only when
/// it differs from the name. Build-time and image-time SBOMs both go through this.
Package apk_package(const pkg::apk::PackageInfo& info);

/// Every package of an apk installed database, sorted (sort_packages). Errc::bad_format (with
/// the line) for lines that are not `X:value`, bad numbers, or a block without P: or V:.
Result<std::vector<Package>> parse_apk_installed(std::string_view text);

/// The installed packages of a dpkg status file (or of one status.d file), sorted. Stanzas whose
/// Status is present and not "... installed" are skipped. Errc::bad_format (with the line) for
/// a line that is neither "Field: value" nor a continuation, or an installed stanza without
/// Package or Version.
Result<std::vector<Package>> parse_dpkg_status(std::string_view text);

}  // namespace wisp::sbom
