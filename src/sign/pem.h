// PEM text (RFC 7468) as Go's encoding/pem reads and writes it: internal to wisp_sign.
#pragma once

#include <string>
#include <string_view>

#include "base/result.h"

namespace wisp::sign {

struct PemBlock {
  std::string label;  // "PUBLIC KEY", "ENCRYPTED SIGSTORE PRIVATE KEY", ...
  std::string der;    // the decoded body
};

/// The first PEM block in `text` (anything before it is ignored, as Go's pem.Decode does).
/// Errc::bad_format when there is none, the END label differs, headers are present or the
/// body is not standard base64.
Result<PemBlock> pem_decode(std::string_view text);

/// "-----BEGIN LABEL-----\n" + base64 in 64-column lines + "-----END LABEL-----\n".
std::string pem_encode(std::string_view label, std::string_view der);

}  // namespace wisp::sign
