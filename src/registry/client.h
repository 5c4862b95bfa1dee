// One registry host as a client sees it: which scheme it speaks (https; plain http too for
// loopback hosts and --insecure), how it wants requests authorized (auth.h), and which
// failures are worth another try (retry.h). Every request of the repository operations
// (repository.h) goes through RegistryClient::send.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "base/result.h"
#include "registry/auth.h"
#include "registry/credentials.h"
#include "registry/http.h"
#include "registry/retry.h"

namespace wisp::registry {

struct ClientOptions {
  TransportOptions transport;  // --ca-cert, and verify_tls=false for --insecure
  /// Allow plain HTTP (after HTTPS fails) for any host, not only loopback ones; with
  /// transport.verify_tls = false this is --insecure.
  bool allow_http = false;
  RetryPolicy retry;
  /// Credentials for a registry host; default: the Docker config (CredentialStore::load()).
  std::function<Result<std::optional<Credential>>(std::string_view registry)> credentials;
  /// Blobs larger than this are uploaded in PATCH chunks of this size; smaller ones in one PUT.
  uint64_t chunk_size = uint64_t{64} << 20;
};

enum class Retry { yes, no };

class RegistryClient {
 public:
  /// `registry` is a Reference::registry ("docker.io", "127.0.0.1:5000"); requests go to its
  /// api_host. Nothing is sent until the first request.
  RegistryClient(std::string registry, std::shared_ptr<Transport> transport, ClientOptions options);

  /// GET /v2/ once: picks the scheme and learns the auth challenge. Errc::network when the
  /// registry cannot be reached (the HTTPS error when HTTP did not help either),
  /// Errc::bad_format when /v2/ does not answer like a registry.
  Status ping();

  /// Sends `request` (a "/v2/..." path or an absolute URL) authorized for `scopes`. A 401 is
  /// answered once by re-authorizing; with Retry::yes, network errors, 408, 429 and 5xx are
  /// retried with backoff (honouring Retry-After). Warning headers are logged. The final
  /// response is returned whatever its status.
  Result<Response> send(Request request, const Scopes& scopes, Retry retry);

  /// `what` failed with `response`: response_error() plus, for 401/403, who was refused.
  Error failure(std::string_view what, const Response& response);

  const std::string& registry() const { return m_registry; }
  /// "https://host" (or http) once ping() succeeded.
  std::string base_url();
  const ClientOptions& options() const { return m_options; }
  Transport& transport() { return *m_transport; }

 private:
  Status ping_locked();
  std::string m_registry;
  std::string m_api_host;
  std::shared_ptr<Transport> m_transport;
  ClientOptions m_options;
  Authenticator m_auth;
  std::mutex m_ping_mutex;
  bool m_pinged = false;
  std::string m_base_url;
};

/// Clients shared by host, so a copy within one registry pings and authenticates once.
class ClientPool {
 public:
  ClientPool(std::shared_ptr<Transport> transport, ClientOptions options)
      : m_transport(std::move(transport)), m_options(std::move(options)) {}
  std::shared_ptr<RegistryClient> get(const std::string& registry);
  const ClientOptions& options() const { return m_options; }

 private:
  std::shared_ptr<Transport> m_transport;
  ClientOptions m_options;
  std::mutex m_mutex;
  std::map<std::string, std::shared_ptr<RegistryClient>> m_clients;
};

}  // namespace wisp::registry
