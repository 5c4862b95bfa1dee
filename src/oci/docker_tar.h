// One tar that is both an OCI image layout and a `docker load` archive, as Docker 25+ `docker
// save` writes (oci-registries-scanners.md §1.8): oci-layout, index.json and blobs/sha256/*
// for OCI tools, and a manifest.json whose Config/Layers paths point into blobs/ for Docker.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "base/result.h"
#include "oci/descriptor.h"

namespace wisp::oci {

/// Writes `out` atomically (AtomicFile) holding the image `manifest` (a descriptor of an image
/// manifest whose blobs are in `layout_dir`/blobs/sha256, i.e. a LayoutWriter's staging dir
/// or a committed layout), its config and layers:
///  - index.json lists `manifest` (its platform kept) annotated with ref.name = the tag of
///    repo_tags[0] and io.containerd.image.name = repo_tags[0], when there is one;
///  - manifest.json is [{"Config":"blobs/sha256/<hex>","RepoTags":[...],"Layers":[...]}].
/// A repo tag without a tag gets ":latest". Entries are sorted, mtime 0, uid/gid 0, files
/// 0644, dirs 0755; blobs are streamed and checked against their digests on the way.
/// Errc::not_found for a missing blob, Errc::digest_mismatch for a corrupt one, Errc::usage
/// for a repo tag that is empty or names a digest, Errc::io when writing fails.
Status write_docker_tar(const std::filesystem::path& layout_dir, const Descriptor& manifest,
                        const std::vector<std::string>& repo_tags, const std::filesystem::path& out);

/// "repo:tag" for a Docker RepoTags entry: `reference` as given when it has a tag, else with
/// ":latest" (a ':' before the last '/' is a registry port, not a tag).
Result<std::string> docker_repo_tag(std::string_view reference);

}  // namespace wisp::oci
