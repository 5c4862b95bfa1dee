// wisp resolve: which packages an image (or a list of packages) installs, per architecture.
#include <nlohmann/json.hpp>

#include <system_error>

#include "base/log.h"
#include "cli/command.h"
#include "cli/commands.h"
#include "cli/debian_plan.h"
#include "cli/resolve_common.h"

namespace wisp::cli {

namespace {

/// The first positional argument is the configuration when it looks like one.
bool is_config_argument(const std::string& arg) {
  if (arg.ends_with(".yaml") || arg.ends_with(".yml")) return true;
  std::error_code ec;
  return std::filesystem::is_regular_file(arg, ec);
}

}  // namespace

int cmd_resolve(const std::string& prog, std::vector<std::string> args) {
  CLI::App app{"Resolve the packages of an image configuration and print them in install order:\n"
               "  wisp resolve IMAGE.yaml [--arch A ...] [-p PKG ...]\n"
               "  wisp resolve -r REPO -k KEY [--arch A] PKG...\n"
               "Several architectures are solved together so that shared packages get one version.",
               prog};
  RepoFlags flags;
  std::vector<std::string> positional;
  std::string format = "name=version";
  app.add_option("args", positional, "IMAGE.yaml and/or packages");
  flags.add_to(app);
  app.add_option("--format", format, "Output: name=version (default), json or dot")
      ->check(CLI::IsMember({"name=version", "json", "dot"}));
  if (auto rc = parse(app, std::move(args))) return *rc;

  std::string config_path;
  if (!positional.empty() && is_config_argument(positional.front())) {
    config_path = positional.front();
    positional.erase(positional.begin());
  }
  if (!config_path.empty()) {
    // A Debian image file: name=version per arch in install order (json: {arch: [...]}).
    auto config = load_config(config_path, flags, positional);
    if (!config) return report(config.error());
    if (is_debian_config(*config)) {
      if (format == "dot") return report(Error{Errc::unsupported, "--format dot is for APK images only"});
      auto plan = plan_debian(*config, flags);
      if (!plan) return report(plan.error().wrap(config_path));
      nlohmann::ordered_json by_arch = nlohmann::ordered_json::object();
      for (const DebianArchPlan& a : plan->archs) {
        if (format == "json") {
          by_arch[a.apk_arch] = a.world;
          continue;
        }
        if (plan->archs.size() > 1) fmt::print("# {}\n", a.apk_arch);
        for (const std::string& w : a.world) fmt::print("{}\n", w);
      }
      if (format == "json") fmt::print("{}\n", by_arch.dump(2));
      return k_exit_ok;
    }
  }
  auto resolution = resolve_packages(config_path, flags, positional);
  if (!resolution) return report(resolution.error());

  const bool several = resolution->archs.size() > 1;
  if (format == "json") {
    nlohmann::ordered_json by_arch = nlohmann::ordered_json::object();
    for (const std::string& arch : resolution->archs) {
      const auto* pool = resolution->repositories->pool(arch);
      std::string text = pkg::solve::format_changeset_json(resolution->changesets.at(arch),
                                                           pool->repositories());
      if (!several) {
        fmt::print("{}", text);
        return k_exit_ok;
      }
      by_arch[arch] = nlohmann::ordered_json::parse(text);
    }
    fmt::print("{}\n", by_arch.dump(2, ' ', false, nlohmann::json::error_handler_t::replace));
    return k_exit_ok;
  }
  for (const std::string& arch : resolution->archs) {
    const auto& changeset = resolution->changesets.at(arch);
    if (format == "dot") {
      // One digraph per arch; Graphviz reads several graphs from one file.
      std::string dot = pkg::solve::format_changeset_dot(changeset);
      if (several) fmt::print("// {}\n", arch);
      fmt::print("{}", dot);
    } else {
      if (several) fmt::print("# {}\n", arch);
      fmt::print("{}", pkg::solve::format_changeset(changeset));
    }
  }
  return k_exit_ok;
}

}  // namespace wisp::cli
