// WWW-Authenticate challenges (RFC 7235) as registries send them on 401:
//   Basic realm="Registry Realm"
//   Bearer realm="https://auth.example/token",service="registry.example",scope="repository:a/b:pull"
// One header may carry several challenges separated by commas; parameter values are tokens or
// quoted strings with backslash escapes.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace wisp::registry {

struct Challenge {
  std::string scheme;                         // lowercased: "basic", "bearer"
  std::map<std::string, std::string> params;  // names lowercased: "realm", "service", "scope"

  std::string param(const std::string& name) const {
    auto it = params.find(name);
    return it == params.end() ? std::string() : it->second;
  }
};

/// Parses a header value; malformed parts end the parse (what was read before is kept).
std::vector<Challenge> parse_challenges(std::string_view header);

}  // namespace wisp::registry
