#include "pkg/apk/version.h"

#include <array>

namespace wisp::pkg::apk {
namespace {

// Component kinds in the order they may appear. The order matters twice: a component may only
// follow kinds allowed before it, and when two versions run out of shared components the side
// whose next kind is later ranks lower (end and invalid last).
enum class Kind : uint8_t {
  initial_digits,
  digits,
  letter,
  suffix,
  suffix_number,
  commit_hash,
  revision,
  end,
  invalid,
};

// Suffix ranks: pre-releases sort before the plain version (`none`), the rest after it.
enum class Suffix : uint8_t { alpha, beta, pre, rc, none, cvs, svn, git, hg, p };

struct SuffixName {
  std::string_view name;
  Suffix rank;
};
constexpr std::array<SuffixName, 9> k_suffixes{{
    {"alpha", Suffix::alpha},
    {"beta", Suffix::beta},
    {"pre", Suffix::pre},
    {"rc", Suffix::rc},
    {"cvs", Suffix::cvs},
    {"svn", Suffix::svn},
    {"git", Suffix::git},
    {"hg", Suffix::hg},
    {"p", Suffix::p},
}};

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_lower(char c) { return c >= 'a' && c <= 'z'; }
bool is_lower_hex(char c) { return is_digit(c) || (c >= 'a' && c <= 'f'); }

struct Component {
  Kind kind = Kind::invalid;
  Suffix suffix = Suffix::none;
  uint64_t number = 0;    // digits, suffix number, revision
  std::string_view text;  // the component's characters without its separator
};

// Walks a version one component at a time. After `end` or `invalid` it stays put.
class Components {
 public:
  explicit Components(std::string_view version) : m_rest(version) {
    read_number(Kind::initial_digits);
  }

  const Component& current() const { return m_current; }
  Kind kind() const { return m_current.kind; }

  void next() {
    Kind previous = m_current.kind;
    if (previous >= Kind::end) return;
    if (m_rest.empty()) {
      m_current.kind = Kind::end;
      return;
    }
    char c = m_rest.front();
    bool after_digits = previous == Kind::initial_digits || previous == Kind::digits;
    if (is_lower(c) && after_digits) {
      m_current.kind = Kind::letter;
      m_current.text = m_rest.substr(0, 1);
      m_rest.remove_prefix(1);
    } else if (c == '.' && after_digits) {
      m_rest.remove_prefix(1);
      read_number(Kind::digits);
    } else if (is_digit(c) && previous == Kind::suffix) {
      read_number(Kind::suffix_number);
    } else if (c == '_' && previous <= Kind::suffix_number) {
      m_rest.remove_prefix(1);
      read_suffix();
    } else if (c == '~' && previous < Kind::commit_hash) {
      m_rest.remove_prefix(1);
      size_t n = span(is_lower_hex);
      m_current.kind = n == 0 ? Kind::invalid : Kind::commit_hash;
      m_current.text = m_rest.substr(0, n);
      m_rest.remove_prefix(n);
    } else if (c == '-' && previous < Kind::revision && m_rest.starts_with("-r")) {
      m_rest.remove_prefix(2);
      read_number(Kind::revision);
    } else {
      // Also reached by a digit right after a letter ("1a1"), a second letter, a misplaced
      // separator, and any other character (upper case, '+', NUL...).
      m_current.kind = Kind::invalid;
    }
  }

 private:
  size_t span(bool (*accept)(char)) const {
    size_t n = 0;
    while (n < m_rest.size() && accept(m_rest[n])) ++n;
    return n;
  }

  void read_number(Kind kind) {
    size_t n = span(is_digit);
    // Wrapping on overflow is what apk does; it keeps the order a total preorder either way.
    uint64_t value = 0;
    for (size_t i = 0; i < n; ++i) value = value * 10 + uint64_t(m_rest[i] - '0');
    m_current.kind = n == 0 ? Kind::invalid : kind;
    m_current.number = value;
    m_current.text = m_rest.substr(0, n);
    m_rest.remove_prefix(n);
  }

  void read_suffix() {
    size_t n = span(is_lower);
    std::string_view name = m_rest.substr(0, n);
    m_rest.remove_prefix(n);
    m_current.kind = Kind::invalid;
    for (const SuffixName& s : k_suffixes) {
      if (s.name == name) {
        m_current.kind = Kind::suffix;
        m_current.suffix = s.rank;
        m_current.text = name;
      }
    }
  }

