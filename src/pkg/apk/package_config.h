// pkg.yaml: the metadata of a package to build with `wisp pkg create`, in YAML.
//
//   name: hello            version: 1.0-r0        arch: x86_64
//   description: ...       license: MIT           origin: hello      url: https://...
//   maintainer: ...        commit: ...
//   depends: [so:libc.so.6, busybox]   provides: [cmd:hello=1.0-r0]
//   replaces: [...]        install_if: [...]      triggers: [/usr/lib/foo/*]
//   provider_priority: 10  replaces_priority: 1
//   scripts: {post-install: scripts/post-install.sh}   # paths relative to the YAML file
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "base/result.h"
#include "pkg/apk/package_info.h"

namespace wisp::pkg::apk {

struct PackageConfig {
  PackageInfo info;  // fields not given stay empty
  /// ".post-install" -> script file, resolved against the YAML file's directory.
  std::map<std::string, std::filesystem::path> scripts;
};

/// Parses pkg.yaml text; `file_name` prefixes messages ("pkg.yaml:3: unknown key 'nmae'") and
/// `base_dir` resolves script paths. Errc::bad_format for YAML syntax errors, unknown keys,
/// wrong value types (a list where a string is expected, a non-integer priority) and unknown
/// script names.
Result<PackageConfig> parse_package_config(std::string_view text, std::string_view file_name,
                                           const std::filesystem::path& base_dir);

/// Reads and parses a pkg.yaml file.
Result<PackageConfig> load_package_config(const std::filesystem::path& path);

/// ".post-install" for "post-install" or ".post-install"; Errc::usage if it is not a name
/// apk-tools runs (see is_known_script_name).
Result<std::string> normalize_script_name(std::string_view name);

/// SOURCE_DATE_EPOCH from the environment: nullopt when unset or empty; Errc::usage when it is
/// not a non-negative decimal integer.
Result<std::optional<int64_t>> source_date_epoch_from_env();

}  // namespace wisp::pkg::apk
