// apko's image configuration (apko-melange.md §1): the model, the strict YAML reader, includes,
// validation, CLI overrides and the JSON form written to /etc/apko.json.
//
// Reading is strict like apko's (yaml.v3 with KnownFields): an unknown or duplicated key anywhere
// is an error, and so is a value of the wrong kind. Every message names the place:
// "image.yaml:12:5: unknown key 'shel' in 'accounts.users[0]' (did you mean 'shell'?)".
//
// Scalars follow yaml.v3's rules where they matter:
// - a string field takes any scalar as written (`run-as: 65532` is "65532"); null gives "";
// - integer fields (uid, gid, budget, permissions) take PLAIN integers only: decimal, 0o17 or 017
//   (octal), 0x1f, 0b101, '_' separators ignored, as yaml.v3 reads them. A quoted "0755" is a
//   string, which apko rejects too ("cannot unmarshal !!str into uint32"), so wisp rejects it with
//   a hint. Unlike yaml.v3, a float (8.0, or 0800 which yaml.v3 reads as the float 800) is refused.
// - permissions: at most 0o7777. A plain decimal above 511 (e.g. `755`) is refused: yaml.v3 reads
//   it as decimal 755 = 0o1363, which is never what was meant; write 0o755 (or 493).
// - booleans: true/false in any case apko accepts, plus yaml.v3's typed-bool spellings
//   yes/no/on/off/y/n.
// - `<<` merge keys are honoured (explicit keys win), as yaml.v3 does.
// - only the first YAML document is read (apko decodes one); an empty file is an error (apko: EOF).
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "base/result.h"
#include "build/arch.h"

namespace wisp::build {

/// Where a value was written: 1-based line and column; line 0 when unknown (set by code).
struct SourceLoc {
  std::string file;
  int line = 0;
  int column = 0;

  /// "file:line:col", or just "file" when the line is unknown.
  std::string str() const;
  bool operator==(const SourceLoc&) const = default;
};

/// An inline named PEM blob: `runtime_keyring` entries and `certificates.additional` entries.
struct NamedContent {
  std::string name;
  std::string content;
  SourceLoc loc;  // not compared: two entries are equal by value
  bool operator==(const NamedContent& o) const { return name == o.name && content == o.content; }
};

/// Experimental `contents.baseimage`: an OCI layout directory plus a directory of APKINDEXes.
struct BaseImage {
  std::string image;
  std::string apkindex;
  bool operator==(const BaseImage&) const = default;
};

struct Contents {
  std::vector<std::string> repositories;          // build time AND /etc/apk/repositories
  std::vector<std::string> build_repositories;    // build time only
  std::vector<std::string> runtime_repositories;  // /etc/apk/repositories only
  std::vector<std::string> keyring;               // key files or URLs, installed by basename
  std::vector<NamedContent> runtime_keyring;      // inline keys written after resolution
  std::vector<std::string> packages;              // dependency atoms
  /// wisp's own key, Debian images only: packages never installed, even when something depends
  /// on them (debconf, perl-base...); the build prints a note for each use.
  std::vector<std::string> exclude;
  std::optional<BaseImage> baseimage;
  bool operator==(const Contents&) const = default;
};

struct Entrypoint {
  std::string type;            // "" or "service-bundle"
  std::string command;         // shell-split into the OCI Entrypoint
  std::string shell_fragment;  // YAML/JSON "shell-fragment": ["/bin/sh","-c",fragment]; wins
  std::map<std::string, std::string> services;  // service-bundle: name -> command
  bool empty() const { return type.empty() && command.empty() && shell_fragment.empty() && services.empty(); }
  bool operator==(const Entrypoint&) const = default;
};

struct Group {
  std::string groupname;
  uint32_t gid = 0;
  std::vector<std::string> members;
  SourceLoc loc;
  bool operator==(const Group& o) const {
    return groupname == o.groupname && gid == o.gid && members == o.members;
  }
};

struct User {
  std::string username;
  uint32_t uid = 0;
  std::optional<uint32_t> gid;  // absent: the primary group id is the uid
  std::string shell;            // empty: /bin/sh (applied when writing /etc/passwd)
  std::string homedir;          // filled with /home/<username> by validation, as apko does
  SourceLoc loc;

