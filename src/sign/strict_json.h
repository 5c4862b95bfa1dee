// JSON parsing for signed payloads (internal to wisp_sign): no exceptions, a size cap, and
// duplicate member names rejected, as containers/image's and protojson's parsers do (two
// readers could otherwise disagree on which value was signed).
#pragma once

#include <string_view>

#include <nlohmann/json.hpp>

#include "base/result.h"

namespace wisp::sign {

/// Parses `text` as one JSON value; `what` names it in errors. Errc::bad_format for invalid
/// JSON or duplicate keys, Errc::too_large above 16 MiB.
Result<nlohmann::ordered_json> parse_strict_json(std::string_view text, std::string_view what);

/// Compact JSON text that never throws (invalid UTF-8 is replaced, which parsed values never have).
std::string dump_compact(const nlohmann::ordered_json& value);

/// Compact JSON as Go's json.Marshal writes it, which is what cosign signs: dump_compact plus
/// Go's HTML-safe escapes (<, >, & as \u003c, \u003e, \u0026) and U+2028/U+2029 escaped.
/// Those characters occur only inside strings, so the escaping cannot change the value.
std::string dump_go(const nlohmann::ordered_json& value);

/// Fails unless `object` has exactly the members `names` (order free).
Status expect_members(const nlohmann::ordered_json& object, std::initializer_list<std::string_view> names,
                      std::string_view what);

}  // namespace wisp::sign
