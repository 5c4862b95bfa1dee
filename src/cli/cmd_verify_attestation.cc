// wisp verify-attestation: what `cosign verify-attestation --key cosign.pub
// --insecure-ignore-tlog [--type T]` checks (signing-sbom.md §3.4): some layer of the image's
// sha256-<hex>.att is a DSSE envelope of an in-toto statement, its signature verifies over the
// PAE under the key, the statement has a subject with this digest, and (with --type) its
// predicateType is the one asked for.
#include <algorithm>

#include <fmt/format.h>

#include "base/strings.h"
#include "cli/command.h"
#include "cli/commands.h"
#include "cli/sign_common.h"
#include "sign/dsse.h"
#include "sign/predicate.h"

namespace wisp::cli {

namespace {

/// Why `layer` does not verify, or nothing when it does (then `out` is its envelope).
Status check_layer(const sign::SignatureLayer& layer, std::string_view hex, const std::string& predicate_type,
                   const sign::PublicKey& key, sign::DsseEnvelope& out) {
  TRY_ASSIGN_CTX(out, sign::parse_dsse(layer.payload), "envelope");
  if (out.payload_type != sign::k_in_toto_payload_type)
    return fail(Errc::bad_format, "payloadType {}, not {}", out.payload_type, sign::k_in_toto_payload_type);
  if (!sign::dsse_verify(out, key)) return fail(Errc::bad_signature, "invalid signature for this key");
  TRY_ASSIGN_CTX(sign::InTotoStatement statement, sign::parse_statement(out.payload), "statement");
  bool subject = std::any_of(statement.subjects.begin(), statement.subjects.end(),
                             [&](const sign::InTotoSubject& s) { return s.sha256_hex == hex; });
  if (!subject) return fail(Errc::bad_signature, "no subject has digest sha256:{}", hex);
  if (!predicate_type.empty() && statement.predicate_type != predicate_type)
    return fail(Errc::not_found, "predicate type {}", statement.predicate_type);
  return {};
}

Status verify_one(const SignTarget& target, const std::string& predicate_type, const sign::PublicKey& key,
                  registry::ClientPool& clients) {
  std::string hex(oci::digest_hex(target.manifest.descriptor.digest));
  std::string what = predicate_type.empty() ? "attestations" : fmt::format("attestations of type {}", predicate_type);
  TRY_ASSIGN(auto verified, verify_layers(target, sign::AttachmentKind::attestation, what, clients,
                                          [&](const sign::SignatureLayer& layer) -> Result<std::string> {
                                            sign::DsseEnvelope envelope;
                                            TRY(check_layer(layer, hex, predicate_type, key, envelope));
                                            return sign::serialize(envelope);
                                          }));
  for (const std::string& line : verified) fmt::print("{}\n", line);
  return {};
}

}  // namespace

int cmd_verify_attestation(const std::string& prog, std::vector<std::string> args) {
  CLI::App app{"Verify an image's cosign attestations with a public key, as 'cosign verify-attestation\n"
               "--key K --insecure-ignore-tlog' does: some DSSE envelope in sha256-<hex>.att verifies\n"
               "under the key and its in-toto statement is about this digest (and, with --type, of\n"
               "that predicate type). Prints each verified envelope as one JSON line.",
               prog};
  std::string key_path, type;
  std::vector<std::string> refs;
  RegistryFlags flags;
  app.add_option("image", refs, "[docker://]REGISTRY/REPO[:TAG|@DIGEST]")->required();
  app.add_option("--key", key_path, "The public key (cosign.pub, PEM)")->required();
  app.add_option("--type", type, "Only this predicate type: a cosign name (spdxjson, cyclonedx, ...) or a URI");
  flags.add_to(app, "");  // a handful of small blobs: no -j; --json: the output is JSON already
  if (auto rc = parse(app, std::move(args))) return *rc;

  std::string predicate_type;
  if (!type.empty()) {
    auto uri = sign::predicate_type_uri(type);
    if (!uri) return report(uri.error());
    predicate_type = *uri;
  }
  auto key = load_public_key(key_path);
  if (!key) return report(key.error());
  auto clients = make_clients(flags);
  for (const std::string& text : refs) {
    auto target = resolve_target(text, *clients);
    if (!target) return report(target.error());
    if (auto ok = verify_one(*target, predicate_type, *key, *clients); !ok)
      return report(ok.error().wrap(fmt::format("{} (key {})", target->pinned(), key_path)));
  }
  return k_exit_ok;
}

}  // namespace wisp::cli
