// wisp attest: cosign-compatible keyed attestations (signing-sbom.md §3). The predicate file
// goes into an in-toto Statement v0.1 whose subject is the image (repository name, sha256 of
// the digest), signed as a DSSE envelope and added as a layer to the image tagged
// sha256-<hex>.att beside it (--replace first drops the attestations of the same predicate type).
#include "base/file.h"
#include "cli/command.h"
#include "cli/commands.h"
#include "cli/sign_common.h"
#include "sign/predicate.h"

namespace wisp::cli {

namespace {

constexpr uint64_t k_max_predicate = uint64_t{48} << 20;

struct AttestOptions {
  std::string key_path, predicate_path, type = "custom";
  bool replace = false, recursive = false, json = false;
};

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
  auto predicate = sign::make_predicate(opts.type, *text, predicate_timestamp());
  if (!predicate) return report(predicate.error().wrap(opts.predicate_path));
  auto key = load_private_key(opts.key_path);
  if (!key) return report(key.error());
  auto clients = make_clients(flags);
  for (const std::string& ref : refs) {
    auto targets = resolve_targets(ref, opts.recursive, *clients);
    if (!targets) return report(targets.error());
    for (const SignTarget& one : *targets) {
      auto attached = attest_digest(one, *predicate_type, *predicate, opts.replace, *key, *clients);
      if (!attached) return report(attached.error().wrap(fmt::format("attesting {}", one.pinned())));
      print_attached(one, *attached, opts.json);
    }
  }
  return k_exit_ok;
}

}  // namespace wisp::cli
