#include "registry/credentials.h"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <pthread.h>
#include <signal.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

#include <nlohmann/json.hpp>

#include "base/encoding.h"
#include "base/file.h"
#include "base/strings.h"

extern char** environ;

namespace wisp::registry {

namespace fs = std::filesystem;
using json = nlohmann::ordered_json;

namespace {

constexpr std::string_view k_docker_hub_key = "https://index.docker.io/v1/";

/// "https://host:5000/v2/" -> "host:5000"; lowercase.
std::string key_host(std::string_view key) {
  if (size_t scheme = key.find("://"); scheme != std::string_view::npos) key = key.substr(scheme + 3);
  key = key.substr(0, key.find('/'));
  std::string out(key);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool is_docker_hub(std::string_view host) {
  return host == "docker.io" || host == "index.docker.io" || host == "registry-1.docker.io";
}

bool key_matches(std::string_view key, std::string_view registry) {
  std::string host = key_host(key), want = key_host(registry);
  if (is_docker_hub(want)) return is_docker_hub(host);
  return host == want;
}

Result<json> parse_config(const std::string& text, const fs::path& path) {
  json doc = json::parse(text, nullptr, false);
  if (doc.is_discarded() || !doc.is_object()) return fail(Errc::bad_format, "{}: not a JSON object", path.string());
  return doc;
}

/// The credential of an "auths" entry; nullopt when it holds nothing usable.
Result<std::optional<Credential>> auth_entry(const json& entry, std::string_view key, std::string_view file) {
  if (!entry.is_object()) return fail(Errc::bad_format, "{}: auths[\"{}\"] is not an object", file, key);
  Credential c;
  auto text = [&](const char* name) -> std::string {
    auto it = entry.find(name);
    return it != entry.end() && it->is_string() ? it->get<std::string>() : std::string();
  };
  if (std::string auth = text("auth"); !auth.empty()) {
    auto decoded = base64_decode(auth);
    if (!decoded) return fail(Errc::bad_format, "{}: auths[\"{}\"].auth is not base64", file, key);
    size_t colon = decoded->find(':');
    if (colon == std::string::npos)
      return fail(Errc::bad_format, "{}: auths[\"{}\"].auth is not base64 of user:password", file, key);
    c.username = decoded->substr(0, colon);
    c.password = decoded->substr(colon + 1);
  } else {
    c.username = text("username");
    c.password = text("password");
  }
  c.identity_token = text("identitytoken");
  if (c.empty()) return std::optional<Credential>();
  return std::optional<Credential>(std::move(c));
}

Result<std::optional<Credential>> from_auths(const json& doc, std::string_view registry, std::string_view file) {
  auto auths = doc.find("auths");
  if (auths == doc.end() || !auths->is_object()) return std::optional<Credential>();
  // An exact key first, then any key naming the same host.
  std::string exact = credential_key(registry);
  if (auto it = auths->find(exact); it != auths->end()) {
    TRY_ASSIGN(auto c, auth_entry(*it, exact, file));
    if (c) return c;
  }
  for (const auto& [key, entry] : auths->items()) {
    if (!key_matches(key, registry)) continue;
    TRY_ASSIGN(auto c, auth_entry(entry, key, file));
    if (c) return c;
  }
  return std::optional<Credential>();
}

Result<std::optional<Credential>> helper_get(std::string_view helper, std::string_view key) {
  TRY_ASSIGN(HelperOutput out, run_credential_helper(helper, "get", key));
  std::string_view text = trim(out.out);
  if (out.exit_code != 0) {
    if (text.find("credentials not found") != std::string_view::npos) return std::optional<Credential>();
    return fail(Errc::unauthorized, "docker-credential-{} get {}: exit {}{}{}", helper, key, out.exit_code,
                text.empty() ? "" : ": ", text);
  }
  json doc = json::parse(text, nullptr, false);
  if (doc.is_discarded() || !doc.is_object() || !doc.contains("Username") || !doc.contains("Secret") ||
      !doc["Username"].is_string() || !doc["Secret"].is_string())
    return fail(Errc::bad_format, "docker-credential-{} get {}: output is not {{\"Username\",\"Secret\"}} JSON", helper,
                key);
  Credential c;
  std::string user = doc["Username"].get<std::string>();
  std::string secret = doc["Secret"].get<std::string>();
  if (user == "<token>") c.identity_token = secret;
  else c.username = user, c.password = secret;
  if (c.empty()) return std::optional<Credential>();
  return std::optional<Credential>(std::move(c));
}

}  // namespace

fs::path docker_config_path() {
  if (const char* dir = std::getenv("DOCKER_CONFIG"); dir && *dir) return fs::path(dir) / "config.json";
  const char* home = std::getenv("HOME");
  return fs::path(home && *home ? home : "/") / ".docker" / "config.json";
}

std::string credential_key(std::string_view registry) {
  std::string host = key_host(registry);
  return is_docker_hub(host) ? std::string(k_docker_hub_key) : host;
}

Result<CredentialStore> CredentialStore::load(const fs::path& config, bool extra_auth_files) {
  CredentialStore store;
  store.m_path = config;
  auto text = read_file(config, 16 << 20);
  if (text) {
    TRY(parse_config(*text, config));
    store.m_config = std::move(*text);
  } else if (text.error().code == Errc::not_found) {
    store.m_config = "{}";
  } else {
    return std::unexpected(text.error());
  }
  if (!extra_auth_files) return store;
  std::vector<fs::path> extra;
  if (const char* f = std::getenv("REGISTRY_AUTH_FILE"); f && *f) extra.emplace_back(f);
  if (const char* run = std::getenv("XDG_RUNTIME_DIR"); run && *run)
    extra.push_back(fs::path(run) / "containers" / "auth.json");
  for (const auto& path : extra) {
    if (path == config) continue;
    auto other = read_file(path, 16 << 20);
    if (!other) {
      if (other.error().code == Errc::not_found) continue;
      return std::unexpected(other.error());
    }
    TRY(parse_config(*other, path));
    store.m_extra.push_back(std::move(*other));
  }
  return store;
}

std::string CredentialStore::helper_for(std::string_view key) const {
  json doc = json::parse(m_config, nullptr, false);
  if (auto helpers = doc.find("credHelpers"); helpers != doc.end() && helpers->is_object()) {
    for (const auto& [host, suffix] : helpers->items())
      if (key_matches(host, key) && suffix.is_string()) return suffix.get<std::string>();
  }
  if (auto store = doc.find("credsStore"); store != doc.end() && store->is_string()) return store->get<std::string>();
  return "";
}

Result<std::optional<Credential>> CredentialStore::get(std::string_view registry) const {
  std::string key = credential_key(registry);
  if (std::string helper = helper_for(key); !helper.empty()) {
    TRY_ASSIGN(auto c, helper_get(helper, key));
    if (c) return c;
  }
  json doc = json::parse(m_config, nullptr, false);
  TRY_ASSIGN(auto c, from_auths(doc, registry, m_path.string()));
  if (c) return c;
  for (const std::string& text : m_extra) {
    json other = json::parse(text, nullptr, false);
    TRY_ASSIGN(auto found, from_auths(other, registry, "auth.json"));
    if (found) return found;
  }
  return std::optional<Credential>();
}

Status CredentialStore::store(std::string_view registry, const Credential& credential) {
  std::string key = credential_key(registry);
  json doc = json::parse(m_config, nullptr, false);
  if (std::string helper = helper_for(key); !helper.empty()) {
    json payload = {{"ServerURL", key},
                    {"Username", credential.identity_token.empty() ? credential.username : "<token>"},
                    {"Secret", credential.identity_token.empty() ? credential.password : credential.identity_token}};
    TRY_ASSIGN(HelperOutput out, run_credential_helper(helper, "store", payload.dump()));
    if (out.exit_code != 0)
      return fail(Errc::io, "docker-credential-{} store: exit {}: {}", helper, out.exit_code, trim(out.out));
    // Docker leaves an empty entry in auths so `docker login` lists the registry.
    if (!doc["auths"].is_object()) doc["auths"] = json::object();
    doc["auths"][key] = json::object();
  } else {
    if (!doc["auths"].is_object()) doc["auths"] = json::object();
    json entry = json::object();
    if (!credential.identity_token.empty()) entry["identitytoken"] = credential.identity_token;
    else entry["auth"] = base64_encode(credential.username + ":" + credential.password);
    doc["auths"][key] = entry;
  }
  std::string text = doc.dump(1, '\t') + "\n";
  std::error_code ec;
  fs::create_directories(m_path.parent_path(), ec);
  if (ec) return fail(Errc::io, "{}: {}", m_path.parent_path().string(), ec.message());
  TRY(write_file_atomic(m_path, text, 0600));
  m_config = std::move(text);
  return {};
}

Status CredentialStore::erase(std::string_view registry) {
  std::string key = credential_key(registry);
  json doc = json::parse(m_config, nullptr, false);
  if (std::string helper = helper_for(key); !helper.empty()) {
    TRY_ASSIGN(HelperOutput out, run_credential_helper(helper, "erase", key));
    if (out.exit_code != 0 && out.out.find("not found") == std::string::npos)
      return fail(Errc::io, "docker-credential-{} erase: exit {}: {}", helper, out.exit_code, trim(out.out));
  }
  auto auths = doc.find("auths");
  if (auths == doc.end() || !auths->is_object()) return {};
  std::vector<std::string> gone;
  for (const auto& [k, entry] : auths->items())
    if (key_matches(k, registry)) gone.push_back(k);
  if (gone.empty()) return {};
  for (const auto& k : gone) auths->erase(k);
  std::string text = doc.dump(1, '\t') + "\n";
  TRY(write_file_atomic(m_path, text, 0600));
  m_config = std::move(text);
  return {};
}

Result<HelperOutput> run_credential_helper(std::string_view helper, std::string_view verb, std::string_view input) {
  std::string program = fmt::format("docker-credential-{}", helper);
  if (helper.find('/') != std::string_view::npos || helper.empty())
    return fail(Errc::usage, "credential helper name '{}' is not a plain name", helper);
  int in_pipe[2], out_pipe[2];
  if (::pipe2(in_pipe, O_CLOEXEC) != 0) return fail(Errc::io, "pipe: {}", std::strerror(errno));
  if (::pipe2(out_pipe, O_CLOEXEC) != 0) {
    ::close(in_pipe[0]);
    ::close(in_pipe[1]);
    return fail(Errc::io, "pipe: {}", std::strerror(errno));
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, in_pipe[0], 0);
  posix_spawn_file_actions_adddup2(&actions, out_pipe[1], 1);
  std::string verb_text(verb);
  char* argv[] = {program.data(), verb_text.data(), nullptr};
  pid_t pid = 0;
  int rc = posix_spawnp(&pid, program.c_str(), &actions, nullptr, argv, environ);
  posix_spawn_file_actions_destroy(&actions);
  ::close(in_pipe[0]);
  ::close(out_pipe[1]);
  if (rc != 0) {
    ::close(in_pipe[1]);
    ::close(out_pipe[0]);
    if (rc == ENOENT) return fail(Errc::not_found, "credential helper {} is not on PATH", program);
    return fail(Errc::io, "{}: {}", program, std::strerror(rc));
  }
  // The input is small (a URL or one JSON object): written whole before reading. A helper
  // that exits without reading must not kill us with SIGPIPE: block it for this thread and
  // swallow one raised by this write.
  sigset_t pipe_set, old_set;
  sigemptyset(&pipe_set);
  sigaddset(&pipe_set, SIGPIPE);
  pthread_sigmask(SIG_BLOCK, &pipe_set, &old_set);
  std::string_view left = input;
  bool broken = false;
  while (!left.empty()) {
    ssize_t n = ::write(in_pipe[1], left.data(), left.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {  // the helper closed stdin; its exit code tells the rest
      broken = errno == EPIPE;
      break;
    }
    left.remove_prefix(static_cast<size_t>(n));
  }
  ::close(in_pipe[1]);
  if (broken) {
    timespec zero{};
    sigtimedwait(&pipe_set, nullptr, &zero);
  }
  pthread_sigmask(SIG_SETMASK, &old_set, nullptr);
  HelperOutput out;
  char buffer[4096];
  while (true) {
    ssize_t n = ::read(out_pipe[0], buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    if (out.out.size() < (1 << 20)) out.out.append(buffer, static_cast<size_t>(n));
  }
  ::close(out_pipe[0]);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  out.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + (WIFSIGNALED(status) ? WTERMSIG(status) : 0);
  return out;
}

}  // namespace wisp::registry
