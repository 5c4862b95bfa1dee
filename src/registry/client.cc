#include "registry/client.h"

#include <ctime>

#include "base/log.h"
#include "registry/errors.h"
#include "registry/reference.h"

namespace wisp::registry {

namespace {

std::string api_host_of(const std::string& registry) {
  return registry == "docker.io" ? std::string("registry-1.docker.io") : registry;
}

Authenticator::CredentialFn credential_source(const ClientOptions& options, const std::string& registry) {
  if (options.credentials) return [fn = options.credentials, registry] { return fn(registry); };
  return [registry]() -> Result<std::optional<Credential>> {
    TRY_ASSIGN(CredentialStore store, CredentialStore::load());
    return store.get(registry);
  };
}

}  // namespace

RegistryClient::RegistryClient(std::string registry, std::shared_ptr<Transport> transport, ClientOptions options)
    : m_registry(std::move(registry)),
      m_api_host(api_host_of(m_registry)),
      m_transport(std::move(transport)),
      m_options(std::move(options)),
      m_auth(*m_transport, m_registry, credential_source(m_options, m_registry), m_options.retry) {}

Status RegistryClient::ping() {
  std::lock_guard lock(m_ping_mutex);
  if (m_pinged) return {};
  TRY(ping_locked());
  m_pinged = true;
  return {};
}

Status RegistryClient::ping_locked() {
  // Loopback registries are tried over plain HTTP first: nothing secret goes into the ping,
  // nobody can listen in on loopback, and it spares a TLS setup that local registries mostly
  // do not speak. A TLS server answers HTTP with 400, which sends us on to https.
  std::vector<std::string_view> schemes;
  if (is_loopback_host(m_registry)) schemes = {"http", "https"};
  else if (m_options.allow_http) schemes = {"https", "http"};
  else schemes = {"https"};
  // What to report when no scheme works: the https failure, which says most (a certificate
  // problem rather than the TLS server's 400 to plain HTTP).
  Error reported{Errc::network, "no scheme tried"};
  for (size_t i = 0; i < schemes.size(); ++i) {
    const bool https = schemes[i] == "https";
    std::string base = fmt::format("{}://{}", schemes[i], m_api_host);
    Request request;
    request.url = base + "/v2/";
    const bool last = i + 1 == schemes.size();
    Result<Response> response = fail(Errc::internal, "not sent");
    for (int attempt = 1;; ++attempt) {
      response = m_transport->send(request);
      bool again = response ? is_retryable_status(response->status) : is_retryable_error(response.error());
      // A failure with another scheme left to try is the answer, not a glitch.
      if (!again || (!last && !response) || attempt >= m_options.retry.attempts) break;
      m_options.retry.wait(backoff_delay(m_options.retry, attempt, std::nullopt));
    }
    if (!response) {
      if (i == 0 || https) reported = response.error();
      continue;
    }
    if (response->status == 200 || response->status == 401) {
      if (response->status == 401) m_auth.learn(*response);
      m_base_url = base;
      log::debug("{}: registry at {} ({})", m_registry, base, response->status == 401 ? "auth" : "anonymous");
      return {};
    }
    Error error = response_error(fmt::format("GET {}", request.url), *response);
    error.code = Errc::bad_format;
    error.message += " (not a registry API)";
    if (i == 0 || (https && reported.code == Errc::bad_format)) reported = std::move(error);
  }
  return std::unexpected(reported.wrap(fmt::format("cannot reach registry {}", m_registry)));
}

std::string RegistryClient::base_url() {
  std::lock_guard lock(m_ping_mutex);
  return m_base_url;
}

Result<Response> RegistryClient::send(Request request, const Scopes& scopes, Retry retry) {
  TRY(ping());
  if (request.url.starts_with("/")) request.url = base_url() + request.url;
  bool reauthorized = false;
  for (int attempt = 1;; ++attempt) {
    TRY_ASSIGN(request.authorization, m_auth.authorization(scopes));
    auto response = m_transport->send(request);
    const bool may_retry = retry == Retry::yes && attempt < m_options.retry.attempts;
    if (!response) {
      if (!may_retry || !is_retryable_error(response.error())) return response;
      log::debug("{} {}: {}; retrying", request.method, request.url, response.error().message);
      m_options.retry.wait(backoff_delay(m_options.retry, attempt, std::nullopt));
      continue;
    }
    for (const auto& [name, value] : response->headers)
      if (name == "warning" && value.starts_with("299")) log::warn("{}: {}", m_registry, value);
    if (response->status == 401 && !reauthorized) {
      reauthorized = true;
      TRY_ASSIGN(bool again, m_auth.retry_after_unauthorized(*response, scopes, request.authorization));
      if (again) {
        --attempt;  // not a failure of the server
        continue;
      }
    }
    if (may_retry && is_retryable_status(response->status)) {
      auto after = parse_retry_after(response->header("retry-after"), std::time(nullptr));
      auto delay = backoff_delay(m_options.retry, attempt, after);
      log::debug("{} {}: HTTP {}; retrying in {} ms", request.method, request.url, response->status, delay.count());
      m_options.retry.wait(delay);
      continue;
    }
    return response;
  }
}

Error RegistryClient::failure(std::string_view what, const Response& response) {
  Error error = response_error(what, response);
  if (response.status == 401 || response.status == 403) error.message += " (" + m_auth.refusal_hint() + ")";
  return error;
}

std::shared_ptr<RegistryClient> ClientPool::get(const std::string& registry) {
  std::lock_guard lock(m_mutex);
  auto& client = m_clients[registry];
  if (!client) client = std::make_shared<RegistryClient>(registry, m_transport, m_options);
  return client;
}

}  // namespace wisp::registry
