// Hex and base64 (standard alphabet, '=' padding) for digests and signatures.
#pragma once

#include <string>
#include <string_view>

#include "base/result.h"

namespace wisp {

std::string hex_encode(std::string_view bytes);  // lowercase
Result<std::string> hex_decode(std::string_view text);

std::string base64_encode(std::string_view bytes);
/// Strict decoder: standard alphabet, padding required, no whitespace.
Result<std::string> base64_decode(std::string_view text);

}  // namespace wisp
