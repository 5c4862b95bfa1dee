// The identifiers SBOM documents give things, in one place so SPDX and CycloneDX agree:
// purls (purl.h) of images and packages, SPDX ids, document names and namespaces.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sbom/contents.h"

namespace wisp::sbom {

/// "wisp" and its version, for creator/tool fields.
std::string_view tool_name();
std::string_view tool_version();

/// pkg:oci/<name>@sha256:<hex>?arch=<oci arch>&repository_url=<repo>&tag=<tag> (qualifiers
/// present only when known; name "image" when the image has none).
std::string image_purl(const ImageName& name, std::string_view digest, std::string_view oci_arch);

/// pkg:apk/<os id>/<name>@<version>?arch=<arch>&distro=<os id>-<version id>&upstream=<origin>,
/// pkg:deb/<os id>/... likewise. The namespace is the lower-cased os-release ID ("unknown"
/// for apk, "debian" for deb when there is no os-release); the package's arch is used, the
/// image's when the package has none.
std::string package_purl(const Package& package, const std::optional<OsRelease>& os, std::string_view image_arch);

/// SPDXRef-Package-<apk|deb>-<name>-<version> per package (spdx_id() rules); when two packages
/// would share one, "-<arch>" and then "-<n>" tell them apart. Same order as `packages`.
std::vector<std::string> package_spdx_ids(const std::vector<Package>& packages);

/// "https://spdx.org/spdxdocs/wisp/<kind>/sha256-<hex>": unique per image (or index) digest.
std::string document_namespace(std::string_view kind, std::string_view digest);

/// "urn:uuid:..." derived from `seed` (a UUID of version 8, RFC 9562's custom layout).
std::string serial_number(std::string_view seed);

/// "Name <mail>" as SPDX wants a person: "Person: Name (mail)"; "" for empty input.
std::string spdx_person(std::string_view maintainer);

}  // namespace wisp::sbom
