// wisp index show: list the packages of an APKINDEX.tar.gz as a table or as JSON.
#include <nlohmann/json.hpp>

#include <algorithm>

#include "base/log.h"
#include "cli/command.h"
#include "cli/commands.h"
#include "cli/package_json.h"
#include "pkg/apk/index.h"

namespace wisp::cli {
namespace {

using namespace wisp::pkg::apk;
using nlohmann::json;

std::string human_size(uint64_t bytes) {
  if (bytes < 1024) return fmt::format("{} B", bytes);
  double v = static_cast<double>(bytes);
  const char* units[] = {"KiB", "MiB", "GiB", "TiB"};
  size_t u = 0;
  v /= 1024;
  while (v >= 1024 && u + 1 < std::size(units)) {
    v /= 1024;
    ++u;
  }
  return fmt::format("{:.1f} {}", v, units[u]);
}

void print_table(const std::vector<PackageInfo>& packages) {
  size_t w_name = 4, w_version = 7, w_arch = 4;
  for (const auto& p : packages) {
    w_name = std::max(w_name, p.name.size());
    w_version = std::max(w_version, p.version.size());
    w_arch = std::max(w_arch, p.arch.size());
  }
  fmt::print("{:<{}}  {:<{}}  {:<{}}  {:>10}\n", "NAME", w_name, "VERSION", w_version, "ARCH", w_arch, "SIZE");
  for (const auto& p : packages) {
    fmt::print("{:<{}}  {:<{}}  {:<{}}  {:>10}{}\n", p.name, w_name, p.version, w_version, p.arch, w_arch,
               human_size(p.file_size), p.uninstallable ? "  (uninstallable: unknown fields)" : "");
  }
}

}  // namespace

int cmd_index_show(const std::string& prog, std::vector<std::string> args) {
  CLI::App app{"List the packages of an APKINDEX.tar.gz (name, version, arch, .apk size), or\n"
               "every field with --json. With --keyring the signature is checked first.",
               prog};
  std::string path;
  std::vector<std::string> keyring_paths;
  bool allow_untrusted = false;
  bool as_json = false;
  app.add_option("index", path, "The APKINDEX.tar.gz file")->required();
  app.add_option("-k,--keyring", keyring_paths, "Trusted public key file or directory (repeatable)")
      ->expected(1)
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  app.add_flag("--allow-untrusted", allow_untrusted,
               "Show the index even if its signature is missing or not trusted");
  app.add_flag("--json", as_json, "Print a JSON array with every field of every package");
  if (auto rc = parse(app, std::move(args))) return *rc;

  Keyring keyring;
  for (const auto& k : keyring_paths) {
    if (auto added = keyring.add_path(k); !added) return report(added.error());
  }
  IndexReadOptions options;
  if (!keyring_paths.empty()) options.keyring = &keyring;

  auto index = load_index(path, options);
  if (!index && options.keyring && allow_untrusted && index.error().code == Errc::bad_signature) {
    log::warn("{}; showing it anyway (--allow-untrusted)", index.error().message);
    index = load_index(path, {});
  }
  if (!index) return report(index.error());
  if (!options.keyring && !allow_untrusted)
    log::warn("{}: signature not checked (no --keyring)", path);
  if (!index->signed_key.empty()) log::info("{}: signed by {}", path, index->signed_key);

  if (as_json) {
    json out = json::array();
    for (const auto& p : index->packages) out.push_back(package_info_json(p));
    // Index text is not guaranteed UTF-8; replace bad bytes rather than fail.
    fmt::print("{}\n", out.dump(2, ' ', false, json::error_handler_t::replace));
  } else {
    print_table(index->packages);
  }
  return k_exit_ok;
}

}  // namespace wisp::cli
