// What wisp sign, verify, attest and verify-attestation share: resolving an image reference to
// the digest that is signed, where its .sig/.att images live ($COSIGN_REPOSITORY or beside the
// image), reading and writing those images in a registry, key files and -a annotations.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "base/result.h"
#include "cli/registry_common.h"
#include "registry/manifest_blob.h"
#include "registry/reference.h"
#include "registry/repository.h"
#include "sign/cosign_key.h"
#include "sign/signature_image.h"

namespace wisp::cli {

/// One image to sign or verify, resolved.
struct SignTarget {
  std::string text;                // the reference as given, for messages
  registry::Reference reference;   // registry and repository of the image
  registry::ManifestBlob manifest; // its manifest or index; manifest.descriptor.digest is signed
  /// "registry/repository" as cosign writes it into payloads and statement subjects.
  std::string repository_name() const;
  /// "registry/repository@digest".
  std::string pinned() const;
};

/// Resolves a registry reference (docker://... or bare; a tag is read to its digest).
/// Errc::usage for other transports.
Result<SignTarget> resolve_target(const std::string& text, registry::ClientPool& clients);

/// The children of an index (with --recursive), each as a SignTarget; nothing for a manifest.
Result<std::vector<SignTarget>> index_children(const SignTarget& target, registry::ClientPool& clients);

/// resolve_target() and, with `recursive`, its index_children() after it.
Result<std::vector<SignTarget>> resolve_targets(const std::string& text, bool recursive,
                                                registry::ClientPool& clients);

/// The repository holding the .sig/.att images of `image`: $COSIGN_REPOSITORY when set (a
/// repository name, as cosign reads it), else the image's own.
Result<registry::Repository> attachment_repository(const registry::Reference& image, registry::ClientPool& clients,
                                                   registry::Access access);

/// The .sig/.att image under `tag`: every layer's blob fetched and checked against its digest.
/// An empty image when the tag does not exist.
Result<sign::SignatureImage> fetch_signature_image(registry::Repository& repo, const std::string& tag);

/// Pushes the layers' blobs (each unless present), the config, then the manifest under `tag`.
/// Returns the manifest's digest.
Result<std::string> push_signature_image(registry::Repository& repo, const std::string& tag,
                                         const sign::SignatureImage& image);

/// Where one signature or attestation went.
struct Attached {
  std::string tag_reference;  // REGISTRY/REPO:sha256-<hex>.sig|.att
  bool added = false;         // false: an equal signature was there already
};

/// What goes into each simple-signing payload besides the digest.
struct SignPayloadOptions {
  std::map<std::string, std::string> annotations;  // its "optional" (-a)
  std::string identity;                            // docker-reference; empty: the image's repository
};

/// Signs one digest as `wisp sign` does: the payload signed with `key`, added to the
/// sha256-<hex>.sig image unless an equal signature by the same key is there (read-modify-write).
Result<Attached> sign_digest(const SignTarget& target, const SignPayloadOptions& options, const sign::PrivateKey& key,
                             registry::ClientPool& clients);

/// Attests one digest as `wisp attest` does: `predicate` (compact JSON from sign::make_predicate)
/// in an in-toto statement signed as a DSSE envelope, added to the sha256-<hex>.att image; with
/// `replace`, the attestations of `predicate_type` there are dropped first.
Result<Attached> attest_digest(const SignTarget& target, const std::string& predicate_type,
                               const std::string& predicate, bool replace, const sign::PrivateKey& key,
                               registry::ClientPool& clients);

/// What sign and attest print for each digest: REPOSITORY@DIGEST, or with --json one object
/// per line {"reference", "tag" (REGISTRY/REPO:sha256-<hex>.sig|.att), "added"}.
void print_attached(const SignTarget& target, const Attached& attached, bool json);

/// The Timestamp of a custom predicate: $SOURCE_DATE_EPOCH when set (reproducible), else now.
std::string predicate_timestamp();

/// -a key=value pairs; Errc::usage for one without '=' or with an empty key.
Result<std::map<std::string, std::string>> parse_annotations(const std::vector<std::string>& pairs);

/// A cosign.key (encrypted: the password as cosign reads it) or an unencrypted PEM key.
Result<sign::PrivateKey> load_private_key(const std::string& path);
Result<sign::PublicKey> load_public_key(const std::string& path);

/// Checks one layer of a .sig/.att image: the text to print for it when it verifies, else why not.
using LayerCheck = std::function<Result<std::string>(const sign::SignatureLayer&)>;

/// What verify and verify-attestation share: reads `target`'s .sig or .att image, runs `check`
/// on every layer and returns the texts of those that pass. Errc::not_found when there is no
/// such image; Errc::bad_signature naming each layer's reason when none passes (`what`: e.g.
/// "signatures", "attestations of type URI"). On success prints cosign's summary on stderr.
Result<std::vector<std::string>> verify_layers(const SignTarget& target, sign::AttachmentKind kind,
                                               std::string_view what, registry::ClientPool& clients,
                                               const LayerCheck& check);

}  // namespace wisp::cli
