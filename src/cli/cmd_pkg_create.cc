// wisp pkg create: build a (signed) .apk from a directory tree, metadata from pkg.yaml and flags.
#include <sys/utsname.h>

#include <cctype>
#include <filesystem>
#include <map>
#include <optional>

#include "base/file.h"
#include "base/log.h"
#include "base/strings.h"
#include "cli/command.h"
#include "cli/commands.h"
#include "pkg/apk/keys.h"
#include "pkg/apk/package.h"
#include "pkg/apk/package_config.h"
#include "pkg/apk/version.h"

namespace wisp::cli {
namespace {

namespace fs = std::filesystem;
using namespace wisp::pkg::apk;

/// apk's name for the machine wisp runs on (what /etc/apk/arch would say).
std::string host_arch() {
  struct utsname u {};
  if (::uname(&u) != 0) return "noarch";
  std::string_view m = u.machine;
  if (m == "i386" || m == "i486" || m == "i586" || m == "i686") return "x86";
  if (m == "armv7l") return "armv7";
  if (m.starts_with("armv6") || m.starts_with("armv5")) return "armhf";
  if (m == "arm64") return "aarch64";
  return std::string(m);
}

/// apk-tools' rule for package names: [A-Za-z0-9._+-], starting with a letter or digit.
bool valid_name(std::string_view name) {
  if (name.empty() || !std::isalnum(static_cast<unsigned char>(name[0]))) return false;
  for (char c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '_' && c != '+' && c != '-') return false;
  }
  return true;
}

Result<std::pair<uint32_t, uint32_t>> parse_owner(std::string_view text) {
  auto parts = split(text, ':');
  if (parts.size() == 2) {
    auto uid = parse_u64(parts[0]);
    auto gid = parse_u64(parts[1]);
    if (uid && gid && *uid <= UINT32_MAX && *gid <= UINT32_MAX)
      return std::pair<uint32_t, uint32_t>(static_cast<uint32_t>(*uid), static_cast<uint32_t>(*gid));
  }
  return fail(Errc::usage, "--owner '{}': expected UID:GID (numbers)", text);
}

/// Flag values split on whitespace, so "--depends 'a b'" and "--depends a --depends b" agree.
std::vector<std::string> words(const std::vector<std::string>& values) {
  std::vector<std::string> out;
  for (const auto& v : values)
    for (auto w : split_whitespace(v)) out.emplace_back(w);
  return out;
}

struct Flags {
  std::string dir;
  std::string output;
  std::string key;
  std::string config;
  std::map<std::string, std::string> fields;  // flag name -> value, only when given
  std::map<std::string, std::vector<std::string>> lists;
  std::vector<std::string> scripts;
  std::string owner;
  bool keep_owner = false;
};

Status apply_flags(const Flags& flags, const CLI::App& app, PackageConfig& config) {
  PackageInfo& info = config.info;
  std::map<std::string, std::string*> strings = {
      {"name", &info.name},       {"version", &info.version},       {"arch", &info.arch},
      {"description", &info.description}, {"license", &info.license}, {"origin", &info.origin},
      {"url", &info.url},         {"maintainer", &info.maintainer}, {"commit", &info.commit}};
  for (const auto& [flag, field] : strings) {
    if (app.count("--" + flag) > 0) *field = flags.fields.at(flag);
  }
  std::map<std::string, std::vector<std::string>*> lists = {
      {"depends", &info.depends},   {"provides", &info.provides}, {"replaces", &info.replaces},
      {"install-if", &info.install_if}, {"triggers", &info.triggers}};
  for (const auto& [flag, field] : lists) {
    if (app.count("--" + flag) > 0) *field = words(flags.lists.at(flag));
  }
  for (const auto& [flag, field] : {std::pair{"provider-priority", &info.provider_priority},
                                    std::pair{"replaces-priority", &info.replaces_priority}}) {
    if (app.count(std::string("--") + flag) == 0) continue;
    auto value = parse_i64(flags.fields.at(flag));
    if (!value) return fail(Errc::usage, "--{} '{}' is not an integer", flag, flags.fields.at(flag));
    *field = *value;
  }
  for (const auto& spec : flags.scripts) {
    size_t eq = spec.find('=');
    if (eq == std::string::npos || eq == 0 || eq + 1 == spec.size())
      return fail(Errc::usage, "--script '{}': expected NAME=FILE, e.g. post-install=post.sh", spec);
    TRY_ASSIGN(std::string name, normalize_script_name(spec.substr(0, eq)));
    config.scripts[name] = fs::path(spec.substr(eq + 1));
  }
  return {};
}

Status check_info(const PackageInfo& info) {
  if (info.name.empty()) return fail(Errc::usage, "no package name: give --name or 'name:' in --config");
  if (!valid_name(info.name))
    return fail(Errc::usage, "package name '{}' is invalid (letters, digits and . _ + -, starting with a letter or digit)",
                info.name);
  if (info.version.empty())
    return fail(Errc::usage, "no package version: give --version or 'version:' in --config");
  if (!version_is_valid(info.version))
    return fail(Errc::usage, "'{}' is not a valid apk version (e.g. 1.2.3-r0)", info.version);
  return {};
}

int run(const Flags& flags, const CLI::App& app) {
  PackageConfig config;
  if (!flags.config.empty()) {
    auto loaded = load_package_config(flags.config);
    if (!loaded) return report(loaded.error());
    config = std::move(*loaded);
  }
  if (auto applied = apply_flags(flags, app, config); !applied) return report(applied.error());
  PackageInfo& info = config.info;
  if (info.arch.empty()) info.arch = host_arch();
  if (auto checked = check_info(info); !checked) return report(checked.error());

  PackageWriteOptions options;
  for (const auto& [name, path] : config.scripts) {
    auto text = read_file(path, 16 << 20);
    if (!text) return report(text.error().wrap(fmt::format("script {}: {}", name, path.string())));
    options.scripts[name] = std::move(*text);
  }
  if (!info.triggers.empty() != options.scripts.contains(".trigger"))
    log::warn("{}: triggers and a trigger script go together (apk runs .trigger for the globs in triggers)",
              info.name);
  std::optional<PrivateKey> key;
  if (!flags.key.empty()) {
    auto loaded = PrivateKey::load(flags.key);
    if (!loaded) return report(loaded.error().wrap(flags.key));
    key = std::move(*loaded);
    options.key = &*key;
  }
  auto epoch = source_date_epoch_from_env();
  if (!epoch) return report(epoch.error());
  options.source_date_epoch = *epoch;
  if (!flags.owner.empty()) {
    auto owner = parse_owner(flags.owner);
    if (!owner) return report(owner.error());
    options.owner = *owner;
  }
  options.keep_owner = flags.keep_owner;

  fs::path output = flags.output.empty() ? fs::path(info.name + "-" + info.version + ".apk") : fs::path(flags.output);
  auto bytes = write_package(info, flags.dir, options);
  if (!bytes) return report(bytes.error().wrap(fmt::format("{}-{}", info.name, info.version)));
  if (auto written = write_file_atomic(output, *bytes); !written)
    return report(written.error());
  log::info("wrote {} ({} bytes{})", output.string(), bytes->size(),
            key ? ", signed with " + key->name() : std::string(", unsigned"));
  return k_exit_ok;
}

}  // namespace

