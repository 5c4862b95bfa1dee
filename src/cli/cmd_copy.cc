// wisp copy: any transport to any transport (registry, OCI layout, oci-archive, docker-archive).
#include "base/log.h"
#include "cli/command.h"
#include "cli/commands.h"
#include "cli/registry_common.h"

namespace wisp::cli {

int cmd_copy(const std::string& prog, std::vector<std::string> args) {
  CLI::App app{"Copy an image between registries, OCI layouts and archives, digests unchanged:\n"
               "  docker://[REGISTRY/]REPO[:TAG|@DIGEST] (the default transport), oci:DIR[:TAG],\n"
               "  oci-archive:FILE[:TAG], docker-archive:FILE[:NAME:TAG] (one platform).\n"
               "Every platform of a multi-arch image is copied unless --platform names one.\n"
               "Credentials come from the Docker config file (wisp login).",
               prog};
  std::string source, destination;
  RegistryFlags flags;
  PlatformFlags platform;
  app.add_option("source", source, "Where the image is")->required();
  app.add_option("destination", destination, "Where it goes")->required();
  flags.add_to(app);
  platform.add_to(app, true);
  if (auto rc = parse(app, std::move(args))) return *rc;

  auto from = parse_location(source);
  if (!from) return report(from.error());
  auto to = parse_location(destination);
  if (!to) return report(to.error());
  auto selected = platform.selected();
  if (!selected) return report(selected.error());
  auto clients = make_clients(flags);
  auto result = run_copy(*from, *to, *clients, flags, *selected, "copy");
  if (!result) return report(result.error());
  if (flags.json) fmt::print("{}", copy_json(*from, *to, *result));
  else fmt::print("{}\n", result->root.descriptor.digest);
  return k_exit_ok;
}

}  // namespace wisp::cli
