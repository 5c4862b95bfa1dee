// The command table. One row per command; each command lives in its own cmd_*.cc file.
#include "cli/command.h"
#include "cli/commands.h"

namespace wisp::cli {

std::span<const Command> commands() {
  static const Command k_commands[] = {
      {"keygen", "Create a signing key pair (--cosign for cosign.key/.pub, --apk NAME for apk RSA)", cmd_keygen},
      {"pkg create", "Build a signed .apk from a directory", cmd_pkg_create},
      {"pkg info", "Show a package's metadata and files", cmd_pkg_info},
      {"pkg verify", "Verify a package's signature and checksums", cmd_pkg_verify},
      {"pkg vercmp", "Compare two versions (prints <, = or >)", cmd_pkg_vercmp},
      {"index create", "Write a signed APKINDEX.tar.gz from packages", cmd_index_create},
      {"index show", "List the packages of an APKINDEX", cmd_index_show},
      {"index verify", "Verify an APKINDEX signature", cmd_index_verify},
      {"resolve", "Resolve an image's (or a list of) packages from repositories", cmd_resolve},
      {"lock", "Write IMAGE.lock.json: the exact packages of every architecture", cmd_lock},
      {"build", "Build an image (OCI layout or docker tarball) from an apko image file", cmd_build},
      {"publish", "Build an image and push it to registries (prints REF@digest)", cmd_publish},
      {"push", "Push an image (OCI layout or archive) to a registry", cmd_push},
      {"pull", "Pull an image from a registry into an OCI layout or archive", cmd_pull},
      {"copy", "Copy an image between registries, layouts and archives", cmd_copy},
      {"manifest", "Print an image's manifest or index, byte for byte", cmd_manifest},
      {"digest", "Print an image's digest", cmd_digest},
      {"tags", "List a repository's tags", cmd_tags},
      {"login", "Save registry credentials (checked first) in the Docker config", cmd_login},
      {"diff", "Compare two images: packages and (with --feed) vulnerabilities added, removed, changed", cmd_diff},
      {"sbom", "Write an image's SBOM (SPDX 2.3 or CycloneDX 1.6) from its package databases", cmd_sbom},
      {"scan", "List an image's known vulnerabilities from apk secdb or Debian tracker feeds", cmd_scan},
      {"sign", "Sign images in a registry with a cosign key (sha256-<hex>.sig)", cmd_sign},
      {"verify", "Verify an image's cosign signatures with a public key", cmd_verify},
      {"attest", "Attest an image (SBOM, provenance...) with a cosign key (sha256-<hex>.att)", cmd_attest},
      {"verify-attestation", "Verify an image's cosign attestations with a public key", cmd_verify_attestation},
  };
  return k_commands;
}

}  // namespace wisp::cli
