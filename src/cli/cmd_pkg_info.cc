// wisp pkg info: a package's metadata, signatures, scripts and files, as text or JSON.
#include <nlohmann/json.hpp>

#include <optional>

#include "base/encoding.h"
#include "base/log.h"
#include "cli/command.h"
#include "cli/commands.h"
#include "cli/package_json.h"
#include "pkg/apk/keys.h"
#include "pkg/apk/package.h"

namespace wisp::cli {
namespace {

using namespace wisp::pkg::apk;
using nlohmann::json;

std::string_view type_word(io::TarType type) {
  switch (type) {
    case io::TarType::file: return "file";
    case io::TarType::hardlink: return "hardlink";
    case io::TarType::symlink: return "symlink";
    case io::TarType::chardev: return "chardev";
    case io::TarType::blockdev: return "blockdev";
    case io::TarType::directory: return "directory";
    case io::TarType::fifo: return "fifo";
  }
  return "unknown";
}

char type_letter(io::TarType type) {
  switch (type) {
    case io::TarType::directory: return 'd';
    case io::TarType::symlink: return 'l';
    case io::TarType::hardlink: return 'h';
    case io::TarType::chardev: return 'c';
    case io::TarType::blockdev: return 'b';
    case io::TarType::fifo: return 'p';
    case io::TarType::file: return '-';
  }
  return '?';
}

json to_json(const Package& pkg, bool verified) {
  const PackageInfo& i = pkg.info;
  json info = package_info_json(i);

  json sigs = json::array();
  for (const auto& s : pkg.signatures) {
    sigs.push_back({{"algorithm", sign_alg_tag(s.alg)},
                    {"key", s.key_name},
                    {"verified", verified && s.key_name == pkg.signed_key}});
  }
  json scripts = json::object();
  for (const auto& [name, text] : pkg.scripts) scripts[name] = text;
  json files = json::array();
  for (const auto& f : pkg.files) {
    json entry = {{"path", f.path}, {"type", type_word(f.type)}, {"mode", fmt::format("{:04o}", f.mode)},
                  {"uid", f.uid},   {"gid", f.gid},              {"uname", f.uname},
                  {"gname", f.gname}, {"mtime", f.mtime},        {"size", f.size}};
    if (!f.link_target.empty()) entry["link_target"] = f.link_target;
    if (!f.sha1.empty()) entry["sha1"] = hex_encode(f.sha1);
    if (f.type == io::TarType::chardev || f.type == io::TarType::blockdev) {
      entry["devmajor"] = f.devmajor;
      entry["devminor"] = f.devminor;
    }
    if (!f.xattrs.empty()) {
      json xattrs = json::object();
      for (const auto& [k, v] : f.xattrs) xattrs[k] = base64_encode(v);
      entry["xattrs_base64"] = xattrs;
    }
    files.push_back(std::move(entry));
  }
  return {{"package", info},
          {"signatures", sigs},
          {"signature_verified", verified},
          {"signed_by", verified ? json(pkg.signed_key) : json(nullptr)},
          {"scripts", scripts},
          {"skipped_entries", pkg.skipped},
          {"members",
           {{"signature", {{"offset", pkg.signature.offset}, {"size", pkg.signature.size}}},
            {"control", {{"offset", pkg.control.offset}, {"size", pkg.control.size}}},
            {"data", {{"offset", pkg.data.offset}, {"size", pkg.data.size}}}}},
          {"files", files}};
}

std::string join_list(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& s : items) out += (out.empty() ? "" : " ") + s;
  return out;
}

void print_human(const Package& pkg, bool verified, bool list_files) {
  const PackageInfo& i = pkg.info;
  auto row = [](std::string_view key, std::string_view value) {
    if (!value.empty()) fmt::print("{:<18} {}\n", std::string(key) + ":", value);
  };
  row("name", i.name);
  row("version", i.version);
  row("arch", i.arch);
  row("description", i.description);
  row("url", i.url);
  row("license", i.license);
  row("origin", i.origin);
  row("maintainer", i.maintainer);
  row("commit", i.commit);
  row("packager", i.packager);
  if (i.build_time) row("build time", fmt::to_string(*i.build_time));
  row("installed size", fmt::to_string(i.installed_size));
  row("file size", fmt::to_string(i.file_size));
  row("depends", join_list(i.depends));
  row("provides", join_list(i.provides));
  row("install_if", join_list(i.install_if));
  row("replaces", join_list(i.replaces));
  row("triggers", join_list(i.triggers));
  if (i.provider_priority) row("provider priority", fmt::to_string(*i.provider_priority));
  if (i.replaces_priority) row("replaces priority", fmt::to_string(*i.replaces_priority));
  for (const auto& [key, value] : i.extra) row(key, value);
  row("datahash", i.datahash);
  row("checksum", i.checksum);
  if (pkg.signatures.empty()) row("signature", "none (unsigned package)");
  for (const auto& s : pkg.signatures) {
    std::string state = !verified ? "not verified: no --keyring"
                        : s.key_name == pkg.signed_key ? "verified" : "not checked";
    row("signature", fmt::format(".SIGN.{}.{} ({})", sign_alg_tag(s.alg), s.key_name, state));
  }
  for (const auto& [name, text] : pkg.scripts) row("script", fmt::format("{} ({} bytes)", name, text.size()));
  for (const auto& s : pkg.skipped) row("ignored entry", s);
  row("files", fmt::to_string(pkg.files.size()));
  if (!list_files) return;
  for (const auto& f : pkg.files) {
    std::string line = fmt::format("{}{:04o} {:>5}:{:<5} {:>10} {}", type_letter(f.type), f.mode, f.uid, f.gid,
                                   f.size, f.path);
    if (!f.link_target.empty()) line += (f.type == io::TarType::hardlink ? " => " : " -> ") + f.link_target;
    fmt::print("  {}\n", line);
  }
}

}  // namespace

int cmd_pkg_info(const std::string& prog, std::vector<std::string> args) {
  CLI::App app{"Show a package's metadata, signatures, scripts and (with --files) its files.\n"
               "Hashes (control checksum, datahash, per-file SHA-1) are always checked; the signature\n"
               "only with --keyring.",
               prog};
  std::string path;
  std::vector<std::string> keyring_paths;
  bool as_json = false;
  bool list_files = false;
  app.add_option("package", path, "The .apk file")->required();
  app.add_option("-k,--keyring", keyring_paths, "Trusted public key file or directory (repeatable)")
      ->expected(1)->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  app.add_flag("--json", as_json, "Print JSON (always includes the files)");
  app.add_flag("--files", list_files, "List the files");
  if (auto rc = parse(app, std::move(args))) return *rc;

  Keyring keyring;
  for (const auto& k : keyring_paths) {
    if (auto added = keyring.add_path(k); !added) return report(added.error());
  }
  PackageReadOptions options;
  if (!keyring_paths.empty()) options.keyring = &keyring;
  auto pkg = load_package(path, options);
  if (!pkg) return report(pkg.error());
  const bool verified = options.keyring != nullptr;
  if (as_json) fmt::print("{}\n", to_json(*pkg, verified).dump(2, ' ', false, nlohmann::json::error_handler_t::replace));
  else print_human(*pkg, verified, list_files);
  return k_exit_ok;
}

}  // namespace wisp::cli
