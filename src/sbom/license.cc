#include "sbom/license.h"

#include <algorithm>
#include <cctype>
#include <optional>

#include "base/digest.h"
#include "base/encoding.h"
#include "base/strings.h"
#include "sbom/license_list.h"

namespace wisp::sbom {
namespace {

char lower(char c) { return static_cast<char>(std::tolower(static_cast<unsigned char>(c))); }

bool iless(std::string_view a, std::string_view b) {
  return std::lexicographical_compare(a.begin(), a.end(), b.begin(), b.end(),
                                      [](char x, char y) { return lower(x) < lower(y); });
}

bool iequal(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return lower(x) == lower(y);
         });
}

std::string_view find_id(std::span<const std::string_view> ids, std::string_view id) {
  auto it = std::lower_bound(ids.begin(), ids.end(), id, iless);
  return it != ids.end() && iequal(*it, id) ? *it : std::string_view();
}

bool is_idstring(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.';
  });
}

bool is_word_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.' || c == '+' || c == ':';
}

enum class Op { none, and_, or_, with };

Op op_of(std::string_view word) {
  if (word == "AND" || word == "and") return Op::and_;
  if (word == "OR" || word == "or") return Op::or_;
  if (word == "WITH" || word == "with") return Op::with;
  return Op::none;
}

/// "(", ")" or a word; nullopt for text with characters no expression has.
std::optional<std::vector<std::string_view>> tokenize(std::string_view text) {
  std::vector<std::string_view> out;
  size_t i = 0;
  while (i < text.size()) {
    char c = text[i];
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      ++i;
    } else if (c == '(' || c == ')') {
      out.push_back(text.substr(i, 1));
      ++i;
    } else if (is_word_char(c)) {
      size_t j = i;
      while (j < text.size() && is_word_char(text[j])) ++j;
      out.push_back(text.substr(i, j - i));
      i = j;
    } else {
      return std::nullopt;
    }
  }
  return out;
}

/// A LicenseRef-/DocumentRef- reference as written (prefix respelled), or "" if `word` is none.
std::string reference(std::string_view word) {
  constexpr std::string_view lic = "LicenseRef-", doc = "DocumentRef-";
  if (word.size() > lic.size() && iequal(word.substr(0, lic.size()), lic) && is_idstring(word.substr(lic.size())))
    return std::string(lic) + std::string(word.substr(lic.size()));
  if (word.size() > doc.size() && iequal(word.substr(0, doc.size()), doc)) {
    size_t colon = word.find(':');
    if (colon == std::string_view::npos) return {};
    std::string_view document = word.substr(doc.size(), colon - doc.size());
    std::string ref = reference(word.substr(colon + 1));
    if (!is_idstring(document) || !ref.starts_with(lic)) return {};
    return std::string(doc) + std::string(document) + ":" + ref;
  }
  return {};
}

class Parser {
 public:
  explicit Parser(std::vector<std::string_view> tokens) : m_tokens(std::move(tokens)) {}

  bool parse(std::string& out) { return parse_or(out) && m_pos == m_tokens.size(); }
  std::vector<LicenseRef>& refs() { return m_refs; }

 private:
  std::string_view peek() const { return m_pos < m_tokens.size() ? m_tokens[m_pos] : std::string_view(); }

  bool parse_or(std::string& out) {
    if (!parse_and(out)) return false;
    while (op_of(peek()) == Op::or_) {
      ++m_pos;
      out += " OR ";
      if (!parse_and(out)) return false;
    }
    return true;
  }

  bool parse_and(std::string& out) {
    if (!parse_with(out)) return false;
    while (op_of(peek()) == Op::and_) {
      ++m_pos;
      out += " AND ";
      if (!parse_with(out)) return false;
    }
    return true;
  }

  bool parse_with(std::string& out) {
    if (!parse_simple(out)) return false;
    if (op_of(peek()) != Op::with) return true;
    ++m_pos;
    std::string_view exception = find_id(spdx_exception_ids(), peek());
    if (exception.empty()) return false;
    ++m_pos;
    out += " WITH ";
    out += exception;
    return true;
  }

