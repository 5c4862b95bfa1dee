#include "pkg/deb/relation.h"

#include <fmt/format.h>

#include "pkg/deb/version.h"

namespace wisp::pkg::deb {
namespace {

// Folded fields carry newlines between relations, so they count as blanks here.
bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n'; }
bool is_alnum(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
// dpkg's pkg_name_is_illegal: alphanumeric first, then alphanumerics and "-+._".
bool is_name_char(char c) { return is_alnum(c) || c == '-' || c == '+' || c == '.' || c == '_'; }
bool is_arch_char(char c) { return is_alnum(c) || c == '-'; }

std::string_view trim_space(std::string_view s) {
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

class Cursor {
 public:
  explicit Cursor(std::string_view text) : text_(text) {}

  bool done() const { return pos_ >= text_.size(); }
  char peek() const { return done() ? '\0' : text_[pos_]; }
  void skip_space() {
    while (!done() && is_space(text_[pos_])) ++pos_;
  }
  bool eat(char c) {
    if (peek() != c) return false;
    ++pos_;
    return true;
  }
  template <typename Pred>
  std::string_view take_while(Pred pred) {
    size_t start = pos_;
    while (!done() && pred(text_[pos_])) ++pos_;
    return text_.substr(start, pos_ - start);
  }

 private:
  std::string_view text_;
  size_t pos_ = 0;
};

Result<RelOp> parse_op(std::string_view text) {
  if (text == "<<") return RelOp::lt;
  if (text == "<=" || text == "<") return RelOp::le;
  if (text == "=") return RelOp::eq;
  if (text == ">=" || text == ">") return RelOp::ge;
  if (text == ">>") return RelOp::gt;
  if (text.empty()) return fail(Errc::bad_format, "missing operator");
  return fail(Errc::bad_format, "bad operator '{}'", text);
}

// A "[amd64 !arm64]" or "<!nocheck cross>" group: names, each optionally negated.
Status skip_restriction(Cursor& in, char close, std::string_view what) {
  while (true) {
    in.skip_space();
    if (in.eat(close)) return {};
    in.eat('!');
    std::string_view word = in.take_while([](char c) { return is_name_char(c); });
    if (word.empty()) {
      if (in.done()) return fail(Errc::bad_format, "unterminated {}", what);
      return fail(Errc::bad_format, "bad character '{}' in {}", in.peek(), what);
    }
  }
}

Result<Relation> parse_one(std::string_view text) {
  Cursor in(text);
  in.skip_space();
  Relation rel;
  if (!is_alnum(in.peek())) {
    if (in.done()) return fail(Errc::bad_format, "empty alternative");
    return fail(Errc::bad_format, "package name must start with an alphanumeric character");
  }
  rel.name = std::string(in.take_while([](char c) { return is_name_char(c); }));
  if (in.eat(':')) {
    rel.arch_qualifier = std::string(in.take_while([](char c) { return is_arch_char(c); }));
    if (rel.arch_qualifier.empty()) return fail(Errc::bad_format, "empty architecture qualifier");
  }
  in.skip_space();
  if (in.eat('(')) {
    in.skip_space();
    TRY_ASSIGN(rel.op, parse_op(in.take_while([](char c) { return c == '<' || c == '>' || c == '='; })));
    in.skip_space();
    std::string_view version = in.take_while([](char c) { return !is_space(c) && c != ')'; });
    if (version.empty()) return fail(Errc::bad_format, "missing version");
    if (!version_is_valid(version)) return fail(Errc::bad_format, "bad version '{}'", version);
    rel.version = std::string(version);
    in.skip_space();
    if (!in.eat(')')) return fail(Errc::bad_format, "missing ')' after the version");
    in.skip_space();
  }
  if (in.eat('[')) {
    TRY(skip_restriction(in, ']', "architecture restriction"));
    in.skip_space();
  }
  while (in.eat('<')) {
    TRY(skip_restriction(in, '>', "build profile"));
    in.skip_space();
  }
  if (!in.done()) return fail(Errc::bad_format, "unexpected '{}'", in.peek());
  return rel;
}

// Splits on `sep`, keeping empty pieces.
std::vector<std::string_view> split_on(std::string_view s, char sep) {
  std::vector<std::string_view> out;
  while (true) {
    size_t at = s.find(sep);
    out.push_back(s.substr(0, at));
    if (at == std::string_view::npos) return out;
    s.remove_prefix(at + 1);
  }
}

// The comma-separated clauses, without the empty one a trailing comma leaves.
Result<std::vector<std::string_view>> clauses_of(std::string_view field) {
  std::vector<std::string_view> clauses = split_on(field, ',');
  if (trim_space(clauses.back()).empty()) clauses.pop_back();
  for (std::string_view& clause : clauses) {
    clause = trim_space(clause);
    if (clause.empty()) return fail(Errc::bad_format, "empty relation between commas");
  }
  return clauses;
}

}  // namespace

std::string_view relop_symbol(RelOp op) {
  switch (op) {
    case RelOp::any:
      return "";
    case RelOp::lt:
      return "<<";
    case RelOp::le:
      return "<=";
    case RelOp::eq:
      return "=";
    case RelOp::ge:
      return ">=";
    case RelOp::gt:
      return ">>";
  }
  return "";
}

std::string Relation::str() const {
  std::string out = name;
  if (!arch_qualifier.empty()) out += fmt::format(":{}", arch_qualifier);
  if (op != RelOp::any) out += fmt::format(" ({} {})", relop_symbol(op), version);
  return out;
}

Result<std::vector<Alternatives>> parse_relations(std::string_view field) {
  TRY_ASSIGN(std::vector<std::string_view> clauses, clauses_of(field));
  std::vector<Alternatives> out;
  out.reserve(clauses.size());
  for (std::string_view clause : clauses) {
    Alternatives alternatives;
    for (std::string_view text : split_on(clause, '|')) {
      TRY_ASSIGN_CTX(Relation rel, parse_one(text), "bad relation '{}'", clause);
      alternatives.push_back(std::move(rel));
    }
    out.push_back(std::move(alternatives));
  }
  return out;
}

Result<std::vector<Relation>> parse_provides(std::string_view field) {
  TRY_ASSIGN(std::vector<std::string_view> clauses, clauses_of(field));
  std::vector<Relation> out;
  out.reserve(clauses.size());
  for (std::string_view clause : clauses) {
    if (clause.find('|') != std::string_view::npos)
      return fail(Errc::bad_format, "bad provides '{}': alternatives are not allowed", clause);
    TRY_ASSIGN_CTX(Relation rel, parse_one(clause), "bad provides '{}'", clause);
    if (rel.op != RelOp::any && rel.op != RelOp::eq)
      return fail(Errc::bad_format, "bad provides '{}': only '=' versions are allowed", clause);
    if (!rel.arch_qualifier.empty())
      return fail(Errc::bad_format, "bad provides '{}': architecture qualifiers are not allowed",
                  clause);
    out.push_back(std::move(rel));
  }
  return out;
}

bool version_satisfies(std::string_view have, RelOp op, std::string_view want) {
  if (op == RelOp::any) return true;
  int cmp = compare_versions(have, want);
  switch (op) {
    case RelOp::any:
      return true;
    case RelOp::lt:
      return cmp < 0;
    case RelOp::le:
      return cmp <= 0;
    case RelOp::eq:
      return cmp == 0;
    case RelOp::ge:
      return cmp >= 0;
    case RelOp::gt:
      return cmp > 0;
  }
  return false;
}

}  // namespace wisp::pkg::deb
