// Licences of Debian packages, which dpkg's database does not record: they are in each package's
// /usr/share/doc/<package>/copyright, which scanners (syft, trivy) read for the same reason.
// Only machine-readable files (DEP-5, "Format: .../copyright-format/1.0/") are understood; a
// free-text file says nothing wisp can assert, so its package stays NOASSERTION.
#pragma once

#include <string>
#include <string_view>

namespace wisp::sbom {

/// Every distinct `License:` short name of a DEP-5 file, Debian's names turned into SPDX ids
/// where they differ ("GPL-2+" GPL-2.0-or-later, "LGPL-2.1" LGPL-2.1-only, "Expat" MIT,
/// "Apache-2" Apache-2.0, "Artistic" Artistic-1.0; "or"/"and" as OR/AND), sorted and joined with
/// AND: "Apache-2.0 AND (Artistic-1.0 OR GPL-1.0-or-later)". Names that are not SPDX ids stay as
/// single tokens (the SBOM writers make LicenseRefs of them); a clause with an exception ("GPL-2+
/// with OpenSSL exception") becomes one such token. "" for a file that is not DEP-5 or has no
/// License field.
std::string debian_copyright_license(std::string_view copyright);

}  // namespace wisp::sbom
