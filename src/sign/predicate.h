// The predicates `cosign attest --type T --predicate FILE` puts into an in-toto statement
// (signing-sbom.md §3.3): which URI each type name means, and how the file becomes the
// statement's predicate.
#pragma once

#include <string>
#include <string_view>

#include "base/result.h"

namespace wisp::sign {

inline constexpr std::string_view k_custom_predicate_type = "https://cosign.sigstore.dev/attestation/v1";

/// The predicateType URI for a cosign --type name (spdx, spdxjson, cyclonedx, slsaprovenance,
/// slsaprovenance02, slsaprovenance1, link, vuln, openvex, custom) or a URI given as is
/// (anything containing "://"). Errc::usage for other names.
Result<std::string> predicate_type_uri(std::string_view type);

/// The predicate as compact JSON: `spdx` (tag-value) as a JSON string, `custom` as
/// {"Data": text, "Timestamp": timestamp}, every other type the file's JSON object.
/// Errc::bad_format naming the type when the file is not a JSON object.
Result<std::string> make_predicate(std::string_view type, std::string_view file_text, std::string_view timestamp);

}  // namespace wisp::sign
