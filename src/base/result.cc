#include "base/result.h"

namespace wisp {

std::string_view errc_name(Errc code) {
  switch (code) {
    case Errc::io: return "io";
    case Errc::not_found: return "not_found";
    case Errc::bad_format: return "bad_format";
    case Errc::bad_signature: return "bad_signature";
    case Errc::digest_mismatch: return "digest_mismatch";
    case Errc::too_large: return "too_large";
    case Errc::unsafe_path: return "unsafe_path";
    case Errc::unsatisfiable: return "unsatisfiable";
    case Errc::conflict: return "conflict";
    case Errc::usage: return "usage";
    case Errc::unsupported: return "unsupported";
    case Errc::network: return "network";
    case Errc::unauthorized: return "unauthorized";
    case Errc::internal: return "internal";
  }
  return "unknown";
}

Error Error::wrap(std::string_view context) const& {
  return Error{code, fmt::format("{}: {}", context, message)};
}

Error Error::wrap(std::string_view context) && {
  message = fmt::format("{}: {}", context, message);
  return std::move(*this);
}

}  // namespace wisp
