// Severities as Grype names them, least to most severe; feeds map theirs onto these.
#pragma once

#include <array>
#include <cstddef>
#include <string_view>

namespace wisp::vuln {

inline constexpr std::array<std::string_view, 6> k_severities{"Unknown", "Negligible", "Low",
                                                              "Medium",  "High",       "Critical"};

/// The position of `severity` in k_severities; 0 (Unknown) for anything else.
size_t severity_rank(std::string_view severity);

}  // namespace wisp::vuln
