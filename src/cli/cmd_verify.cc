// wisp verify: what `cosign verify --key cosign.pub --insecure-ignore-tlog` checks
// (signing-sbom.md §1.4): some layer of the image's sha256-<hex>.sig carries a signature that
// verifies over its payload under the key, and that payload (parsed as strictly as
// containers/image does) names exactly this digest and has every -a annotation asked for.
#include <fmt/format.h>

#include "base/log.h"
#include "base/strings.h"
#include "cli/command.h"
#include "cli/commands.h"
#include "cli/sign_common.h"
#include "sign/simple_signing.h"

namespace wisp::cli {

namespace {

/// Why `layer` does not verify, or nothing when it does (then `out` is its payload).
Status check_layer(const sign::SignatureLayer& layer, const std::string& digest,
                   const std::map<std::string, std::string>& wanted, const sign::PublicKey& key,
                   sign::SimpleSigningPayload& out) {
  TRY_ASSIGN(std::string signature, layer.signature());
  if (signature.empty()) return fail(Errc::bad_signature, "no signature annotation");
  if (!key.verify(layer.payload, signature)) return fail(Errc::bad_signature, "invalid signature for this key");
  TRY_ASSIGN_CTX(out, sign::parse_simple_signing(layer.payload), "payload");
  if (out.manifest_digest != digest)
    return fail(Errc::bad_signature, "the payload signs {}, not {}", out.manifest_digest, digest);
  for (const auto& [k, v] : wanted) {
    auto it = out.annotations.find(k);
    if (it == out.annotations.end() || it->second != v)
      return fail(Errc::bad_signature, "annotation {}={} missing", k, v);
  }
  return {};
}

Status verify_one(const SignTarget& target, const std::map<std::string, std::string>& wanted,
                  const sign::PublicKey& key, registry::ClientPool& clients) {
  const std::string& digest = target.manifest.descriptor.digest;
  TRY_ASSIGN(auto verified, verify_layers(target, sign::AttachmentKind::signature, "signatures", clients,
                                          [&](const sign::SignatureLayer& layer) -> Result<std::string> {
                                            sign::SimpleSigningPayload payload;
                                            TRY(check_layer(layer, digest, wanted, key, payload));
                                            return sign::serialize(payload);
                                          }));
  fmt::print("[{}]\n", join(verified, ","));
  return {};
}

}  // namespace

int cmd_verify(const std::string& prog, std::vector<std::string> args) {
  CLI::App app{"Verify an image's cosign signatures with a public key, as 'cosign verify --key K\n"
               "--insecure-ignore-tlog' does: some signature in sha256-<hex>.sig (in the image's\n"
               "repository or $COSIGN_REPOSITORY) verifies under the key and its payload names this\n"
               "digest (and has every -a annotation). Prints the verified payloads as a JSON array.",
               prog};
  std::string key_path;
  std::vector<std::string> refs, annotations;
  RegistryFlags flags;
  app.add_option("image", refs, "[docker://]REGISTRY/REPO[:TAG|@DIGEST]")->required();
  app.add_option("--key", key_path, "The public key (cosign.pub, PEM)")->required();
  app.add_option("-a,--annotations", annotations, "KEY=VALUE the payload must have (repeatable)");
  flags.add_to(app, "");  // a handful of small blobs: no -j; --json: the output is JSON already
  if (auto rc = parse(app, std::move(args))) return *rc;

  auto wanted = parse_annotations(annotations);
  if (!wanted) return report(wanted.error());
  auto key = load_public_key(key_path);
  if (!key) return report(key.error());
  auto clients = make_clients(flags);
  for (const std::string& text : refs) {
    auto target = resolve_target(text, *clients);
    if (!target) return report(target.error());
    if (auto ok = verify_one(*target, *wanted, *key, *clients); !ok)
      return report(ok.error().wrap(fmt::format("{} (key {})", target->pinned(), key_path)));
  }
  return k_exit_ok;
}

}  // namespace wisp::cli
