// Reading a Debian repository for one architecture: Release (InRelease, or Release +
// Release.gpg) verified with gpgv against the line's keyring, then each component's
// binary-ARCH/Packages(.xz|.gz) checked against the SHA-256 and size the Release lists, and
// parsed. Flat repositories ("URI ./") work the same with their Release beside Packages; a
// [trusted=yes] flat repository needs no Release at all.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "base/result.h"
#include "pkg/deb/packages_index.h"
#include "pkg/deb/source_line.h"
#include "pkg/repo/fetcher.h"

namespace wisp::pkg::deb {

/// The packages of one repository line for one arch. Entries keep their addresses (the resolver
/// points at them), so this is handed around by unique_ptr.
struct RepositoryPackages {
  SourceLine source;
  std::string arch;
  std::vector<PackageEntry> packages;  // that arch's and "all"

  /// Where an entry's .deb is: URI + "/" + Filename, the file name percent-encoded for URLs
  /// (as apt does: "1%3a2.0" on disk is "1%253a2.0" in a URL, '+' is "%2b").
  std::string location(const PackageEntry& entry) const;
};

/// apt's keyrings for lines without signed-by: /etc/apt/trusted.gpg and /etc/apt/trusted.gpg.d/*.
std::vector<std::string> default_keyrings();

/// Errors name the line and the file: not found, bad signature, hash mismatch, parse errors.
/// [trusted=yes] skips signature checks with a warning (once per line and arch).
Result<std::unique_ptr<RepositoryPackages>> load_repository(repo::Fetcher& fetcher, const SourceLine& source,
                                                            const std::string& arch);

}  // namespace wisp::pkg::deb
