// parse_image_config on arbitrary bytes: never crashes or throws, and whatever it accepts can be
// serialised, shell-split and re-checked. Accepted configurations satisfy the validator's rules.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "build/image_config.h"
#include "build/shell_words.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > 64 * 1024) return 0;
  std::string_view input(reinterpret_cast<const char*>(data), size);
  auto config = wisp::build::parse_image_config(input, "fuzz.yaml");
  if (!config) {
    if (config.error().message.empty()) std::abort();
    return 0;
  }
  if (!wisp::build::validate_image_config(*config)) std::abort();  // parse already validated
  for (const auto& m : config->paths)
    if (m.permissions && *m.permissions > 07777) std::abort();
  for (const auto& u : config->accounts.users)
    if (u.uid == 0 || u.username.empty()) std::abort();
  (void)wisp::build::to_json(*config).dump();
  (void)wisp::build::shell_split(config->entrypoint.command);
  (void)wisp::build::shell_split(config->cmd);
  (void)wisp::build::resolved_archs(*config);
  // The merge of a configuration with itself keeps it valid input for the JSON writer.
  wisp::build::ImageConfig doubled = *config;
  wisp::build::merge_base_into(*config, doubled);
  if (doubled.paths.size() != 2 * config->paths.size()) std::abort();
  (void)wisp::build::to_json(doubled).dump();
  return 0;
}
