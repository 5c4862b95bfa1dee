// SPDX 2.3 JSON documents (spdx-spec v2.3 schema; signing-sbom.md §6) for an image and for a
// multi-arch index.
//
// Image document: the image (CONTAINER, SHA256 of the manifest, pkg:oci purl) DESCRIBED by the
// document; one ARCHIVE package per layer; the OPERATING_SYSTEM from os-release; every installed
// package (name, version, supplier = the OS, originator = the maintainer, licence as a valid
// expression, checksums, pkg:apk / pkg:deb purl, homepage, source package); what packages' own
// SPDX documents add (recipe, sources, vendored modules). Relationships: image CONTAINS layer,
// OS and package; package DEPENDS_ON package (resolve_dependencies); the embedded documents'
// own (DESCRIBED_BY, GENERATED_FROM, DEPENDS_ON).
//
// Deterministic: created = the build date, the namespace and name derive from the digest, ids
// from names and versions, packages and relationships sorted. Every LicenseRef used is defined in
// hasExtractedLicensingInfos; every relationship endpoint is a package of the document.
#pragma once

#include <string>

#include "sbom/contents.h"

namespace wisp::sbom {

/// The image document, pretty-printed JSON ending in a newline.
std::string write_spdx(const ImageContents& image);

/// The index document: the index (CONTAINER, "Multi-arch image index") DESCRIBED by the
/// document, CONTAINS each arch image (CONTAINER, pkg:oci purl with its arch).
std::string write_index_spdx(const IndexContents& index);

}  // namespace wisp::sbom
