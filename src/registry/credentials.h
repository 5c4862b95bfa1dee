// Registry credentials where Docker, skopeo, crane and podman keep them: the Docker config
// file ($DOCKER_CONFIG/config.json, else ~/.docker/config.json) with
//   "auths":       {"HOST": {"auth": base64(user:password)} | {"username","password"} | {"identitytoken"}}
//   "credsStore":  "SUFFIX"           every registry through docker-credential-SUFFIX
//   "credHelpers": {"HOST": "SUFFIX"} one registry through docker-credential-SUFFIX
// then, read only, podman's $REGISTRY_AUTH_FILE and $XDG_RUNTIME_DIR/containers/auth.json.
// Helpers speak JSON over stdin/stdout: `get` takes the server URL and prints
// {"ServerURL","Username","Secret"}; `store` takes that object; `erase` takes the URL.
// Docker Hub's key is "https://index.docker.io/v1/"; other registries are keyed by host[:port]
// (keys written as URLs, "https://host/v2/", match too).
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace wisp::registry {

struct Credential {
  std::string username;
  std::string password;
  /// An OAuth2 refresh token (config "identitytoken"; helpers return it with username
  /// "<token>"): exchanged at the token endpoint instead of a password.
  std::string identity_token;

  bool empty() const { return username.empty() && password.empty() && identity_token.empty(); }
};

/// $DOCKER_CONFIG/config.json, else $HOME/.docker/config.json.
std::filesystem::path docker_config_path();

/// The key a registry host has in config files and helpers ("https://index.docker.io/v1/"
/// for docker.io, the host itself otherwise).
std::string credential_key(std::string_view registry);

class CredentialStore {
 public:
  /// Reads `config` (a missing file is an empty configuration) and, when `extra_auth_files`
  /// is true, podman's auth files as read-only fallbacks. Errc::bad_format for a file that is
  /// not JSON or has malformed entries.
  static Result<CredentialStore> load(const std::filesystem::path& config = docker_config_path(),
                                      bool extra_auth_files = true);

  /// The credential for a registry host: its credHelpers entry, else credsStore, else
  /// "auths" (then the extra files). nullopt when there is none. Errc::unauthorized when a
  /// helper fails for another reason than "not found" (naming the helper).
  Result<std::optional<Credential>> get(std::string_view registry) const;

  /// Saves a credential (wisp login): through the registry's helper when one is configured,
  /// else into "auths" as base64(user:password). The file is rewritten atomically with mode
  /// 0600, keeping every other setting.
  Status store(std::string_view registry, const Credential& credential);
  /// Forgets a registry's credential (helper erase, or removes its "auths" entry).
  Status erase(std::string_view registry);

  const std::filesystem::path& path() const { return m_path; }

 private:
  std::string helper_for(std::string_view key) const;
  std::filesystem::path m_path;
  std::string m_config;  // the file's JSON text ("{}" when absent)
  std::vector<std::string> m_extra;  // JSON texts of read-only auth files
};

/// Runs docker-credential-<helper> <verb> with `input` on stdin; its stdout and exit code.
/// Errc::not_found when the program is not on PATH.
struct HelperOutput {
  int exit_code = 0;
  std::string out;
};
Result<HelperOutput> run_credential_helper(std::string_view helper, std::string_view verb, std::string_view input);

}  // namespace wisp::registry
