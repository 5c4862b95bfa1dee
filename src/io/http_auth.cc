#include "io/http_auth.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>

#include "base/strings.h"

namespace wisp::io {

namespace {

bool all_digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

std::string_view default_port(std::string_view scheme) {
  std::string s = ascii_lower(scheme);
  if (s == "https") return "443";
  if (s == "http") return "80";
  return "";
}

Result<HostCredential> parse_entry(std::string_view entry, size_t number) {
  constexpr std::string_view k_prefix = "basic:";
  if (!entry.starts_with(k_prefix))
    return fail(Errc::usage, "HTTP_AUTH entry {}: expected basic:HOST:USER:PASSWORD", number);
  std::vector<std::string_view> fields = split(entry.substr(k_prefix.size()), ':');
  if (fields.size() < 3)
    return fail(Errc::usage, "HTTP_AUTH entry {}: expected basic:HOST:USER:PASSWORD", number);
  HostCredential cred;
  cred.host = ascii_lower(fields[0]);
  size_t user_field = 1;
  if (fields.size() >= 4 && all_digits(fields[1])) {
    cred.port = std::string(fields[1]);
    user_field = 2;
  }
  if (cred.host.empty() || cred.host.find_first_of("/@?# ") != std::string::npos)
    return fail(Errc::usage, "HTTP_AUTH entry {}: '{}' is not a host name", number, cred.host);
  cred.user = std::string(fields[user_field]);
  // The password is the rest, colons included.
  size_t offset = k_prefix.size();
  for (size_t i = 0; i <= user_field; ++i) offset += fields[i].size() + 1;
  cred.password = std::string(entry.substr(offset));
  if (cred.user.empty())
    return fail(Errc::usage, "HTTP_AUTH entry {} (host {}): empty user name", number, cred.host);
  return cred;
}

}  // namespace

Result<std::vector<HostCredential>> parse_http_auth(std::string_view value) {
  std::vector<HostCredential> out;
  if (trim(value).empty()) return out;
  // Entries are separated by ",basic:" so that a password may contain a plain comma.
  constexpr std::string_view k_separator = ",basic:";
  size_t number = 1;
  while (true) {
    size_t next = value.find(k_separator);
    std::string_view entry = value.substr(0, next);
    TRY_ASSIGN(auto cred, parse_entry(entry, number));
    out.push_back(std::move(cred));
    if (next == std::string_view::npos) break;
    value.remove_prefix(next + 1);  // keep "basic:" for the next entry
    ++number;
  }
  return out;
}

Result<std::vector<HostCredential>> http_auth_from_env() {
  const char* value = std::getenv("HTTP_AUTH");
  if (!value) return std::vector<HostCredential>{};
  return parse_http_auth(value);
}

const HostCredential* find_credential(const std::vector<HostCredential>& credentials,
                                      std::string_view scheme, std::string_view host,
                                      std::string_view port) {
  std::string want_host = ascii_lower(host);
  std::string_view fallback = default_port(scheme);
  std::string_view want_port = port.empty() ? fallback : port;
  for (const auto& cred : credentials) {
    std::string_view cred_port = cred.port.empty() ? fallback : std::string_view(cred.port);
    if (cred.host == want_host && cred_port == want_port) return &cred;
  }
  return nullptr;
}

}  // namespace wisp::io