int cmd_pkg_create(const std::string& prog, std::vector<std::string> args) {
  CLI::App app{
      "Build an .apk from the files under DIR (DIR itself is not an entry).\n"
      "Metadata comes from --config pkg.yaml (keys: name version arch description license origin url\n"
      "maintainer commit depends provides replaces install_if triggers provider_priority\n"
      "replaces_priority scripts: {post-install: FILE}); flags override the YAML. The arch defaults\n"
      "to this machine's. Entries are owned by 0:0 unless --owner or --keep-owner says otherwise.\n"
      "SOURCE_DATE_EPOCH, when set, clamps every mtime and the build date: the same inputs then give\n"
      "the same bytes.",
      prog};
  Flags flags;
  app.add_option("dir", flags.dir, "Directory holding the package's files")->required();
  app.add_option("-o,--output", flags.output, "Output file (default: NAME-VERSION.apk here)");
  app.add_option("-k,--key", flags.key, "Private key (PEM, NAME.rsa) to sign with; the signature names NAME.rsa.pub");
  app.add_option("-c,--config", flags.config, "pkg.yaml with the package's metadata");
  const std::pair<const char*, const char*> fields[] = {
      {"name", "Package name"},           {"version", "Version, e.g. 1.2.3-r0"},
      {"arch", "Architecture (x86_64, aarch64, noarch, ...)"},
      {"description", "One-line description"}, {"license", "License (SPDX expression)"},
      {"origin", "Source package name"},  {"url", "Upstream URL"},
      {"maintainer", "Maintainer"},       {"commit", "VCS commit of the packaging"},
      {"provider-priority", "Priority among providers of the same name"},
      {"replaces-priority", "Priority when packages replace each other's files"}};
  for (const auto& [name, help] : fields)
    app.add_option(std::string("--") + name, flags.fields[name], help)->expected(1);
  const std::pair<const char*, const char*> lists[] = {
      {"depends", "Dependency atom (repeatable), e.g. so:libc.so.6 or 'busybox>=1.36'"},
      {"provides", "Provided name (repeatable), e.g. cmd:hello=1.0-r0"},
      {"replaces", "Package whose files this one may overwrite (repeatable)"},
      {"install-if", "install_if atom (repeatable)"},
      {"triggers", "Directory glob for the .trigger script (repeatable)"}};
  for (const auto& [name, help] : lists)
    app.add_option(std::string("--") + name, flags.lists[name], help)->expected(1)->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  app.add_option("--script", flags.scripts, "NAME=FILE control script (repeatable), NAME one of post-install, "
                 "pre-install, post-upgrade, pre-upgrade, post-deinstall, pre-deinstall, trigger")
      ->expected(1)->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  auto* owner = app.add_option("--owner", flags.owner, "UID:GID for every entry (default 0:0)");
  app.add_flag("--keep-owner", flags.keep_owner, "Keep the input files' owners instead of 0:0")->excludes(owner);
  if (auto rc = parse(app, std::move(args))) return *rc;
  return run(flags, app);
}

}  // namespace wisp::cli
