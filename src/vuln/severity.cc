#include "vuln/severity.h"

#include <algorithm>

namespace wisp::vuln {

size_t severity_rank(std::string_view severity) {
  auto it = std::ranges::find(k_severities, severity);
  return it == k_severities.end() ? 0 : static_cast<size_t>(it - k_severities.begin());
}

}  // namespace wisp::vuln
