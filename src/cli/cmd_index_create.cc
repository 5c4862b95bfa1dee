// wisp index create: a signed APKINDEX.tar.gz listing the given packages.
#include <algorithm>
#include <ctime>
#include <filesystem>
#include <map>
#include <optional>
#include <tuple>

#include "base/file.h"
#include "base/log.h"
#include "cli/command.h"
#include "cli/commands.h"
#include "pkg/apk/index.h"
#include "pkg/apk/keys.h"
#include "pkg/apk/package.h"
#include "pkg/apk/package_config.h"
#include "pkg/apk/version.h"

namespace wisp::cli {
namespace {

namespace fs = std::filesystem;
using namespace wisp::pkg::apk;

using EntryKey = std::tuple<std::string, std::string, std::string>;  // name, version, arch

EntryKey key_of(const PackageInfo& info) { return {info.name, info.version, info.arch}; }

struct Flags {
  std::vector<std::string> packages;
  std::string output;
  std::string key;
  std::vector<std::string> keyring;
  std::optional<std::string> description;
  bool merge = false;
};

int run(const Flags& flags) {
  Keyring keyring;
  for (const auto& k : flags.keyring) {
    if (auto added = keyring.add_path(k); !added) return report(added.error());
  }
  auto key = PrivateKey::load(flags.key);
  if (!key) return report(key.error().wrap(flags.key));
  auto epoch = source_date_epoch_from_env();
  if (!epoch) return report(epoch.error());

  Index index;
  std::map<EntryKey, std::string> sources;  // where each entry came from, for messages
  if (flags.merge && fs::exists(flags.output)) {
    // Our own earlier output: it is re-signed below, so it is read without a keyring unless one
    // was given.
    IndexReadOptions read_options;
    if (!flags.keyring.empty()) read_options.keyring = &keyring;
    auto old = load_index(flags.output, read_options);
    if (!old) return report(old.error());
    index.description = old->description;
    index.packages = std::move(old->packages);
    for (const auto& p : index.packages) sources[key_of(p)] = flags.output;
  }
  if (flags.description) index.description = *flags.description;

  PackageReadOptions options;
  if (!flags.keyring.empty()) options.keyring = &keyring;
  std::map<EntryKey, std::string> added;
  for (const auto& path : flags.packages) {
    auto pkg = load_package(path, options);
    if (!pkg) return report(pkg.error());
    EntryKey k = key_of(pkg->info);
    if (auto it = added.find(k); it != added.end())
      return report(Error{Errc::usage, fmt::format("{}: {}-{} ({}) is also in {}", path, pkg->info.name,
                                                   pkg->info.version, pkg->info.arch, it->second)});
    added[k] = path;
    auto same = std::find_if(index.packages.begin(), index.packages.end(),
                             [&](const PackageInfo& p) { return key_of(p) == k; });
    if (same != index.packages.end()) *same = std::move(pkg->info);
    else index.packages.push_back(std::move(pkg->info));
  }
  std::stable_sort(index.packages.begin(), index.packages.end(), [](const PackageInfo& a, const PackageInfo& b) {
    if (a.name != b.name) return a.name < b.name;
    if (int c = compare_versions(a.version, b.version); c != 0) return c < 0;
    return a.arch < b.arch;
  });

  int64_t mtime = epoch->value_or(static_cast<int64_t>(std::time(nullptr)));
  auto bytes = write_index(index, &*key, mtime);
  if (!bytes) return report(bytes.error().wrap(flags.output));
  if (auto written = write_file_atomic(flags.output, *bytes); !written)
    return report(written.error());
  log::info("wrote {} ({} packages, signed with {})", flags.output, index.packages.size(), key->name());
  return k_exit_ok;
}

}  // namespace

int cmd_index_create(const std::string& prog, std::vector<std::string> args) {
  CLI::App app{"Write a signed APKINDEX.tar.gz listing the given packages, sorted by name then version.\n"
               "Each entry's C: is the package's control checksum and S: its file size. The tar mtime is\n"
               "SOURCE_DATE_EPOCH when set, else the current time. With --merge, entries of the existing\n"
               "index at -o are kept unless a given package has the same name, version and arch.",
               prog};
  Flags flags;
  app.add_option("packages", flags.packages, "The .apk files")->required();
  app.add_option("-o,--output", flags.output, "Output file (APKINDEX.tar.gz)")->required();
  app.add_option("-k,--key", flags.key, "Private key (PEM, NAME.rsa); the signature names NAME.rsa.pub")->required();
  app.add_option("--keyring", flags.keyring,
                 "Verify every package (and the index merged) against these keys first (repeatable)")
      ->expected(1)->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  app.add_option("-d,--description", flags.description, "DESCRIPTION text (apk shows it; keep it short)");
  app.add_flag("--merge", flags.merge, "Update the index at -o instead of replacing it");
  if (auto rc = parse(app, std::move(args))) return *rc;
  return run(flags);
}

}  // namespace wisp::cli
