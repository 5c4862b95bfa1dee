// wisp login: check credentials against a registry and save them where Docker, skopeo and
// crane look (the Docker config file, or its credential helper).
#include <termios.h>
#include <unistd.h>

#include <iostream>

#include "base/log.h"
#include "base/strings.h"
#include "cli/command.h"
#include "cli/commands.h"
#include "cli/registry_common.h"
#include "registry/credentials.h"
#include "registry/reference.h"

namespace wisp::cli {

namespace {

/// A line from stdin without its newline; echo is off when stdin is a terminal.
std::string read_secret(bool prompt) {
  termios saved{};
  bool tty = ::isatty(0) && ::tcgetattr(0, &saved) == 0;
  if (tty) {
    if (prompt) fmt::print(stderr, "Password: ");
    termios quiet = saved;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    ::tcsetattr(0, TCSANOW, &quiet);
  }
  std::string line;
  std::getline(std::cin, line);
  if (tty) {
    ::tcsetattr(0, TCSANOW, &saved);
    if (prompt) fmt::print(stderr, "\n");
  }
  while (!line.empty() && (line.back() == '\r' || line.back() == '\n')) line.pop_back();
  return line;
}

/// "https://host:5000/v2/" or "host:5000" -> "host:5000", checked as a registry name.
Result<std::string> registry_host(std::string_view text) {
  if (size_t scheme = text.find("://"); scheme != std::string_view::npos) text = text.substr(scheme + 3);
  text = text.substr(0, text.find('/'));
  TRY_ASSIGN(registry::Reference ref, registry::parse_reference(fmt::format("{}/x", text)));
  if (ref.registry == "docker.io" && text != "docker.io" && text != "index.docker.io" && text != "registry-1.docker.io")
    return fail(Errc::usage, "'{}' is not a registry host", text);
  return ref.registry;
}

}  // namespace

int cmd_login(const std::string& prog, std::vector<std::string> args) {
  CLI::App app{"Log in to a registry: the credentials are checked against it (Basic, or a Bearer token\n"
               "from its token service), then saved in $DOCKER_CONFIG/config.json (default\n"
               "~/.docker/config.json, mode 0600) or in the credential helper that file names.",
               prog};
  std::string host, username, password;
  bool password_stdin = false;
  RegistryFlags flags;
  app.add_option("registry", host, "REGISTRY[:PORT]")->required();
  app.add_option("-u,--username", username, "User name")->required();
  app.add_option("-p,--password", password, "Password (visible to other users of this machine; prefer --password-stdin)");
  app.add_flag("--password-stdin", password_stdin, "Read the password from stdin");
  flags.add_to(app, "");
  if (auto rc = parse(app, std::move(args))) return *rc;
  if (password_stdin && !password.empty())
    return report(Error{Errc::usage, "--password and --password-stdin exclude each other"});
  if (password.empty()) password = read_secret(!password_stdin);
  if (password.empty()) return report(Error{Errc::usage, "empty password"});

  auto registry_name = registry_host(host);
  if (!registry_name) return report(registry_name.error());
  registry::Credential credential{username, password, ""};
  registry::ClientOptions options = flags.client_options();
  options.credentials = [credential](std::string_view) -> Result<std::optional<registry::Credential>> {
    return std::optional<registry::Credential>(credential);
  };
  std::shared_ptr<registry::Transport> transport = registry::make_curl_transport(options.transport);
  registry::RegistryClient client(*registry_name, transport, options);
  registry::Request probe;
  probe.url = "/v2/";
  auto response = client.send(probe, {}, registry::Retry::yes);
  if (!response) return report(response.error().wrap(fmt::format("login to {}", *registry_name)));
  if (!response->ok())
    return report(client.failure(fmt::format("login to {}", *registry_name), *response));

  auto store = registry::CredentialStore::load(registry::docker_config_path(), false);
  if (!store) return report(store.error());
  if (auto saved = store->store(*registry_name, credential); !saved) return report(saved.error());
  log::info("credentials for {} saved in {}", *registry_name, store->path().string());
  fmt::print("Login Succeeded\n");
  return k_exit_ok;
}

}  // namespace wisp::cli
