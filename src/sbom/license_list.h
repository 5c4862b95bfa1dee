// The SPDX License List identifiers wisp knows (see license_list.cc for the version and source).
#pragma once

#include <span>
#include <string_view>

namespace wisp::sbom {

/// The version written as an SPDX document's licenseListVersion.
inline constexpr std::string_view k_license_list_version = "3.28";

/// Licence identifiers, sorted by ASCII-lowercased value.
std::span<const std::string_view> spdx_license_ids();
/// Licence exception identifiers (the right side of WITH), sorted the same way.
std::span<const std::string_view> spdx_exception_ids();

}  // namespace wisp::sbom
