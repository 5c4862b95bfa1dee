#include "sbom/purl.h"

#include <cctype>

#include "base/strings.h"

namespace wisp::sbom {
namespace {

bool keep(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == '_' || c == '~' || c == ':';
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

Result<std::string> decode(std::string_view text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '%') {
      out += text[i];
      continue;
    }
    if (i + 2 >= text.size()) return fail(Errc::bad_format, "purl: truncated percent escape in '{}'", text);
    int hi = hex_value(text[i + 1]);
    int lo = hex_value(text[i + 2]);
    if (hi < 0 || lo < 0) return fail(Errc::bad_format, "purl: bad percent escape in '{}'", text);
    out += static_cast<char>(hi * 16 + lo);
    i += 2;
  }
  return out;
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

}  // namespace

std::string purl_encode(std::string_view text) {
  static constexpr char k_hex[] = "0123456789ABCDEF";
  std::string out;
  for (char c : text) {
    if (keep(c)) {
      out += c;
    } else {
      auto b = static_cast<unsigned char>(c);
      out += '%';
      out += k_hex[b >> 4];
      out += k_hex[b & 15];
    }
  }
  return out;
}

std::string to_string(const Purl& purl) {
  std::string out = "pkg:" + lower(purl.type) + "/";
  for (const std::string& segment : purl.namespace_) {
    if (segment.empty()) continue;
    out += purl_encode(segment) + "/";
  }
  out += purl_encode(purl.name);
  if (!purl.version.empty()) out += "@" + purl_encode(purl.version);
  char sep = '?';
  for (const auto& [key, value] : purl.qualifiers) {
    if (value.empty()) continue;
    out += sep;
    out += lower(key) + "=" + purl_encode(value);
    sep = '&';
  }
  if (!purl.subpath.empty()) {
    out += '#';
    bool first = true;
    for (std::string_view segment : split(purl.subpath, '/')) {
      if (segment.empty() || segment == "." || segment == "..") continue;
      if (!first) out += '/';
      out += purl_encode(segment);
      first = false;
    }
  }
  return out;
}

Result<Purl> parse_purl(std::string_view text) {
  if (!text.starts_with("pkg:")) return fail(Errc::bad_format, "purl '{}' does not start with 'pkg:'", text);
  std::string_view rest = text.substr(4);
  while (rest.starts_with('/')) rest.remove_prefix(1);
  Purl purl;
  if (size_t hash = rest.find('#'); hash != std::string_view::npos) {
    std::string subpath;
    for (std::string_view segment : split(rest.substr(hash + 1), '/')) {
      if (segment.empty()) continue;
      TRY_ASSIGN(std::string s, decode(segment));
      if (!subpath.empty()) subpath += '/';
      subpath += s;
    }
    purl.subpath = subpath;
    rest = rest.substr(0, hash);
  }
  if (size_t q = rest.find('?'); q != std::string_view::npos) {
    for (std::string_view pair : split(rest.substr(q + 1), '&')) {
      if (pair.empty()) continue;
      size_t eq = pair.find('=');
      if (eq == std::string_view::npos || eq == 0)
        return fail(Errc::bad_format, "purl '{}': qualifier '{}' is not key=value", text, pair);
      TRY_ASSIGN(std::string value, decode(pair.substr(eq + 1)));
      if (!value.empty()) purl.qualifiers[lower(pair.substr(0, eq))] = value;
    }
    rest = rest.substr(0, q);
  }
  while (rest.ends_with('/')) rest.remove_suffix(1);
  size_t slash = rest.find('/');
  if (slash == std::string_view::npos || slash == 0) return fail(Errc::bad_format, "purl '{}' has no type or name", text);
  purl.type = lower(rest.substr(0, slash));
  rest = rest.substr(slash + 1);
  if (size_t at = rest.rfind('@'); at != std::string_view::npos) {
    TRY_ASSIGN(purl.version, decode(rest.substr(at + 1)));
    rest = rest.substr(0, at);
  }
  auto segments = split(rest, '/');
  std::vector<std::string_view> parts;
  for (auto s : segments)
    if (!s.empty()) parts.push_back(s);
  if (parts.empty()) return fail(Errc::bad_format, "purl '{}' has no name", text);
  TRY_ASSIGN(purl.name, decode(parts.back()));
  for (size_t i = 0; i + 1 < parts.size(); ++i) {
    TRY_ASSIGN(std::string segment, decode(parts[i]));
    purl.namespace_.push_back(std::move(segment));
  }
  if (purl.name.empty()) return fail(Errc::bad_format, "purl '{}' has no name", text);
  return purl;
}

}  // namespace wisp::sbom
