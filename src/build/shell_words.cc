#include "build/shell_words.h"

namespace wisp::build {
namespace {

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

enum class State { start, word, escape, double_quote, double_quote_escape, single_quote, comment };

}  // namespace

// Works on bytes: every special character is ASCII, so UTF-8 text splits as it does by runes.
Result<std::vector<std::string>> shell_split(std::string_view text) {
  std::vector<std::string> words;
  std::string current;
  State state = State::start;
  for (char c : text) {
    switch (state) {
      case State::start:
        if (is_space(c)) break;
        if (c == '#') {
          state = State::comment;
          break;
        }
        state = State::word;
        [[fallthrough]];
      case State::word:
        if (is_space(c)) {
          words.push_back(std::move(current));
          current.clear();
          state = State::start;
        } else if (c == '"') {
          state = State::double_quote;
        } else if (c == '\'') {
          state = State::single_quote;
        } else if (c == '\\') {
          state = State::escape;
        } else {
          current.push_back(c);
        }
        break;
      case State::escape:
        current.push_back(c);
        state = State::word;
        break;
      case State::double_quote:
        if (c == '"') {
          state = State::word;
        } else if (c == '\\') {
          state = State::double_quote_escape;
        } else {
          current.push_back(c);
        }
        break;
      case State::double_quote_escape:
        current.push_back(c);
        state = State::double_quote;
        break;
      case State::single_quote:
        if (c == '\'') {
          state = State::word;
        } else {
          current.push_back(c);
        }
        break;
      case State::comment:
        if (c == '\n') state = State::start;
        break;
    }
  }
  switch (state) {
    case State::start:
    case State::comment:
      break;
    case State::word:
      words.push_back(std::move(current));
      break;
    case State::escape:
    case State::double_quote_escape:
      return fail(Errc::bad_format, "'{}': nothing after the final backslash", text);
    case State::double_quote:
    case State::single_quote:
      return fail(Errc::bad_format, "'{}': unterminated quote", text);
  }
  return words;
}

}  // namespace wisp::build
