// Placeholder until the command lands.
#include "base/log.h"
#include "cli/command.h"
#include "cli/commands.h"

namespace wisp::cli {

int cmd_pkg_info(const std::string& prog, std::vector<std::string>) {
  log::error("{}: not implemented yet", prog);
  return k_exit_failure;
}

}  // namespace wisp::cli
