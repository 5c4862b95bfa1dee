// Registry error responses (distribution-spec "Error Codes"): a JSON body
// {"errors":[{"code":"BLOB_UNKNOWN","message":"...","detail":...}]} on 4xx, but proxies and
// CDNs answer with HTML or nothing, so bodies are read defensively.
#pragma once

#include <string>
#include <string_view>

#include "base/result.h"
#include "registry/http.h"

namespace wisp::registry {

/// The error codes of the body, comma-separated ("MANIFEST_UNKNOWN"); "" when there are none.
std::string error_codes(const Response& response);

/// "HTTP 404: MANIFEST_UNKNOWN: manifest unknown" — the status and the body's errors, or the
/// start of a non-JSON body.
std::string describe_response(const Response& response);

/// The error for an unexpected response to `what` ("GET https://r/v2/x/manifests/1"):
/// Errc::unauthorized for 401/403, Errc::not_found for 404, Errc::digest_mismatch for
/// DIGEST_INVALID, Errc::too_large for 413, Errc::network for 429 and 5xx, Errc::bad_format
/// otherwise.
Error response_error(std::string_view what, const Response& response);

}  // namespace wisp::registry
