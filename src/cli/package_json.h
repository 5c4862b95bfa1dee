// The JSON form of package metadata, shared by `wisp pkg info --json` and `wisp index show --json`
// so both speak the same field names.
#pragma once

#include <nlohmann/json.hpp>

#include "pkg/apk/package_info.h"

namespace wisp::cli {

/// Every field of `info`; absent optional numbers are null, unmodelled .PKGINFO keys go to
/// "extra" as [{key, value}] in their original order.
nlohmann::json package_info_json(const pkg::apk::PackageInfo& info);

}  // namespace wisp::cli
