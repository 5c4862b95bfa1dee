// The packages already in a root (apk's lib/apk/db/installed, apk-format.md §6.1), as the
// resolver sees them: their metadata and the repository tag each was installed from.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "pkg/apk/package_info.h"

namespace wisp::pkg::solve {

struct InstalledPackage {
  apk::PackageInfo info;
  std::string tag;  // the repository tag it was installed from (`s:`, without '@'); "" for none
};

/// Parses installed-db text: the package blocks (see apk::parse_index_text; file lines are
/// ignored) and each block's `s:` repository tag. Errc::bad_format as parse_index_text.
Result<std::vector<InstalledPackage>> parse_installed_db(std::string_view text);

}  // namespace wisp::pkg::solve
