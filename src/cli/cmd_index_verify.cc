// wisp index verify: check an APKINDEX.tar.gz signature against trusted keys.
#include "base/log.h"
#include "cli/command.h"
#include "cli/commands.h"
#include "pkg/apk/index.h"

namespace wisp::cli {

int cmd_index_verify(const std::string& prog, std::vector<std::string> args) {
  CLI::App app{"Verify an APKINDEX.tar.gz: its layout and a signature by a trusted key over the\n"
               "index member. Prints 'FILE: OK (signed by KEY, ALG, N packages)'; exit 1 otherwise.",
               prog};
  std::string path;
  std::vector<std::string> keyring_paths;
  app.add_option("index", path, "The APKINDEX.tar.gz file")->required();
  app.add_option("-k,--keyring", keyring_paths, "Trusted public key file or directory (repeatable)")
      ->required()
      ->expected(1)
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  if (auto rc = parse(app, std::move(args))) return *rc;

  pkg::apk::Keyring keyring;
  for (const auto& k : keyring_paths) {
    if (auto added = keyring.add_path(k); !added) return report(added.error());
  }
  auto index = pkg::apk::load_index(path, {.keyring = &keyring});
  if (!index) return report(index.error());

  std::string_view alg = "?";
  for (const auto& sig : index->signatures) {
    const auto* key = keyring.find(sig.key_name);
    if (key && key->name() == index->signed_key) {
      alg = pkg::apk::sign_alg_tag(sig.alg);
      break;
    }
  }
  fmt::print("{}: OK (signed by {}, {}, {} packages)\n", path, index->signed_key, alg,
             index->packages.size());
  return k_exit_ok;
}

}  // namespace wisp::cli
