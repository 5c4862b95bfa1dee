#include "registry/auth.h"

#include <algorithm>

#include <nlohmann/json.hpp>

#include "base/encoding.h"
#include "base/log.h"
#include "base/strings.h"
#include "registry/errors.h"

namespace wisp::registry {

namespace {

using json = nlohmann::json;
using std::chrono::seconds;

constexpr seconds k_default_token_lifetime{60};
constexpr seconds k_token_margin{10};

std::string basic_value(const Credential& c) { return "Basic " + base64_encode(c.username + ":" + c.password); }

}  // namespace

std::string pull_scope(std::string_view repository) { return fmt::format("repository:{}:pull", repository); }
std::string push_scope(std::string_view repository) { return fmt::format("repository:{}:pull,push", repository); }

Authenticator::Authenticator(Transport& transport, std::string registry, CredentialFn credential, RetryPolicy retry,
                             Clock clock)
    : m_transport(transport),
      m_registry(std::move(registry)),
      m_credential_fn(std::move(credential)),
      m_retry(std::move(retry)),
      m_clock(clock ? std::move(clock) : [] { return std::chrono::steady_clock::now(); }) {}

void Authenticator::learn(const Response& unauthorized) {
  std::lock_guard lock(m_mutex);
  auto challenges = parse_challenges(unauthorized.header("www-authenticate"));
  // Prefer Bearer when both are offered: it never sends the password to the registry itself.
  auto bearer = std::find_if(challenges.begin(), challenges.end(), [](const Challenge& c) { return c.scheme == "bearer"; });
  if (bearer != challenges.end()) {
    m_scheme = Scheme::bearer;
    m_realm = bearer->param("realm");
    m_service = bearer->param("service");
    return;
  }
  if (std::any_of(challenges.begin(), challenges.end(), [](const Challenge& c) { return c.scheme == "basic"; }))
    m_scheme = Scheme::basic;
}

Result<std::optional<Credential>> Authenticator::credential() {
  if (!m_credential_loaded) {
    if (m_credential_fn) {
      TRY_ASSIGN_CTX(m_credential, m_credential_fn(), "credentials for {}", m_registry);
    }
    m_credential_loaded = true;
  }
  return m_credential;
}

std::string Authenticator::scope_key(const Scopes& scopes) {
  std::vector<std::string> sorted(scopes);
  std::sort(sorted.begin(), sorted.end());
  sorted.erase(std::unique(sorted.begin(), sorted.end()), sorted.end());
  return join(sorted, " ");
}

Result<std::string> Authenticator::authorization(const Scopes& scopes) {
  std::lock_guard lock(m_mutex);
  switch (m_scheme) {
    case Scheme::none:
      return std::string();
    case Scheme::basic: {
      TRY_ASSIGN(auto c, credential());
      if (!c || c->username.empty()) return std::string();
      return basic_value(*c);
    }
    case Scheme::bearer: {
      std::string key = scope_key(scopes);
      auto cached = m_tokens.find(key);
      if (cached != m_tokens.end() && cached->second.expires > m_clock()) return "Bearer " + cached->second.value;
      std::set<std::string> wanted(scopes.begin(), scopes.end());
      wanted.insert(m_extra[key].begin(), m_extra[key].end());
      TRY_ASSIGN(Token token, fetch_token(wanted));
      std::string value = "Bearer " + token.value;
      m_tokens[key] = std::move(token);
      return value;
    }
  }
  return std::string();
}

Result<bool> Authenticator::retry_after_unauthorized(const Response& unauthorized, const Scopes& scopes,
                                                     const std::string& sent) {
  auto challenges = parse_challenges(unauthorized.header("www-authenticate"));
  std::lock_guard lock(m_mutex);
  Scheme before = m_scheme;
  std::string key = scope_key(scopes);
  bool widened = false;
  for (const auto& c : challenges) {
    if (c.scheme == "bearer") {
      m_scheme = Scheme::bearer;
      if (!c.param("realm").empty()) m_realm = c.param("realm");
      if (!c.param("service").empty()) m_service = c.param("service");
      for (auto s : split_whitespace(c.param("scope")))
        if (std::find(scopes.begin(), scopes.end(), s) == scopes.end()) widened |= m_extra[key].emplace(s).second;
    } else if (c.scheme == "basic" && m_scheme == Scheme::none) {
      m_scheme = Scheme::basic;
    }
  }
  if (m_scheme == Scheme::bearer) {
    m_tokens.erase(key);
    // A first challenge, a token that expired early, or a wider scope: worth one more try.
    return before != Scheme::bearer || widened || sent.starts_with("Bearer ");
  }
  if (m_scheme == Scheme::basic) {
    if (!sent.empty()) return false;  // the password itself was refused
    TRY_ASSIGN(auto c, credential());
    return c.has_value() && !c->username.empty();
  }
  return false;
}

std::string Authenticator::refusal_hint() {
  std::lock_guard lock(m_mutex);
  auto c = credential();
  if (c && *c) {
    if (!(*c)->username.empty()) return fmt::format("credentials for user '{}' refused by {}", (*c)->username, m_registry);
    return fmt::format("identity token refused by {}", m_registry);
  }
  return fmt::format("no credentials for {}; run 'wisp login {}'", m_registry, m_registry);
}

Result<Authenticator::Token> Authenticator::fetch_token(const std::set<std::string>& scopes) {
  if (m_realm.empty()) return fail(Errc::unauthorized, "{}: Bearer challenge without a realm", m_registry);
  if (!m_realm.starts_with("https://") && !m_realm.starts_with("http://"))
    return fail(Errc::unauthorized, "{}: token realm '{}' is not an http(s) URL", m_registry, m_realm);
  TRY_ASSIGN(auto c, credential());
  bool oauth = c && !c->identity_token.empty();
  for (int attempt = 1;; ++attempt) {
    auto token = fetch_token_once(scopes, oauth);
    if (token) return token;
    // OAuth2 POST not offered by this realm: the plain GET flow.
    if (oauth && token.error().code == Errc::unsupported) {
      oauth = false;
      continue;
    }
    if (!is_retryable_error(token.error()) || attempt >= m_retry.attempts) return token;
    m_retry.wait(backoff_delay(m_retry, attempt, std::nullopt));
  }
}

Result<Authenticator::Token> Authenticator::fetch_token_once(const std::set<std::string>& scopes, bool oauth_post) {
  TRY_ASSIGN(auto c, credential());
  Request request;
  request.url = m_realm;
  if (oauth_post) {
    std::string form = "grant_type=refresh_token&client_id=wisp&refresh_token=" + url_encode(c->identity_token);
    if (!m_service.empty()) form += "&service=" + url_encode(m_service);
    std::string joined;
    for (const auto& s : scopes) joined += (joined.empty() ? "" : " ") + s;
    if (!joined.empty()) form += "&scope=" + url_encode(joined);
    request.method = "POST";
    request.headers.emplace_back("Content-Type", "application/x-www-form-urlencoded");
    request.body = Body::of(std::move(form));
  } else {
    if (!m_service.empty()) request.url = add_query(request.url, "service", m_service);
    for (const auto& s : scopes) request.url = add_query(request.url, "scope", s);
    if (c && !c->username.empty()) request.authorization = basic_value(*c);
  }
  TRY_ASSIGN_CTX(Response response, m_transport.send(request), "{}: token", m_registry);
  if (oauth_post && (response.status == 404 || response.status == 405))
    return fail(Errc::unsupported, "{}: no OAuth2 token endpoint", m_registry);
  if (response.status == 401 || response.status == 403)
    return fail(Errc::unauthorized, "{}: token request refused ({}): {}", m_registry, describe_response(response),
                c ? (c->username.empty() ? "identity token refused" : fmt::format("credentials for user '{}' refused", c->username))
                  : fmt::format("no credentials; run 'wisp login {}'", m_registry));
  if (!response.ok()) return std::unexpected(response_error(fmt::format("{}: token {}", m_registry, m_realm), response));
  json doc = json::parse(response.body, nullptr, false);
  if (doc.is_discarded() || !doc.is_object())
    return fail(Errc::bad_format, "{}: token response from {} is not JSON", m_registry, m_realm);
  Token token;
  for (const char* field : {"token", "access_token"})
    if (auto it = doc.find(field); it != doc.end() && it->is_string() && !it->get<std::string>().empty()) {
      token.value = it->get<std::string>();
      break;
    }
  if (token.value.empty()) return fail(Errc::bad_format, "{}: token response from {} has no token", m_registry, m_realm);
  seconds lifetime = k_default_token_lifetime;
  if (auto it = doc.find("expires_in"); it != doc.end() && it->is_number_integer() && it->get<int64_t>() > 0)
    lifetime = seconds(it->get<int64_t>());
  token.expires = m_clock() + std::max(lifetime - k_token_margin, seconds(1));
  log::debug("{}: token for {} ({} s)", m_registry, join(std::vector<std::string>(scopes.begin(), scopes.end()), " "),
             lifetime.count());
  return token;
}

}  // namespace wisp::registry
