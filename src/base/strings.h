// Small string helpers that the standard library lacks.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace wisp {

std::string_view trim(std::string_view s);
/// Splits on `sep`; keeps empty fields.
std::vector<std::string_view> split(std::string_view s, char sep);
/// Splits on runs of spaces, tabs and newlines; drops empty fields.
std::vector<std::string_view> split_whitespace(std::string_view s);
std::string join(const std::vector<std::string>& parts, std::string_view sep);
/// ASCII lowercase (header names, hosts, hex digests); other bytes are kept.
std::string ascii_lower(std::string_view s);
/// Parses a non-negative decimal integer that fits in uint64_t; nothing else.
std::optional<uint64_t> parse_u64(std::string_view s);
std::optional<int64_t> parse_i64(std::string_view s);
/// Levenshtein distance, for "did you mean" suggestions.
size_t edit_distance(std::string_view a, std::string_view b);
/// True when `s` is well-formed UTF-8 (no overlongs, surrogates or code points past U+10FFFF),
/// which JSON writers and OCI/SBOM consumers require.
bool is_valid_utf8(std::string_view s);

}  // namespace wisp
