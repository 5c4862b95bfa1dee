#include "registry/errors.h"

#include <nlohmann/json.hpp>

#include "base/strings.h"

namespace wisp::registry {

namespace {

using json = nlohmann::json;

/// [(code, message)] of a distribution error body.
std::vector<std::pair<std::string, std::string>> parse_errors(std::string_view body) {
  std::vector<std::pair<std::string, std::string>> out;
  json doc = json::parse(body, nullptr, false);
  if (doc.is_discarded() || !doc.is_object()) return out;
  auto errors = doc.find("errors");
  if (errors == doc.end() || !errors->is_array()) return out;
  for (const auto& e : *errors) {
    if (!e.is_object()) continue;
    std::string code = e.contains("code") && e["code"].is_string() ? e["code"].get<std::string>() : "";
    std::string message = e.contains("message") && e["message"].is_string() ? e["message"].get<std::string>() : "";
    if (!code.empty() || !message.empty()) out.emplace_back(std::move(code), std::move(message));
  }
  return out;
}

/// Printable start of a body that is not a distribution error (HTML from a proxy, plain text).
std::string body_excerpt(std::string_view body) {
  std::string_view line = trim(body.substr(0, body.find('\n')));
  std::string out;
  for (char c : line.substr(0, 200)) out += (c >= 0x20 && c < 0x7f) ? c : '?';
  return out;
}

}  // namespace

std::string error_codes(const Response& response) {
  std::string out;
  for (const auto& [code, message] : parse_errors(response.body)) {
    if (code.empty()) continue;
    if (!out.empty()) out += ",";
    out += code;
  }
  return out;
}

std::string describe_response(const Response& response) {
  std::string out = fmt::format("HTTP {}", response.status);
  auto errors = parse_errors(response.body);
  if (!errors.empty()) {
    for (const auto& [code, message] : errors) {
      out += ": ";
      out += code.empty() ? message : (message.empty() ? code : code + ": " + message);
    }
  } else if (std::string excerpt = body_excerpt(response.body); !excerpt.empty()) {
    out += ": " + excerpt;
  }
  return out;
}

Error response_error(std::string_view what, const Response& response) {
  long status = response.status;
  std::string codes = error_codes(response);
  Errc code = Errc::bad_format;
  if (status == 401 || status == 403) code = Errc::unauthorized;
  else if (status == 404) code = Errc::not_found;
  else if (codes.find("DIGEST_INVALID") != std::string::npos) code = Errc::digest_mismatch;
  else if (status == 413) code = Errc::too_large;
  else if (status == 429 || status >= 500) code = Errc::network;
  return Error{code, fmt::format("{}: {}", what, describe_response(response))};
}

}  // namespace wisp::registry
