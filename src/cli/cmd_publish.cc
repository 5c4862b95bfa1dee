// wisp publish: build an image from an apko image file and push it to one or more registries.
#include "base/file.h"
#include "base/log.h"
#include "cli/build_common.h"
#include "cli/command.h"
#include "cli/commands.h"
#include "cli/registry_common.h"

namespace wisp::cli {

int cmd_publish(const std::string& prog, std::vector<std::string> args) {
  CLI::App app{"Build an image from an apko image file (as 'wisp build' does) and push every\n"
               "architecture's image and the multi-arch index to each REF, tag last. Prints\n"
               "REF@sha256:... for each, the digest of the index.",
               prog};
  BuildRequest request;
  std::vector<std::string> references;
  RegistryFlags flags;
  size_t push_jobs = 4;
  app.add_option("config", request.config_path, "The image file (IMAGE.yaml)")->required();
  app.add_option("references", references, "Where to push: [docker://]REGISTRY/REPO[:TAG] (repeatable)")->required();
  request.add_build_options(app, "Build worker threads (default: one per core)");
  app.add_option("--push-jobs", push_jobs, "Blobs uploaded in parallel")->check(CLI::Range(1, 64));
  request.flags.add_to(app);
  flags.add_to(app, "");
  if (auto rc = parse(app, std::move(args))) return *rc;
  flags.jobs = push_jobs;

  std::vector<registry::ImageLocation> targets;
  for (const auto& text : references) {
    auto location = parse_location(text);
    if (!location) return report(location.error());
    if (location->kind != registry::TransportKind::docker)
      return report(Error{Errc::usage, fmt::format("{}: publish pushes to registries; use 'wisp build' for layouts", text)});
    targets.push_back(std::move(*location));
  }

  auto scratch = TempDir::create("wisp-publish");
  if (!scratch) return report(scratch.error());
  request.layout_dir = scratch->path() / "layout";
  request.ref_name = default_tag(request.config_path);
  auto built = build_layout(request);
  if (!built) return report(built.error());

  auto clients = make_clients(flags);
  auto source = registry::parse_image_location("oci:" + request.layout_dir.string() + ":" + request.ref_name);
  if (!source) return report(source.error());
  nlohmann::ordered_json published = nlohmann::ordered_json::array();
  for (const auto& target : targets) {
    auto result = run_copy(*source, target, *clients, flags, std::nullopt, "publish");
    if (!result) return report(result.error());
    std::string pinned = pinned_name(target, result->root.descriptor.digest);
    if (flags.json) published.push_back(nlohmann::ordered_json::parse(copy_json(*source, target, *result)));
    else fmt::print("{}\n", pinned);
  }
  if (flags.json) fmt::print("{}\n", published.dump(2));
  return k_exit_ok;
}

}  // namespace wisp::cli
