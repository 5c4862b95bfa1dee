// The registry module's parsers of untrusted text: WWW-Authenticate challenges (from any server
// wisp talks to), image references and transport locations (from users and scripts). None may
// crash; a parsed reference written back must parse to the same reference.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "registry/challenge.h"
#include "registry/image_ref.h"
#include "registry/reference.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > 16 * 1024) return 0;
  std::string_view input(reinterpret_cast<const char*>(data), size);
  for (const auto& challenge : wisp::registry::parse_challenges(input)) {
    for (const auto& [name, value] : challenge.params)
      if (name.empty()) std::abort();
    (void)challenge.param("realm");
  }
  if (auto ref = wisp::registry::parse_reference(input)) {
    auto again = wisp::registry::parse_reference(ref->str());
    if (!again || again->str() != ref->str() || again->name() != ref->name()) std::abort();
    (void)ref->api_host();
  }
  (void)wisp::registry::parse_repository(input);
  (void)wisp::registry::parse_image_location(input);
  return 0;
}
