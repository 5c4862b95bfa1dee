// wisp tags: the tags of a repository (every page of the registry's list).
#include "cli/command.h"
#include "cli/commands.h"
#include "cli/registry_common.h"
#include "registry/reference.h"
#include "registry/repository.h"

namespace wisp::cli {

int cmd_tags(const std::string& prog, std::vector<std::string> args) {
  CLI::App app{"List the tags of a repository, one per line, following the registry's pages.", prog};
  std::string repository;
  size_t page_size = 0;
  RegistryFlags flags;
  app.add_option("repository", repository, "[docker://]REGISTRY/REPO")->required();
  app.add_option("-n,--page-size", page_size, "Tags asked for per request (default: the registry's choice)");
  flags.add_to(app);
  if (auto rc = parse(app, std::move(args))) return *rc;

  std::string_view text = repository;
  if (text.starts_with("docker://")) text.remove_prefix(9);
  auto ref = registry::parse_repository(text);
  if (!ref) return report(ref.error());
  auto clients = make_clients(flags);
  registry::Repository repo(clients->get(ref->registry), ref->repository);
  auto tags = repo.list_tags(page_size);
  if (!tags) return report(tags.error().wrap(ref->name()));
  if (flags.json) {
    nlohmann::ordered_json doc;
    doc["name"] = ref->name();
    doc["tags"] = *tags;
    fmt::print("{}\n", doc.dump(2));
  } else {
    for (const auto& tag : *tags) fmt::print("{}\n", tag);
  }
  return k_exit_ok;
}

}  // namespace wisp::cli
