#include "pkg/apk/dependency.h"

#include "base/strings.h"

namespace wisp::pkg::apk {
namespace {

constexpr std::string_view k_op_chars = "<>=~";

bool is_alnum(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

bool all_of(std::string_view s, bool (*accept)(char)) {
  for (char c : s)
    if (!accept(c)) return false;
  return true;
}

bool is_package_name_char(char c) {
  return is_alnum(c) || c == '+' || c == '-' || c == '.' || c == '_';
}

bool is_dependency_name_char(char c) {
  return is_package_name_char(c) || c == ':' || c == '/' || c == ',' || c == '[' || c == ']';
}

// apk's tag characters, less '=' which would be read as an operator in an atom.
bool is_tag_char(char c) {
  return is_alnum(c) || c == '_' || c == '+' || c == ',' || c == '-' || c == '.' || c == ':' ||
         c == '/' || c == '[' || c == ']';
}

// Identities are base64 ("Q1" + base64(sha1)) or hex ("X1..."); both fit in this set.
bool is_identity_char(char c) { return is_alnum(c) || c == '+' || c == '/' || c == '='; }

// The atom as it can appear inside a one-line message: control and non-ASCII bytes escaped,
// long input cut.
std::string quoted(std::string_view s) {
  constexpr size_t k_max = 120;
  std::string out = "\"";
  for (size_t i = 0; i < s.size() && i < k_max; ++i) {
    auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x20 || c >= 0x7f || c == '"' || c == '\\')
      out += fmt::format("\\x{:02x}", c);
    else
      out += static_cast<char>(c);
  }
  out += s.size() > k_max ? "\"..." : "\"";
  return out;
}

std::unexpected<Error> bad_atom(std::string_view atom, std::string_view why) {
  return fail(Errc::bad_format, "bad dependency {}: {}", quoted(atom), why);
}

std::unexpected<Error> bad_provide(std::string_view text, std::string_view why) {
  return fail(Errc::bad_format, "bad provide {}: {}", quoted(text), why);
}

// Splits "name[@tag]"; `tag` is left untouched when there is no '@'.
void split_tag(std::string_view head, std::string_view& name, std::string_view& tag,
               bool& has_tag) {
  size_t at = head.find('@');
  has_tag = at != std::string_view::npos;
  name = head.substr(0, at);
  if (has_tag) tag = head.substr(at + 1);
}

}  // namespace

bool is_valid_package_name(std::string_view name) {
  return !name.empty() && all_of(name, is_package_name_char);
}

bool is_valid_dependency_name(std::string_view name) {
  return !name.empty() && all_of(name, is_dependency_name_char);
}

Result<Dependency> parse_dependency(std::string_view atom) {
  Dependency dep;
  std::string_view rest = atom;
  if (rest.starts_with('!')) {
    dep.conflict = true;
    rest.remove_prefix(1);
  }

  size_t op_at = rest.find_first_of(k_op_chars);
  std::string_view name;
  std::string_view tag;
  bool has_tag = false;
  split_tag(rest.substr(0, op_at), name, tag, has_tag);

  if (op_at != std::string_view::npos) {
    std::string_view tail = rest.substr(op_at);
    size_t op_len = tail.find_first_not_of(k_op_chars);
    if (op_len == std::string_view::npos) return bad_atom(atom, "operator without a version");
    auto op = parse_op(tail.substr(0, op_len));
    if (!op) return bad_atom(atom, op.error().message);
    dep.op = *op;
    std::string_view version = tail.substr(op_len);
    // apko writes the tag after the version ("name=1.2-r0@edge").
    size_t at = version.find('@');
    if (at != std::string_view::npos) {
      if (has_tag) return bad_atom(atom, "two repository tags");
      has_tag = true;
      tag = version.substr(at + 1);
      version = version.substr(0, at);
      if (version.empty()) return bad_atom(atom, "operator without a version");
    }
    if (dep.op == Op::checksum) {
      if (!all_of(version, is_identity_char))
        return bad_atom(atom, fmt::format("bad package identity {}", quoted(version)));
    } else if (!version_is_valid(version)) {
      return bad_atom(atom, fmt::format("invalid version {}", quoted(version)));
    }
    dep.version = version;
  }

  if (name.empty()) return bad_atom(atom, "empty name");
  if (!is_valid_dependency_name(name)) return bad_atom(atom, "bad character in name");
  if (has_tag) {
    if (tag.empty()) return bad_atom(atom, "empty repository tag");
    if (!all_of(tag, is_tag_char)) return bad_atom(atom, "bad character in repository tag");
  }
  dep.name = name;
  dep.tag = tag;
  return dep;
}

std::string format_dependency(const Dependency& dep) {
  std::string out;
  if (dep.conflict) out += '!';
  out += dep.name;
  if (!dep.tag.empty()) {
    out += '@';
    out += dep.tag;
  }
  if (!dep.version.empty()) {
    out += op_string(dep.op);
    out += dep.version;
  }
  return out;
}

Result<std::vector<Dependency>> parse_dependencies(std::string_view text) {
  std::vector<Dependency> deps;
  for (std::string_view atom : split_whitespace(text)) {
    TRY_ASSIGN(Dependency dep, parse_dependency(atom));
    deps.push_back(std::move(dep));
  }
  return deps;
}

Result<Provide> parse_provide(std::string_view text) {
  if (text.starts_with('!')) return bad_provide(text, "a provide cannot be a conflict");
  size_t op_at = text.find_first_of(k_op_chars);
  std::string_view name = text.substr(0, op_at);
  if (name.find('@') != std::string_view::npos)
    return bad_provide(text, "a provide cannot name a repository tag");
  if (name.empty()) return bad_provide(text, "empty name");
  if (!is_valid_dependency_name(name)) return bad_provide(text, "bad character in name");
  Provide provide{std::string(name), {}};
  if (op_at == std::string_view::npos) return provide;

  std::string_view tail = text.substr(op_at);
  size_t op_len = tail.find_first_not_of(k_op_chars);
  if (tail.substr(0, op_len) != "=") return bad_provide(text, "a provide's only operator is '='");
  if (op_len == std::string_view::npos) return bad_provide(text, "'=' without a version");
  std::string_view version = tail.substr(op_len);
  if (!version_is_valid(version))
    return bad_provide(text, fmt::format("invalid version {}", quoted(version)));
  provide.version = version;
  return provide;
}

std::string format_provide(const Provide& provide) {
  if (provide.version.empty()) return provide.name;
  return provide.name + "=" + provide.version;
}

Result<std::vector<Provide>> parse_provides(std::string_view text) {
  std::vector<Provide> provides;
  for (std::string_view item : split_whitespace(text)) {
    TRY_ASSIGN(Provide provide, parse_provide(item));
    provides.push_back(std::move(provide));
  }
  return provides;
}

bool Dependency::matches(std::string_view pkg_name, std::string_view pkg_version,
                         std::string_view identity) const {
  if (pkg_name != name) return false;
  if (has_any(op, Op::checksum)) return !identity.empty() && identity == version;
  return version_matches(pkg_version, op, version);
}

bool Dependency::matches(const Provide& provide) const {
  if (provide.name != name) return false;
  if (has_any(op, Op::checksum)) return false;
  // apk itself would compare the empty version (it ranks below every version, so `foo<2`
  // would match); a provide without a version promises none, so only `foo` matches it.
  if (provide.version.empty()) return has_all(op, Op::any);
  return version_matches(provide.version, op, version);
}

bool Dependency::satisfied_by(std::string_view pkg_name, std::string_view pkg_version,
                              std::string_view identity) const {
  return matches(pkg_name, pkg_version, identity) != conflict;
}

bool Dependency::satisfied_by(const Provide& provide) const {
  return matches(provide) != conflict;
}

}  // namespace wisp::pkg::apk
