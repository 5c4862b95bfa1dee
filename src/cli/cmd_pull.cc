// wisp pull: an image from a registry into a layout or archive.
#include "base/log.h"
#include "cli/command.h"
#include "cli/commands.h"
#include "cli/registry_common.h"

namespace wisp::cli {

int cmd_pull(const std::string& prog, std::vector<std::string> args) {
  CLI::App app{"Pull an image from a registry into an OCI layout (oci:DIR[:TAG], or just DIR), an\n"
               "oci-archive: or a docker-archive: file. Every manifest and blob is checked against its\n"
               "digest; interrupted blob downloads resume. Prints the image's digest.",
               prog};
  std::string source, destination;
  RegistryFlags flags;
  PlatformFlags platform;
  app.add_option("source", source, "[docker://]REGISTRY/REPO[:TAG|@DIGEST]")->required();
  app.add_option("destination", destination, "oci:DIR[:TAG], DIR, oci-archive:FILE or docker-archive:FILE")->required();
  flags.add_to(app);
  platform.add_to(app, true);
  if (auto rc = parse(app, std::move(args))) return *rc;

  auto from = parse_location(source);
  if (!from) return report(from.error());
  if (from->kind != registry::TransportKind::docker)
    return report(Error{Errc::usage, fmt::format("{}: pull reads from a registry; use 'wisp copy' for other sources", source)});
  // A destination without a transport is a layout directory (made when missing).
  bool has_transport = destination.starts_with("docker://") || destination.starts_with("oci:") ||
                       destination.starts_with("oci-archive:") || destination.starts_with("docker-archive:");
  auto to = parse_location(has_transport ? destination : "oci:" + destination);
  if (!to) return report(to.error());
  auto selected = platform.selected();
  if (!selected) return report(selected.error());
  auto clients = make_clients(flags);
  auto result = run_copy(*from, *to, *clients, flags, *selected, "pull");
  if (!result) return report(result.error());
  if (flags.json) fmt::print("{}", copy_json(*from, *to, *result));
  else fmt::print("{}\n", result->root.descriptor.digest);
  return k_exit_ok;
}

}  // namespace wisp::cli
