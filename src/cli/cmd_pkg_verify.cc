// wisp pkg verify: check packages against trusted keys; one line per package.
#include "base/log.h"
#include "cli/command.h"
#include "cli/commands.h"
#include "pkg/apk/keys.h"
#include "pkg/apk/package.h"

namespace wisp::cli {

int cmd_pkg_verify(const std::string& prog, std::vector<std::string> args) {
  CLI::App app{"Verify packages: layout, signature by a trusted key, control checksum, datahash and\n"
               "every file's SHA-1. Prints 'X.apk: OK (signed by KEY)' per package; exit 1 if any fails.",
               prog};
  std::vector<std::string> paths;
  std::vector<std::string> keyring_paths;
  app.add_option("packages", paths, "The .apk files")->required();
  app.add_option("-k,--keyring", keyring_paths, "Trusted public key file or directory (repeatable)")
      ->required()->expected(1)->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  if (auto rc = parse(app, std::move(args))) return *rc;

  pkg::apk::Keyring keyring;
  for (const auto& k : keyring_paths) {
    if (auto added = keyring.add_path(k); !added) return report(added.error());
  }
  if (keyring.empty()) return report(Error{Errc::usage, "the keyring holds no keys: " + keyring.describe()});
  pkg::apk::PackageReadOptions options;
  options.keyring = &keyring;
  int failed = 0;
  for (const auto& path : paths) {
    auto pkg = pkg::apk::load_package(path, options);
    if (!pkg) {
      log::error("{}", pkg.error().message);
      ++failed;
      continue;
    }
    fmt::print("{}: OK (signed by {})\n", path, pkg->signed_key);
  }
  return failed == 0 ? k_exit_ok : k_exit_failure;
}

}  // namespace wisp::cli