  std::string_view m_rest;
  Component m_current;
};

int sign_of(int r) { return (r > 0) - (r < 0); }

template <typename T>
int three_way(T a, T b) {
  return (a > b) - (a < b);
}

// Compares two components of the same kind.
int compare_component(const Component& a, const Component& b) {
  switch (a.kind) {
    case Kind::digits:
      // Gentoo's rule: a group with a leading zero is a fraction, so compare as text
      // ("1.2.010" < "1.2.9", "8.2.0" < "8.2.001").
      if (a.text.front() == '0' || b.text.front() == '0') return sign_of(a.text.compare(b.text));
      return three_way(a.number, b.number);
    case Kind::initial_digits:
    case Kind::suffix_number:
    case Kind::revision:
      return three_way(a.number, b.number);
    case Kind::letter:
      return three_way(a.text.front(), b.text.front());
    case Kind::suffix:
      return three_way(a.suffix, b.suffix);
    case Kind::commit_hash:
    case Kind::end:
    case Kind::invalid:
      break;
  }
  return sign_of(a.text.compare(b.text));
}

bool is_pre_release(const Component& c) { return c.kind == Kind::suffix && c.suffix < Suffix::none; }

int compare(std::string_view a, std::string_view b, bool fuzzy) {
  Components ca(a);
  Components cb(b);
  while (ca.kind() == cb.kind() && ca.kind() < Kind::end) {
    if (int r = compare_component(ca.current(), cb.current())) return r;
    ca.next();
    cb.next();
  }
  if (ca.kind() == cb.kind()) return 0;
  if (fuzzy && cb.kind() == Kind::end) return 0;
  // The shared components are equal and one side goes on: more components mean a later
  // version, unless what follows is a pre-release suffix.
  if (is_pre_release(ca.current())) return -1;
  if (is_pre_release(cb.current())) return 1;
  return ca.kind() > cb.kind() ? -1 : 1;
}

Op order_bit(int r) { return r < 0 ? Op::less : r > 0 ? Op::greater : Op::equal; }

}  // namespace

bool version_is_valid(std::string_view v) {
  Components c(v);
  while (c.kind() < Kind::end) c.next();
  return c.kind() == Kind::end;
}

int compare_versions(std::string_view a, std::string_view b) { return compare(a, b, false); }

int compare_versions_fuzzy(std::string_view version, std::string_view prefix) {
  return compare(version, prefix, true);
}

VersionOrder order_versions(std::string_view a, std::string_view b) {
  int r = compare_versions(a, b);
  return r < 0 ? VersionOrder::less : r > 0 ? VersionOrder::greater : VersionOrder::equal;
}

std::string_view version_order_symbol(VersionOrder order) {
  switch (order) {
    case VersionOrder::less:
      return "<";
    case VersionOrder::equal:
      return "=";
    case VersionOrder::greater:
      return ">";
  }
  return "?";
}

Result<Op> parse_op(std::string_view text) {
  if (text.empty()) return fail(Errc::bad_format, "empty version operator");
  Op op = Op::none;
  for (char c : text) {
    switch (c) {
      case '<':
        op = op | Op::less;
        break;
      case '>':
        op = op | Op::greater;
        break;
      case '=':
        op = op | Op::equal;
        break;
      case '~':
        op = op | Op::equal | Op::fuzzy;
        break;
      default:
        return fail(Errc::bad_format, "bad version operator \"{}\"", text);
    }
  }
  if (op == (Op::less | Op::greater)) return Op::checksum;
  if (has_all(op, Op::less | Op::greater))
    return fail(Errc::bad_format, "version operator \"{}\" constrains nothing", text);
  return op;
}

std::string_view op_string(Op op) {
  switch (uint8_t(op)) {
    case uint8_t(Op::less):
      return "<";
    case uint8_t(Op::less | Op::equal):
      return "<=";
    case uint8_t(Op::less | Op::equal | Op::fuzzy):
      return "<~";
    case uint8_t(Op::equal | Op::fuzzy):
    case uint8_t(Op::fuzzy):
      return "~";
    case uint8_t(Op::equal):
      return "=";
    case uint8_t(Op::greater | Op::equal):
      return ">=";
    case uint8_t(Op::greater | Op::equal | Op::fuzzy):
      return ">~";
    case uint8_t(Op::greater):
      return ">";
    case uint8_t(Op::checksum):
      return "><";
    case uint8_t(Op::any):
      return "";
    default:
      return "?";
  }
}

bool version_matches(std::string_view version, Op op, std::string_view wanted) {
  if (has_any(op, Op::checksum)) return version == wanted;
  if (has_all(op, Op::any)) return true;
  int r = compare(version, wanted, has_any(op, Op::fuzzy));
  return has_any(op, order_bit(r));
}

}  // namespace wisp::pkg::apk
