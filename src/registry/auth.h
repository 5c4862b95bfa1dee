// Authorization for one registry, learned from its WWW-Authenticate challenges
// (oci-registries-scanners.md §2.7):
//  - none: anonymous requests;
//  - Basic: "Authorization: Basic base64(user:password)" on every request;
//  - Bearer: a token from the challenge's realm for the scopes a request needs
//    ("repository:acme/app:pull,push"), fetched with GET realm?service=&scope= (Basic
//    credentials when there are any) or, for an identity token, the OAuth2 refresh_token
//    POST (GET again if the realm answers 404/405). Tokens are cached per scope set until
//    shortly before expires_in; a 401 carrying a new scope merges it and fetches again.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "base/result.h"
#include "registry/challenge.h"
#include "registry/credentials.h"
#include "registry/http.h"
#include "registry/retry.h"

namespace wisp::registry {

using Scopes = std::vector<std::string>;

/// "repository:NAME:pull" / "repository:NAME:pull,push".
std::string pull_scope(std::string_view repository);
std::string push_scope(std::string_view repository);

class Authenticator {
 public:
  using CredentialFn = std::function<Result<std::optional<Credential>>()>;
  using Clock = std::function<std::chrono::steady_clock::time_point()>;

  /// `credential` is asked at most once, when a challenge first needs it. `registry` names
  /// the host in messages.
  Authenticator(Transport& transport, std::string registry, CredentialFn credential, RetryPolicy retry,
                Clock clock = nullptr);

  /// Records the challenge of a 401 (the /v2/ ping's or any request's).
  void learn(const Response& unauthorized);

  /// The Authorization value for a request needing `scopes` ("" when anonymous). Fetches a
  /// token when the registry uses Bearer and none is cached. Errc::unauthorized when the token
  /// endpoint refuses, Errc::network when it cannot be reached.
  Result<std::string> authorization(const Scopes& scopes);

  /// After a 401 to a request sent with `sent` authorization: learns its challenge and says
  /// whether sending again can help (a first challenge, an expired token, a wider scope).
  /// False when these credentials were already refused.
  Result<bool> retry_after_unauthorized(const Response& unauthorized, const Scopes& scopes, const std::string& sent);

  /// What to tell a user whose request got 401/403: "credentials for user 'u' refused" or
  /// "no credentials for HOST; run 'wisp login HOST'".
  std::string refusal_hint();

 private:
  enum class Scheme { none, basic, bearer };
  struct Token {
    std::string value;
    std::chrono::steady_clock::time_point expires;
  };

  Result<std::optional<Credential>> credential();  // under m_mutex
  Result<Token> fetch_token(const std::set<std::string>& scopes);
  Result<Token> fetch_token_once(const std::set<std::string>& scopes, bool oauth_post);
  static std::string scope_key(const Scopes& scopes);

  Transport& m_transport;
  std::string m_registry;
  CredentialFn m_credential_fn;
  RetryPolicy m_retry;
  Clock m_clock;

  std::mutex m_mutex;
  Scheme m_scheme = Scheme::none;
  std::string m_realm, m_service;
  bool m_credential_loaded = false;
  std::optional<Credential> m_credential;
  std::map<std::string, Token> m_tokens;                 // by scope_key(requested scopes)
  std::map<std::string, std::set<std::string>> m_extra;  // scopes challenges added per key
};

}  // namespace wisp::registry
