#include "cli/sign_common.h"

#include <chrono>
#include <cstdlib>

#include <nlohmann/json.hpp>

#include "base/encoding.h"
#include "base/file.h"
#include "base/log.h"
#include "base/strings.h"
#include "io/sink.h"
#include "oci/media_types.h"
#include "oci/objects.h"
#include "sign/dsse.h"
#include "sign/simple_signing.h"

namespace wisp::cli {

namespace {

constexpr uint64_t k_max_key_file = uint64_t{1} << 20;

/// Adds `layer` to the .sig/.att image of the target's digest (read-modify-write); with
/// `drop_type`, that predicate type's attestations go first.
Result<Attached> attach_layer(const SignTarget& target, sign::AttachmentKind kind, sign::SignatureLayer layer,
                              const sign::PrivateKey& key, const std::string& drop_type,
                              registry::ClientPool& clients) {
  const bool signature = kind == sign::AttachmentKind::signature;
  TRY_ASSIGN(std::string tag, sign::attachment_tag(target.manifest.descriptor.digest, kind));
  TRY_ASSIGN(registry::Repository repo, attachment_repository(target.reference, clients, registry::Access::push));
  TRY_ASSIGN(sign::SignatureImage image, fetch_signature_image(repo, tag));
  if (!drop_type.empty()) {
    TRY_ASSIGN_CTX(size_t removed, image.remove_predicate_type(drop_type), "--replace: {}:{}", repo.name(), tag);
    if (removed) log::info("{}: replacing {} attestation(s) of type {}", target.pinned(), removed, drop_type);
  }
  TRY_ASSIGN_CTX(bool added, image.append(std::move(layer), key.public_key()), "{}:{}", repo.name(), tag);
  const char* what = signature ? "signature" : "attestation";
  if (added) {
    TRY_ASSIGN(std::string digest, push_signature_image(repo, tag, image));
    log::info("{}: {} pushed to {}:{} ({} {}s, {})", target.pinned(), what, repo.name(), tag, image.layers().size(),
              what, digest);
  } else {
    log::info("{}: an equal {} by this key is there already ({}:{})", target.pinned(), what, repo.name(), tag);
  }
  return Attached{fmt::format("{}/{}:{}", repo.client().registry(), repo.name(), tag), added};
}

SignTarget make_target(std::string text, registry::Reference reference, registry::ManifestBlob manifest) {
  reference.tag.clear();
  reference.digest = manifest.descriptor.digest;
  return SignTarget{std::move(text), std::move(reference), std::move(manifest)};
}

}  // namespace

std::string SignTarget::repository_name() const {
  return sign::cosign_repository_name(reference.registry, reference.repository);
}

std::string SignTarget::pinned() const { return reference.name() + "@" + manifest.descriptor.digest; }

Result<SignTarget> resolve_target(const std::string& text, registry::ClientPool& clients) {
  TRY_ASSIGN(registry::ImageLocation location, parse_location(text));
  if (location.kind != registry::TransportKind::docker)
    return fail(Errc::usage, "{}: signatures live in registries; push the image first and sign its reference", text);
  registry::Repository repo(clients.get(location.reference.registry), location.reference.repository);
  TRY_ASSIGN_CTX(registry::ManifestBlob manifest, repo.fetch_manifest(location.reference.identifier()), "{}", text);
  if (!location.reference.digest.empty() && manifest.descriptor.digest != location.reference.digest)
    return fail(Errc::digest_mismatch, "{}: the registry returned manifest {}", text, manifest.descriptor.digest);
  return make_target(text, location.reference, std::move(manifest));
}

Result<std::vector<SignTarget>> index_children(const SignTarget& target, registry::ClientPool& clients) {
  std::vector<SignTarget> children;
  if (!registry::is_index_media_type(target.manifest.descriptor.media_type)) return children;
  TRY_ASSIGN_CTX(oci::Index index, oci::parse_index(target.manifest.bytes), "{}", target.text);
  registry::Repository repo(clients.get(target.reference.registry), target.reference.repository);
  for (const oci::Descriptor& entry : index.manifests) {
    TRY_ASSIGN_CTX(registry::ManifestBlob child, repo.fetch_manifest(entry.digest), "{}: child {}", target.text,
                   entry.digest);
    children.push_back(make_target(target.pinned(), target.reference, std::move(child)));
  }
  return children;
}

Result<std::vector<SignTarget>> resolve_targets(const std::string& text, bool recursive,
                                                registry::ClientPool& clients) {
  TRY_ASSIGN(SignTarget target, resolve_target(text, clients));
  std::vector<SignTarget> targets{target};
  if (recursive) {
    TRY_ASSIGN(std::vector<SignTarget> children, index_children(target, clients));
    targets.insert(targets.end(), std::make_move_iterator(children.begin()), std::make_move_iterator(children.end()));
  }
  return targets;
}

Result<registry::Repository> attachment_repository(const registry::Reference& image, registry::ClientPool& clients,
                                                   registry::Access access) {
  registry::Reference where = image;
  if (const char* env = std::getenv("COSIGN_REPOSITORY"); env && *env) {
    TRY_ASSIGN_CTX(where, registry::parse_repository(env), "$COSIGN_REPOSITORY");
  }
  return registry::Repository(clients.get(where.registry), where.repository, access);
}

Result<sign::SignatureImage> fetch_signature_image(registry::Repository& repo, const std::string& tag) {
  auto manifest = repo.fetch_manifest(tag);
  if (!manifest && manifest.error().code == Errc::not_found) return sign::SignatureImage();
  if (!manifest) return std::unexpected(manifest.error().wrap(fmt::format("{}:{}", repo.name(), tag)));
  TRY_ASSIGN_CTX(auto descriptors, sign::SignatureImage::parse_layers(manifest->bytes), "{}:{}", repo.name(), tag);
  std::vector<sign::SignatureLayer> layers;
  for (oci::Descriptor& descriptor : descriptors) {
    std::string payload;
    io::StringSink sink(payload);
    TRY_CTX(repo.fetch_blob(descriptor, sink), "{}:{}: layer {}", repo.name(), tag, descriptor.digest);
    layers.push_back(sign::SignatureLayer{std::move(descriptor), std::move(payload)});
  }
  TRY_ASSIGN_CTX(auto image, sign::SignatureImage::from_layers(std::move(layers)), "{}:{}", repo.name(), tag);
  return image;
}

Result<std::string> push_signature_image(registry::Repository& repo, const std::string& tag,
                                         const sign::SignatureImage& image) {
  sign::SerializedSignatureImage out = image.serialize();
  for (const sign::SignatureLayer& layer : image.layers())
    TRY_CTX(repo.push_blob(registry::plain_descriptor(layer.descriptor), registry::Body::of(layer.payload)),
            "pushing {} to {}", layer.descriptor.digest, repo.name());
  TRY_CTX(repo.push_blob(out.config, registry::Body::of(out.config_bytes)), "pushing the config to {}", repo.name());
  TRY_ASSIGN(registry::ManifestBlob manifest, registry::make_manifest_blob(out.manifest_bytes, oci::k_oci_manifest));
  TRY_CTX(repo.push_manifest(tag, manifest), "pushing {}:{}", repo.name(), tag);
  return manifest.descriptor.digest;
}

Result<Attached> sign_digest(const SignTarget& target, const SignPayloadOptions& options, const sign::PrivateKey& key,
                             registry::ClientPool& clients) {
  sign::SimpleSigningPayload payload;
  payload.docker_reference = options.identity.empty() ? target.repository_name() : options.identity;
  payload.manifest_digest = target.manifest.descriptor.digest;
  payload.annotations = options.annotations;
  std::string bytes = sign::serialize(payload);
  TRY_ASSIGN(std::string signature, key.sign(bytes));
  auto layer = sign::SignatureLayer::make(std::string(sign::k_simple_signing_media_type), std::move(bytes),
                                          {{std::string(sign::k_signature_annotation), base64_encode(signature)}});
  return attach_layer(target, sign::AttachmentKind::signature, std::move(layer), key, "", clients);
}

Result<Attached> attest_digest(const SignTarget& target, const std::string& predicate_type,
                               const std::string& predicate, bool replace, const sign::PrivateKey& key,
                               registry::ClientPool& clients) {
  sign::InTotoStatement statement;
  statement.subjects = {{target.repository_name(), std::string(oci::digest_hex(target.manifest.descriptor.digest))}};
  statement.predicate_type = predicate_type;
  statement.predicate_json = predicate;
  TRY_ASSIGN(sign::DsseEnvelope envelope, sign::dsse_sign(sign::k_in_toto_payload_type, sign::serialize(statement), key));
  auto layer = sign::SignatureLayer::make(std::string(sign::k_dsse_media_type), sign::serialize(envelope),
                                          {{std::string(sign::k_signature_annotation), ""},
                                           {std::string(sign::k_predicate_type_annotation), predicate_type}});
  return attach_layer(target, sign::AttachmentKind::attestation, std::move(layer), key,
                      replace ? predicate_type : std::string(), clients);
}

void print_attached(const SignTarget& target, const Attached& attached, bool json) {
  if (!json) {
    fmt::print("{}\n", target.pinned());
    return;
  }
  nlohmann::ordered_json doc;
  doc["reference"] = target.pinned();
  doc["tag"] = attached.tag_reference;
  doc["added"] = attached.added;
  fmt::print("{}\n", doc.dump());
}

std::string predicate_timestamp() {
  if (const char* env = std::getenv("SOURCE_DATE_EPOCH"); env && *env)
    if (auto seconds = parse_i64(env)) return oci::rfc3339_utc(*seconds);
  auto now = std::chrono::system_clock::now().time_since_epoch();
  return oci::rfc3339_utc(std::chrono::duration_cast<std::chrono::seconds>(now).count());
}

Result<std::map<std::string, std::string>> parse_annotations(const std::vector<std::string>& pairs) {
  std::map<std::string, std::string> out;
  for (const std::string& pair : pairs) {
    size_t eq = pair.find('=');
    if (eq == std::string::npos || eq == 0)
      return fail(Errc::usage, "-a {}: want KEY=VALUE", pair);
    out[pair.substr(0, eq)] = pair.substr(eq + 1);
  }
  return out;
}

Result<sign::PrivateKey> load_private_key(const std::string& path) {
  TRY_ASSIGN(std::string pem, read_file(path, k_max_key_file));  // its errors name the file
  if (pem.find("-----BEGIN ENCRYPTED ") == std::string::npos) {
    TRY_ASSIGN_CTX(auto key, sign::PrivateKey::from_plain_pem(pem), "{}", path);
    return key;
  }
  TRY_ASSIGN_CTX(std::string password, sign::read_key_password(false), "{}", path);
  auto key = sign::PrivateKey::from_encrypted_pem(pem, password);
  if (!key && key.error().code == Errc::bad_signature)
    return fail(Errc::bad_signature, "{}: wrong password (or a damaged key file)", path);
  if (!key) return std::unexpected(key.error().wrap(path));
  return key;
}

Result<sign::PublicKey> load_public_key(const std::string& path) {
  TRY_ASSIGN(std::string pem, read_file(path, k_max_key_file));  // its errors name the file
  TRY_ASSIGN_CTX(auto key, sign::PublicKey::from_pem(pem), "{}", path);
  return key;
}

Result<std::vector<std::string>> verify_layers(const SignTarget& target, sign::AttachmentKind kind,
                                               std::string_view what, registry::ClientPool& clients,
                                               const LayerCheck& check) {
  const std::string& digest = target.manifest.descriptor.digest;
  TRY_ASSIGN(std::string tag, sign::attachment_tag(digest, kind));
  TRY_ASSIGN(registry::Repository repo, attachment_repository(target.reference, clients, registry::Access::pull));
  TRY_ASSIGN(sign::SignatureImage image, fetch_signature_image(repo, tag));
  const char* noun = kind == sign::AttachmentKind::signature ? "signatures" : "attestations";
  if (image.empty()) return fail(Errc::not_found, "no {} found ({}:{} does not exist)", noun, repo.name(), tag);

  std::vector<std::string> verified, reasons;
  for (size_t i = 0; i < image.layers().size(); ++i) {
    auto text = check(image.layers()[i]);
    if (text) verified.push_back(std::move(*text));
    else reasons.push_back(fmt::format("layer {}: {}", i, text.error().message));
  }
  if (verified.empty()) return fail(Errc::bad_signature, "no matching {}: {}", what, join(reasons, "; "));
  fmt::print(stderr,
             "\nVerification for {} --\n"
             "The following checks were performed on each of these signatures:\n"
             "  - The cosign claims were validated\n"
             "  - The signatures were verified against the specified public key\n",
             target.pinned());
  return verified;
}

}  // namespace wisp::cli
