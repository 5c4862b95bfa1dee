// wisp sign: cosign-compatible keyed signatures (signing-sbom.md §1). Each signed digest gets a
// simple-signing payload, signed with the cosign.key, added as a layer to the image tagged
// sha256-<hex>.sig beside it (read-modify-write: other signatures are kept, a repeat is not
// added twice). No transparency log: verify with `cosign verify --insecure-ignore-tlog`.
#include "cli/command.h"
#include "cli/commands.h"
#include "cli/sign_common.h"

namespace wisp::cli {

namespace {

struct SignOptions {
  std::string key_path;
  std::vector<std::string> annotations;
  bool recursive = false;
  std::string identity;
  bool json = false;
};

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
  const SignPayloadOptions payload{*optional, opts.identity};
  auto key = load_private_key(opts.key_path);
  if (!key) return report(key.error());
  auto clients = make_clients(flags);
  for (const std::string& text : refs) {
    auto targets = resolve_targets(text, opts.recursive, *clients);
    if (!targets) return report(targets.error());
    for (const SignTarget& one : *targets) {
      auto attached = sign_digest(one, payload, *key, *clients);
      if (!attached) return report(attached.error().wrap(fmt::format("signing {}", one.pinned())));
      print_attached(one, *attached, opts.json);
    }
  }
  return k_exit_ok;
}

}  // namespace wisp::cli
