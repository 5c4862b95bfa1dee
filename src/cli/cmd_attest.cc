// wisp attest: cosign-compatible keyed attestations (signing-sbom.md §3). The predicate file
// goes into an in-toto Statement v0.1 whose subject is the image (repository name, sha256 of
// the digest), signed as a DSSE envelope and added as a layer to the image tagged
// sha256-<hex>.att beside it (--replace first drops the attestations of the same predicate type).
#include <chrono>
#include <cstdlib>

#include "base/file.h"
#include "base/log.h"
#include "base/strings.h"
#include "cli/command.h"
#include "cli/commands.h"
#include "cli/sign_common.h"
#include "oci/objects.h"
#include "sign/dsse.h"
#include "sign/predicate.h"

namespace wisp::cli {

namespace {

constexpr uint64_t k_max_predicate = uint64_t{48} << 20;

struct AttestOptions {
  std::string key_path, predicate_path, type = "custom";
  bool replace = false, recursive = false, json = false;
};

/// The custom predicate's Timestamp: $SOURCE_DATE_EPOCH when set (reproducible), else now.
std::string timestamp() {
  if (const char* env = std::getenv("SOURCE_DATE_EPOCH"); env && *env)
    if (auto seconds = parse_i64(env)) return oci::rfc3339_utc(*seconds);
  auto now = std::chrono::system_clock::now().time_since_epoch();
  return oci::rfc3339_utc(std::chrono::duration_cast<std::chrono::seconds>(now).count());
}

Status attest_one(const SignTarget& target, const AttestOptions& opts, const std::string& predicate_type,
                  const std::string& predicate, const sign::PrivateKey& key, registry::ClientPool& clients) {
  const std::string& digest = target.manifest.descriptor.digest;
  sign::InTotoStatement statement;
  statement.subjects = {{target.repository_name(), std::string(oci::digest_hex(digest))}};
  statement.predicate_type = predicate_type;
  statement.predicate_json = predicate;
  TRY_ASSIGN(sign::DsseEnvelope envelope, sign::dsse_sign(sign::k_in_toto_payload_type, sign::serialize(statement), key));
  auto layer = sign::SignatureLayer::make(std::string(sign::k_dsse_media_type), sign::serialize(envelope),
                                          {{std::string(sign::k_signature_annotation), ""},
                                           {std::string(sign::k_predicate_type_annotation), predicate_type}});

  TRY_ASSIGN(std::string tag, sign::attachment_tag(digest, sign::AttachmentKind::attestation));
  TRY_ASSIGN(registry::Repository repo, attachment_repository(target.reference, clients, registry::Access::push));
  TRY_ASSIGN(sign::SignatureImage image, fetch_signature_image(repo, tag));
  if (opts.replace) {
    TRY_ASSIGN_CTX(size_t removed, image.remove_predicate_type(predicate_type), "--replace: {}:{}", repo.name(), tag);
    if (removed) log::info("{}: replacing {} attestation(s) of type {}", target.pinned(), removed, predicate_type);
  }
  TRY_ASSIGN_CTX(bool added, image.append(std::move(layer), key.public_key()), "{}:{}", repo.name(), tag);
  if (added) {
    TRY_ASSIGN(std::string pushed, push_signature_image(repo, tag, image));
    log::info("{}: attestation pushed to {}:{} ({} attestations, {})", target.pinned(), repo.name(), tag,
              image.layers().size(), pushed);
  }
  print_attached(target, repo, tag, added, opts.json);
  return {};
}

}  // namespace

int cmd_attest(const std::string& prog, std::vector<std::string> args) {
  CLI::App app{"Attest images in a registry the way cosign attests with a key: the predicate file in an\n"
               "in-toto statement about the image's digest, signed as a DSSE envelope and stored as a\n"
               "layer of the image tagged sha256-<hex>.att (in the image's repository or\n"
               "$COSIGN_REPOSITORY). --type: spdx, spdxjson, cyclonedx, slsaprovenance,\n"
               "slsaprovenance1, vuln, openvex, link, custom (the default) or a predicate type URI.\n"
               "Prints REPOSITORY@DIGEST for each attested digest.",
               prog};
  AttestOptions opts;
  std::vector<std::string> refs;
  RegistryFlags flags;
  app.add_option("image", refs, "[docker://]REGISTRY/REPO[:TAG|@DIGEST]")->required();
  app.add_option("--key", opts.key_path, "The cosign.key (or an unencrypted PEM EC key)")->required();
  app.add_option("--predicate", opts.predicate_path, "The predicate file (JSON; text for spdx and custom)")->required();
  app.add_option("--type", opts.type, "The predicate type: a cosign name or a URI")->capture_default_str();
  app.add_flag("--replace", opts.replace, "Drop existing attestations of the same predicate type");
  app.add_flag("--recursive", opts.recursive, "For a multi-arch image, also attest each platform's manifest");
  flags.add_to(app, "");  // a handful of small blobs: no -j
  if (auto rc = parse(app, std::move(args))) return *rc;
  opts.json = flags.json;

  auto predicate_type = sign::predicate_type_uri(opts.type);
  if (!predicate_type) return report(predicate_type.error());
  auto text = read_file(opts.predicate_path, k_max_predicate);
  if (!text) return report(text.error().wrap(opts.predicate_path));
  auto predicate = sign::make_predicate(opts.type, *text, timestamp());
  if (!predicate) return report(predicate.error().wrap(opts.predicate_path));
  auto key = load_private_key(opts.key_path);
  if (!key) return report(key.error());
  auto clients = make_clients(flags);
  for (const std::string& ref : refs) {
    auto target = resolve_target(ref, *clients);
    if (!target) return report(target.error());
    std::vector<SignTarget> targets{*target};
    if (opts.recursive) {
      auto children = index_children(*target, *clients);
      if (!children) return report(children.error());
      targets.insert(targets.end(), children->begin(), children->end());
    }
    for (const SignTarget& one : targets)
      if (auto ok = attest_one(one, opts, *predicate_type, *predicate, *key, *clients); !ok)
        return report(ok.error().wrap(fmt::format("attesting {}", one.pinned())));
  }
  return k_exit_ok;
}

}  // namespace wisp::cli
