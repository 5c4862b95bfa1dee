// wisp push: an image from a layout or archive into a registry.
#include "base/log.h"
#include "cli/command.h"
#include "cli/commands.h"
#include "cli/registry_common.h"

namespace wisp::cli {

int cmd_push(const std::string& prog, std::vector<std::string> args) {
  CLI::App app{"Push an image to a registry: blobs first (each skipped when the registry has it),\n"
               "then each platform's manifest by digest, the index, and the tag last, so a failed\n"
               "push never leaves the tag on a partial image. SOURCE is oci:DIR[:TAG] (or just DIR),\n"
               "oci-archive:FILE, docker-archive:FILE or another registry. Prints DESTINATION@DIGEST.",
               prog};
  std::string source, destination;
  RegistryFlags flags;
  PlatformFlags platform;
  app.add_option("source", source, "The image: oci:DIR[:TAG], DIR, an archive or a registry reference")->required();
  app.add_option("destination", destination, "[docker://]REGISTRY/REPO[:TAG]")->required();
  flags.add_to(app);
  platform.add_to(app, true);
  if (auto rc = parse(app, std::move(args))) return *rc;

  auto from = parse_location(source, Shorthand::layout);
  if (!from) return report(from.error());
  auto to = parse_location(destination);
  if (!to) return report(to.error());
  if (to->kind != registry::TransportKind::docker)
    return report(Error{Errc::usage, fmt::format("{}: push goes to a registry; use 'wisp copy' for other destinations",
                                                 destination)});
  auto selected = platform.selected();
  if (!selected) return report(selected.error());
  auto clients = make_clients(flags);
  auto result = run_copy(*from, *to, *clients, flags, *selected, "push");
  if (!result) return report(result.error());
  if (flags.json) fmt::print("{}", copy_json(*from, *to, *result));
  else fmt::print("{}\n", pinned_name(*to, result->root.descriptor.digest));
  return k_exit_ok;
}

}  // namespace wisp::cli