  uint32_t primary_gid() const { return gid.value_or(uid); }
  std::string login_shell() const { return shell.empty() ? "/bin/sh" : shell; }
  bool operator==(const User& o) const {
    return username == o.username && uid == o.uid && gid == o.gid && shell == o.shell &&
           homedir == o.homedir;
  }
};

struct Accounts {
  std::vector<Group> groups;
  std::vector<User> users;
  /// A uid, or a user name that the build replaces by its uid from the image's final /etc/passwd
  /// (the user may come from a package, so it is not checked against `users` here).
  std::string run_as;
  bool empty() const { return groups.empty() && users.empty() && run_as.empty(); }
  bool operator==(const Accounts&) const = default;
};

enum class PathType { directory, empty_file, hardlink, symlink, permissions };

/// "directory", "empty-file", "hardlink", "symlink", "permissions".
std::string_view path_type_name(PathType type);

/// One `paths` mutation, applied in list order.
struct PathMutation {
  std::string path;
  PathType type = PathType::directory;
  std::optional<uint32_t> uid;  // both absent: ownership untouched; one given: the other is 0
  std::optional<uint32_t> gid;
  /// Absent: apko applies mode 0000 after any non-`permissions` mutation (its field is a plain
  /// uint32); the image builder decides whether to copy that. At most 07777.
  std::optional<uint32_t> permissions;
  std::string source;  // link target for hardlink/symlink
  bool recursive = false;
  SourceLoc loc;
  bool operator==(const PathMutation& o) const {
    return path == o.path && type == o.type && uid == o.uid && gid == o.gid &&
           permissions == o.permissions && source == o.source && recursive == o.recursive;
  }
};

/// `layering`. Present but empty ({}) means a single layer, like absent.
struct Layering {
  std::string strategy;  // only "origin"
  int64_t budget = 0;    // >= 1 when strategy is set
  SourceLoc loc;
  bool active() const { return !strategy.empty() || budget != 0; }
  bool operator==(const Layering& o) const { return strategy == o.strategy && budget == o.budget; }
};

struct Certificates {
  std::vector<NamedContent> additional;  // PEM CA certs appended to the image's bundles
  std::vector<std::string> providers;    // virtual package names providing CA files
  bool operator==(const Certificates&) const = default;
};

struct ImageConfig {
  Contents contents;
  Entrypoint entrypoint;
  std::string cmd;          // shell-split into the OCI Cmd
  std::string stop_signal;  // "stop-signal"
  std::string work_dir;     // "work-dir"
  Accounts accounts;
  /// As written (either spelling, or all/host); see resolved_archs(). Checked when read.
  std::vector<std::string> archs;
  std::map<std::string, std::string> environment;  // sorted, as OCI Env is
  std::vector<PathMutation> paths;
  std::map<std::string, std::string> annotations;
  std::string vcs_url;  // "vcs-url": "<url>@<revision>"
  std::vector<std::string> volumes;
  std::string include;  // deprecated: a base config merged underneath (load_image_config)
  std::optional<Layering> layering;
  std::string format;  // "", "tar" or "erofs"
  std::optional<Certificates> certificates;

  // Not part of the YAML: filled by load_image_config / apply_overrides.
  std::string config_file;      // path as given to load_image_config
  std::string config_checksum;  // "sha256-<base64>" for the lockfile (apko-melange.md §3)
  std::optional<int64_t> build_date;  // --build-date, seconds since the epoch

