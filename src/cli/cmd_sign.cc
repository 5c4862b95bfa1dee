// wisp sign: cosign-compatible keyed signatures (signing-sbom.md §1). Each signed digest gets a
// simple-signing payload, signed with the cosign.key, added as a layer to the image tagged
// sha256-<hex>.sig beside it (read-modify-write: other signatures are kept, a repeat is not
// added twice). No transparency log: verify with `cosign verify --insecure-ignore-tlog`.
#include "base/encoding.h"
#include "base/log.h"
#include "cli/command.h"
#include "cli/commands.h"
#include "cli/sign_common.h"
#include "sign/simple_signing.h"

namespace wisp::cli {

namespace {

struct SignOptions {
  std::string key_path;
  std::vector<std::string> annotations;
  bool recursive = false;
  std::string identity;
  bool json = false;
};

/// Signs one digest; prints what was signed.
Status sign_one(const SignTarget& target, const SignOptions& opts, const std::map<std::string, std::string>& optional,
                const sign::PrivateKey& key, registry::ClientPool& clients) {
  sign::SimpleSigningPayload payload;
  payload.docker_reference = opts.identity.empty() ? target.repository_name() : opts.identity;
  payload.manifest_digest = target.manifest.descriptor.digest;
  payload.annotations = optional;
  std::string bytes = sign::serialize(payload);
  TRY_ASSIGN(std::string signature, key.sign(bytes));
  auto layer = sign::SignatureLayer::make(std::string(sign::k_simple_signing_media_type), std::move(bytes),
                                          {{std::string(sign::k_signature_annotation), base64_encode(signature)}});

  TRY_ASSIGN(std::string tag, sign::attachment_tag(payload.manifest_digest, sign::AttachmentKind::signature));
  TRY_ASSIGN(registry::Repository repo, attachment_repository(target.reference, clients, registry::Access::push));
  TRY_ASSIGN(sign::SignatureImage image, fetch_signature_image(repo, tag));
  TRY_ASSIGN_CTX(bool added, image.append(std::move(layer), key.public_key()), "{}:{}", repo.name(), tag);
  if (added) {
    TRY_ASSIGN(std::string digest, push_signature_image(repo, tag, image));
    log::info("{}: signature pushed to {}:{} ({} signatures, {})", target.pinned(), repo.name(), tag,
              image.layers().size(), digest);
  } else {
    log::info("{}: already signed with this key and these annotations ({}:{})", target.pinned(), repo.name(), tag);
  }
  print_attached(target, repo, tag, added, opts.json);
  return {};
}

}  // namespace

int cmd_sign(const std::string& prog, std::vector<std::string> args) {
  CLI::App app{"Sign images in a registry the way cosign signs with a key: a simple-signing payload\n"
               "per digest (the index digest of a multi-arch image; --recursive also each platform's),\n"
               "stored as a layer of the image tagged sha256-<hex>.sig in the image's repository\n"
               "(or $COSIGN_REPOSITORY). The key password comes from $COSIGN_PASSWORD, a prompt,\n"
               "or standard input. No transparency log (cosign: --insecure-ignore-tlog to verify).\n"
               "Prints REPOSITORY@DIGEST for each signed digest.",
               prog};
  SignOptions opts;
  std::vector<std::string> refs;
  RegistryFlags flags;
  app.add_option("image", refs, "[docker://]REGISTRY/REPO[:TAG|@DIGEST]")->required();
  app.add_option("--key", opts.key_path, "The cosign.key (or an unencrypted PEM EC key)")->required();
  app.add_option("-a,--annotations", opts.annotations, "KEY=VALUE put into the payload's \"optional\" (repeatable)");
  app.add_flag("--recursive", opts.recursive, "For a multi-arch image, also sign each platform's manifest");
  app.add_option("--sign-container-identity", opts.identity,
                 "The docker-reference written into the payload (default: the image's repository)");
  flags.add_to(app, "");  // a handful of small blobs: no -j
  if (auto rc = parse(app, std::move(args))) return *rc;
  opts.json = flags.json;

  auto optional = parse_annotations(opts.annotations);
  if (!optional) return report(optional.error());
  auto key = load_private_key(opts.key_path);
  if (!key) return report(key.error());
  auto clients = make_clients(flags);
  for (const std::string& text : refs) {
    auto target = resolve_target(text, *clients);
    if (!target) return report(target.error());
    std::vector<SignTarget> targets{*target};
    if (opts.recursive) {
      auto children = index_children(*target, *clients);
      if (!children) return report(children.error());
      targets.insert(targets.end(), children->begin(), children->end());
    }
    for (const SignTarget& one : targets)
      if (auto signed_ = sign_one(one, opts, *optional, *key, *clients); !signed_)
        return report(signed_.error().wrap(fmt::format("signing {}", one.pinned())));
  }
  return k_exit_ok;
}

}  // namespace wisp::cli
