#include "registry/challenge.h"

#include <cctype>

namespace wisp::registry {

namespace {

bool is_token_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || std::string_view("!#$%&'*+-.^_`|~/:").find(c) != std::string_view::npos;
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

class Scanner {
 public:
  explicit Scanner(std::string_view text) : m_text(text) {}
  void skip_space() {
    while (m_pos < m_text.size() && (m_text[m_pos] == ' ' || m_text[m_pos] == '\t')) ++m_pos;
  }
  bool at_end() const { return m_pos >= m_text.size(); }
  char peek() const { return at_end() ? '\0' : m_text[m_pos]; }
  void advance() { ++m_pos; }
  size_t pos() const { return m_pos; }
  void reset(size_t pos) { m_pos = pos; }
  std::string_view token() {
    size_t start = m_pos;
    while (!at_end() && is_token_char(m_text[m_pos])) ++m_pos;
    return m_text.substr(start, m_pos - start);
  }
  /// A quoted string after its opening quote; false when unterminated.
  bool quoted(std::string& out) {
    for (; !at_end(); ++m_pos) {
      char c = m_text[m_pos];
      if (c == '\\' && m_pos + 1 < m_text.size()) {
        out += m_text[++m_pos];
      } else if (c == '"') {
        ++m_pos;
        return true;
      } else {
        out += c;
      }
    }
    return false;
  }

 private:
  std::string_view m_text;
  size_t m_pos = 0;
};

}  // namespace

std::vector<Challenge> parse_challenges(std::string_view header) {
  std::vector<Challenge> out;
  Scanner s(header);
  while (true) {
    s.skip_space();
    while (s.peek() == ',') {
      s.advance();
      s.skip_space();
    }
    if (s.at_end()) break;
    std::string_view scheme = s.token();
    if (scheme.empty()) break;
    Challenge challenge{lower(scheme), {}};
    // auth-params: name=value pairs separated by commas, until a token not followed by '='
    // (the next challenge's scheme).
    while (true) {
      s.skip_space();
      while (s.peek() == ',') {
        s.advance();
        s.skip_space();
      }
      size_t mark = s.pos();
      std::string_view name = s.token();
      s.skip_space();
      if (name.empty() || s.peek() != '=') {
        s.reset(mark);
        break;
      }
      s.advance();
      s.skip_space();
      std::string value;
      if (s.peek() == '"') {
        s.advance();
        if (!s.quoted(value)) {
          out.push_back(std::move(challenge));
          return out;
        }
      } else {
        value = std::string(s.token());
      }
      challenge.params[lower(name)] = std::move(value);
    }
    out.push_back(std::move(challenge));
  }
  return out;
}

}  // namespace wisp::registry
