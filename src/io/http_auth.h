// Basic-auth credentials per host, as apko and apk-tools take them from the environment:
// HTTP_AUTH=basic:HOST:USER:PASSWORD.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace wisp::io {

struct HostCredential {
  std::string host;  // lowercase, no port
  std::string port;  // decimal; empty: the URL scheme's default port
  std::string user;
  std::string password;
};

/// Parses an HTTP_AUTH value. apko accepts exactly "basic:HOST:USER:PASSWORD"; wisp also takes
///  - several entries separated by ",basic:" ("basic:a:u:p,basic:b:u:p"),
///  - a port: "basic:HOST:PORT:USER:PASSWORD" (when the field after HOST is all digits and at
///    least two fields follow it),
///  - colons inside the password (everything after USER).
/// An empty value gives no credentials. Errc::usage for an entry that is not of that form; the
/// message names the entry by number and host and never contains the password.
Result<std::vector<HostCredential>> parse_http_auth(std::string_view value);

/// parse_http_auth($HTTP_AUTH), or no credentials when it is unset.
Result<std::vector<HostCredential>> http_auth_from_env();

/// The credential for a URL's scheme, host and port (`port` empty when the URL has none), or
/// null. Hosts compare case-insensitively; an absent port means the scheme's default (80/443).
const HostCredential* find_credential(const std::vector<HostCredential>& credentials,
                                      std::string_view scheme, std::string_view host,
                                      std::string_view port);

}  // namespace wisp::io
