// CycloneDX 1.6 JSON (CycloneDX/specification bom-1.6.schema.json; signing-sbom.md §7) for an
// image: metadata.component is the image (container, pkg:oci purl, SHA-256 of the manifest,
// layers as properties); components are the operating system and one library per installed
// package (purl, supplier, licences, hashes, homepage, origin); dependencies run from the image
// to every component and between packages as resolved. What packages' own SPDX documents add
// becomes externalReferences (build-meta: the recipe, source-distribution: upstream sources) or
// further library components (vendored modules) the package depends on.
//
// Deterministic like the SPDX writer: the timestamp is the build date and the serialNumber is
// derived from the image digest.
#pragma once

#include <string>

#include "sbom/contents.h"

namespace wisp::sbom {

/// The BOM, pretty-printed JSON ending in a newline.
std::string write_cyclonedx(const ImageContents& image);

}  // namespace wisp::sbom