  /// Compares the configuration only (not locations, file name, checksum or build date).
  bool same_config(const ImageConfig& o) const;
};

/// Reads one configuration from YAML text, without following `include` (it is kept as written).
/// Applies apko's normalisation (trailing '/' trimmed from repositories, homedir defaults) and
/// validates (validate_image_config). Errc::bad_format for YAML syntax, unknown or duplicate keys
/// and wrong types; Errc::usage for values that parse but are invalid; Errc::too_large for inputs
/// whose alias expansion exceeds a node budget. Never throws.
Result<ImageConfig> parse_image_config(std::string_view yaml, std::string_view file_name);

struct LoadOptions {
  /// Where an include is looked for after the including file's directory.
  std::vector<std::filesystem::path> include_paths;
  /// How deep includes may nest (a cycle is reported as such before this).
  int max_include_depth = 16;
  uint64_t max_file_size = 4 << 20;
};

/// Reads `path` and, recursively, its `include`s, merging each base underneath the file that
/// includes it (apko's MergeInto: scalars and pointer sections from the child win, lists are
/// concatenated base-first, maps are merged with the child winning). An include is looked for
/// relative to the including file's directory, then in each include path, then as given
/// (relative to the working directory, which is where apko looks first).
/// config_checksum is "sha256-" + base64 of SHA-256 over the bytes of every file read, in the
/// order apko feeds its hasher: the top file first, then its include, then that file's include,
/// and so on — so a file without includes hashes exactly its own bytes, matching apko's lockfile.
/// Errors: those of parse_image_config, prefixed by the including chain; Errc::not_found for a
/// missing file; Errc::usage for an include cycle ("include cycle: a.yaml -> b.yaml -> a.yaml").
Result<ImageConfig> load_image_config(const std::filesystem::path& path,
                                      const LoadOptions& options = {});

/// Checks the rules apko enforces and a few it should (marked *): users need a name and a
/// non-zero uid ("use run-as: 0"); groups need a name; *user and group names are unique;
/// paths need a path, and hardlink/symlink a source; *permissions <= 07777; layering, when not
/// empty, has strategy "origin" and budget >= 1, and is not combined with erofs or baseimage;
/// format is tar or erofs; runtime_keyring and certificate names match
/// [A-Za-z0-9_-][A-Za-z0-9_.-]* and runtime_keyring names are unique with content;
/// *entrypoint.type is empty or service-bundle and *service names are single path components;
/// *archs are known; a baseimage allows only contents, archs and include.
/// Every problem is reported, joined by "; ", each with its location. Errc::usage.
Status validate_image_config(const ImageConfig& config);

/// The architectures to build: the configured ones resolved (deduplicated, sorted by apk name),
/// or all nine when none is configured. Errc::usage for an unknown name.
Result<std::vector<Arch>> resolved_archs(const ImageConfig& config);

/// The merge apko does for `include`: `base` goes underneath `child` (see load_image_config).
void merge_base_into(const ImageConfig& base, ImageConfig& child);

/// apko's CLI flags that change the configuration.
struct Overrides {
  std::vector<std::string> archs;               // --arch: replaces archs when not empty
  std::vector<std::string> package_append;      // -p
  std::vector<std::string> repository_append;   // -r
  std::vector<std::string> build_repository_append;  // -b
  std::vector<std::string> keyring_append;      // -k
  std::vector<std::string> annotations;         // --annotations key:value, merged over the config's
  std::string build_date;                       // --build-date, RFC 3339; empty: unchanged
};

/// Applies `overrides` as apko does: an appended list is unioned with the configured one into a
/// sorted, deduplicated list (apko's sets.List); annotation keys must match [a-z0-9.-]+ and appear
/// once; --build-date sets config.build_date. Errc::usage for a bad arch, annotation or date.
Status apply_overrides(ImageConfig& config, const Overrides& overrides);

/// Parses an RFC 3339 date-time ("2024-01-02T03:04:05Z", "...+02:00", fractional seconds
/// allowed and dropped) into seconds since the epoch. Errc::usage otherwise.
Result<int64_t> parse_rfc3339(std::string_view text);

/// The configuration as apko serialises it (/etc/apko.json, `show-config`): apko's JSON names,
/// Go struct field order, empty fields omitted as Go's `omitempty` does (contents, entrypoint and
/// accounts are structs, so always present), archs in OCI spelling. Go's encoder additionally
/// escapes <, >, & and U+2028/9 as \u003c...; whoever writes the bytes must do that to match.
nlohmann::ordered_json to_json(const ImageConfig& config);

/// One repository line: "https://host/os", "./packages", "@local ./packages", or a Debian
/// "deb ..." line (flagged only; another part of wisp handles those).
struct RepositoryRef {
  std::string tag;  // without the '@'; empty when untagged
  std::string url;  // trailing '/' trimmed; for Debian lines, the whole line
  bool is_debian = false;
  bool operator==(const RepositoryRef&) const = default;
};

/// Parses a repository line as apko does: one word (a URL or path) or "@tag url". Errc::usage
/// for an empty line, a tag without a name, or more than two words.
Result<RepositoryRef> parse_repository(std::string_view line);

}  // namespace wisp::build
