// Shell-word splitting as apko does it for `entrypoint.command` and `cmd` (Go github.com/google/shlex
// at the revision apko pins): a small lexer, not a shell. No expansion of any kind.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace wisp::build {

/// Splits `text` into words. Rules (those of google/shlex, quirks included):
/// - words are separated by runs of space, tab, CR and LF;
/// - '...' keeps everything literally up to the next single quote;
/// - "..." keeps everything up to the next unescaped double quote, and a backslash inside it makes
///   the next character literal, whatever it is ("a\b" is `ab`, unlike POSIX sh);
/// - outside quotes a backslash makes the next character literal (including a space or newline);
/// - quotes and escapes may be glued to other text: a"b c"d is one word `ab cd`; "" is an empty word;
/// - a '#' at the start of a word starts a comment running to the end of the line; inside a word
///   it is literal (a#b is one word).
/// Errc::bad_format for an unterminated quote or a trailing backslash.
Result<std::vector<std::string>> shell_split(std::string_view text);

}  // namespace wisp::build
