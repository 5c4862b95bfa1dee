#include "registry/reference.h"

#include <cctype>

#include "base/strings.h"
#include "oci/descriptor.h"

namespace wisp::registry {

namespace {

constexpr std::string_view k_docker_hub = "docker.io";

bool is_lower_alnum(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }

/// [a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*
bool is_valid_component(std::string_view c) {
  if (c.empty() || !is_lower_alnum(c.front()) || !is_lower_alnum(c.back())) return false;
  for (size_t i = 0; i < c.size();) {
    if (is_lower_alnum(c[i])) {
      ++i;
      continue;
    }
    size_t run = i;
    while (run < c.size() && !is_lower_alnum(c[run])) ++run;
    std::string_view sep = c.substr(i, run - i);
    bool dashes = sep.find_first_not_of('-') == std::string_view::npos;
    if (!(sep == "." || sep == "_" || sep == "__" || dashes)) return false;
    i = run;
  }
  return true;
}

bool is_valid_host_label(std::string_view label) {
  if (label.empty() || label.front() == '-' || label.back() == '-') return false;
  for (char c : label)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-') return false;
  return true;
}

bool is_valid_registry(std::string_view r) {
  std::string_view host = r, port;
  if (r.starts_with('[')) {
    size_t close = r.find(']');
    if (close == std::string_view::npos) return false;
    std::string_view inside = r.substr(1, close - 1);
    if (inside.empty() || inside.find_first_not_of("0123456789abcdefABCDEF:.") != std::string_view::npos) return false;
    std::string_view rest = r.substr(close + 1);
    if (!rest.empty() && (!rest.starts_with(':') || !parse_u64(rest.substr(1)))) return false;
    return true;
  }
  if (size_t colon = r.find(':'); colon != std::string_view::npos) {
    host = r.substr(0, colon);
    port = r.substr(colon + 1);
    auto number = parse_u64(port);
    if (!number || *number == 0 || *number > 65535) return false;
  }
  for (auto label : split(host, '.'))
    if (!is_valid_host_label(label)) return false;
  return true;
}

bool looks_like_registry(std::string_view component) {
  if (component == "localhost") return true;
  if (component.find_first_of(".:[") != std::string_view::npos) return true;
  for (char c : component)
    if (std::isupper(static_cast<unsigned char>(c))) return true;
  return false;
}

/// Splits "name[:tag][@digest]" and fills registry/repository; `what` is the text for errors.
Result<Reference> parse_name(std::string_view name, std::string_view text) {
  Reference ref;
  size_t slash = name.find('/');
  std::string_view path = name;
  if (slash != std::string_view::npos && looks_like_registry(name.substr(0, slash))) {
    ref.registry = std::string(name.substr(0, slash));
    path = name.substr(slash + 1);
    if (!is_valid_registry(ref.registry))
      return fail(Errc::usage, "'{}': '{}' is not a valid registry host", text, ref.registry);
  } else {
    ref.registry = std::string(k_docker_hub);
  }
  if (ref.registry == "index.docker.io" || ref.registry == "registry-1.docker.io") ref.registry = k_docker_hub;
  if (path.empty()) return fail(Errc::usage, "'{}': no repository name", text);
  for (auto component : split(path, '/'))
    if (!is_valid_component(component))
      return fail(Errc::usage,
                  "'{}': repository component '{}' must be lowercase letters and digits separated by '.', '_', "
                  "'__' or '-'",
                  text, component);
  ref.repository = std::string(path);
  if (ref.registry == k_docker_hub && path.find('/') == std::string_view::npos) ref.repository = "library/" + ref.repository;
  if (ref.registry.size() + 1 + ref.repository.size() > 255)
    return fail(Errc::usage, "'{}': name longer than 255 characters", text);
  return ref;
}

}  // namespace

std::string Reference::name() const { return registry + "/" + repository; }

std::string Reference::str() const {
  std::string out = name();
  if (!tag.empty()) out += ":" + tag;
  if (!digest.empty()) out += "@" + digest;
  return out;
}

std::string Reference::api_host() const {
  return registry == k_docker_hub ? std::string("registry-1.docker.io") : registry;
}

bool is_valid_tag(std::string_view tag) {
  if (tag.empty() || tag.size() > 128) return false;
  auto word = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; };
  if (!word(tag.front())) return false;
  for (char c : tag)
    if (!word(c) && c != '.' && c != '-') return false;
  return true;
}

Result<Reference> parse_reference(std::string_view text) {
  if (text.empty()) return fail(Errc::usage, "empty image reference");
  std::string_view name = text, tag, digest;
  if (size_t at = text.find('@'); at != std::string_view::npos) {
    name = text.substr(0, at);
    digest = text.substr(at + 1);
    if (auto st = oci::check_digest(digest); !st) return fail(Errc::usage, "'{}': {}", text, st.error().message);
  }
  size_t last_slash = name.rfind('/');
  size_t colon = name.find(':', last_slash == std::string_view::npos ? 0 : last_slash);
  if (colon != std::string_view::npos) {
    tag = name.substr(colon + 1);
    name = name.substr(0, colon);
    if (!is_valid_tag(tag))
      return fail(Errc::usage, "'{}': tag '{}' must be letters, digits, '_', '.' or '-' (at most 128, not starting with '.' or '-')",
                  text, tag);
  }
  TRY_ASSIGN(Reference ref, parse_name(name, text));
  ref.tag = std::string(tag);
  ref.digest = std::string(digest);
  if (ref.tag.empty() && ref.digest.empty()) ref.tag = "latest";
  return ref;
}

Result<Reference> parse_repository(std::string_view text) {
  TRY_ASSIGN(Reference ref, parse_reference(text));
  size_t last_slash = text.rfind('/');
  if (!ref.digest.empty() || text.find(':', last_slash == std::string_view::npos ? 0 : last_slash) != std::string_view::npos)
    return fail(Errc::usage, "'{}': give a repository without a tag or digest", text);
  ref.tag.clear();
  return ref;
}

bool is_loopback_host(std::string_view registry) {
  std::string_view host = registry;
  if (host.starts_with('[')) {
    host = host.substr(1, host.find(']') - 1);
    return host == "::1";
  }
  host = host.substr(0, host.find(':'));
  if (host == "localhost") return true;
  auto parts = split(host, '.');
  if (parts.size() != 4 || parts[0] != "127") return false;
  for (auto p : parts) {
    auto n = parse_u64(p);
    if (!n || *n > 255) return false;
  }
  return true;
}

}  // namespace wisp::registry