  bool parse_simple(std::string& out) {
    std::string_view word = peek();
    if (word.empty() || word == ")" || op_of(word) != Op::none) return false;
    ++m_pos;
    if (word == "(") {
      out += '(';
      if (!parse_or(out) || peek() != ")") return false;
      ++m_pos;
      out += ')';
      return true;
    }
    if (std::string ref = reference(word); !ref.empty()) {
      out += ref;
      return true;
    }
    bool plus = word.ends_with('+');
    std::string_view base = plus ? word.substr(0, word.size() - 1) : word;
    if (!is_idstring(base)) return false;
    if (std::string_view id = find_id(spdx_license_ids(), base); !id.empty()) {
      out += id;
      if (plus) out += '+';
      return true;
    }
    LicenseRef made{make_license_ref(word), std::string(word)};
    out += made.id;
    if (std::find(m_refs.begin(), m_refs.end(), made) == m_refs.end()) m_refs.push_back(std::move(made));
    return true;
  }

  std::vector<std::string_view> m_tokens;
  size_t m_pos = 0;
  std::vector<LicenseRef> m_refs;
};

/// Known ids separated by blanks only ("MIT BSD-2-Clause"), joined with AND.
std::optional<std::string> implicit_and(const std::vector<std::string_view>& tokens) {
  if (tokens.size() < 2) return std::nullopt;
  std::vector<std::string> ids;
  for (std::string_view word : tokens) {
    bool plus = word.ends_with('+');
    std::string_view id = find_id(spdx_license_ids(), plus ? word.substr(0, word.size() - 1) : word);
    if (id.empty()) return std::nullopt;
    ids.push_back(std::string(id) + (plus ? "+" : ""));
  }
  return join(ids, " AND ");
}

}  // namespace

std::string_view canonical_license_id(std::string_view id) { return find_id(spdx_license_ids(), id); }
std::string_view canonical_exception_id(std::string_view id) { return find_id(spdx_exception_ids(), id); }

std::string make_license_ref(std::string_view text) {
  std::string id;
  for (char c : trim(text)) {
    if (std::isalnum(static_cast<unsigned char>(c)) || c == '.' || (c == '-' && !id.empty() && !id.ends_with('-'))) {
      id += c;
    } else if (c == '+') {
      if (!id.empty() && !id.ends_with('-')) id += '-';
      id += "plus";
    } else if (!id.empty() && !id.ends_with('-')) {
      id += '-';
    }
  }
  while (id.ends_with('-')) id.pop_back();
  if (id.empty()) id = "unknown";
  // Whole licence texts make unwieldy ids: keep a prefix and tell texts apart by a hash.
  if (id.size() > 64) id = id.substr(0, 48) + "-" + hex_encode(sha256(text)).substr(0, 12);
  return "LicenseRef-" + id;
}

NormalizedLicense normalize_license(std::string_view text) {
  std::string_view t = trim(text);
  if (t.empty() || iequal(t, "NOASSERTION") || iequal(t, "unknown")) return {"NOASSERTION", {}, true};
  if (iequal(t, "NONE")) return {"NONE", {}, true};
  auto tokens = tokenize(t);
  if (tokens) {
    Parser parser(*tokens);
    std::string out;
    if (parser.parse(out)) {
      bool on_list = parser.refs().empty();
      return {std::move(out), std::move(parser.refs()), on_list};
    }
    if (auto joined = implicit_and(*tokens)) return {std::move(*joined), {}, false};
  }
  LicenseRef whole{make_license_ref(t), std::string(t)};
  std::string id = whole.id;
  return {std::move(id), {std::move(whole)}, false};
}

bool is_valid_license_expression(std::string_view expression) {
  if (expression == "NOASSERTION" || expression == "NONE") return true;
  NormalizedLicense n = normalize_license(expression);
  return n.on_list && n.expression == expression;
}

}  // namespace wisp::sbom
