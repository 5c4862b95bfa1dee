#include "cli/resolve_common.h"

#include <CLI/CLI.hpp>

#include "base/log.h"
#include "build/arch.h"
#include "pkg/apk/dependency.h"
#include "pkg/solve/solver.h"

namespace wisp::cli {

namespace repo = pkg::repo;

void RepoFlags::add_to(CLI::App& app) {
  app.add_option("--arch", archs, "Architecture, either spelling (repeatable, or comma-separated)")
      ->delimiter(',')
      ->expected(1)
      ->allow_extra_args(false)
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  app.add_option("-p,--package", packages, "Add a package (dependency atom) to the world (repeatable)")
      ->expected(1)
      ->allow_extra_args(false)
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  app.add_option("-r,--repository", repositories,
                 "Add a repository: URL, path, or '@tag URL' (repeatable)")
      ->expected(1)
      ->allow_extra_args(false)
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  app.add_option("-k,--keyring", keyrings, "Trust a public key: file, directory or URL (repeatable)")
      ->expected(1)
      ->allow_extra_args(false)
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  app.add_option("--cache-dir", cache_dir, "Download cache (default $XDG_CACHE_HOME/wisp or ~/.cache/wisp)");
  app.add_flag("--offline", offline, "Use only the download cache; never touch the network");
  app.add_flag("--allow-untrusted", allow_untrusted,
               "Do not check index signatures (a warning names every index)");
}

namespace {

Result<std::vector<pkg::apk::Dependency>> parse_world(const std::vector<std::string>& atoms) {
  std::vector<pkg::apk::Dependency> world;
  for (const std::string& atom : atoms) {
    TRY_ASSIGN_CTX(auto dep, pkg::apk::parse_dependency(atom), "package '{}'", atom);
    world.push_back(std::move(dep));
  }
  return world;
}

Status add_repositories(std::vector<repo::RepositorySpec>& specs, const std::vector<std::string>& lines) {
  for (const std::string& line : lines) {
    TRY_ASSIGN(build::RepositoryRef ref, build::parse_repository(line));
    if (ref.is_debian)
      return fail(Errc::unsupported, "repository '{}': Debian repositories are read from an image file's contents.repositories", line);
    specs.push_back({ref.url, ref.tag});
  }
  return {};
}

}  // namespace

Result<build::ImageConfig> load_config(const std::string& config_path, const RepoFlags& flags,
                                       const std::vector<std::string>& packages,
                                       const build::Overrides* more) {
  TRY_ASSIGN(build::ImageConfig config, build::load_image_config(config_path));
  build::Overrides overrides;
  overrides.archs = flags.archs;
  overrides.package_append = flags.packages;
  overrides.package_append.insert(overrides.package_append.end(), packages.begin(), packages.end());
  overrides.repository_append = flags.repositories;
  overrides.keyring_append = flags.keyrings;
  if (more) {
    overrides.annotations = more->annotations;
    overrides.build_date = more->build_date;
  }
  TRY(build::apply_overrides(config, overrides));
  return config;
}

Result<Resolution> resolve_packages(const std::string& config_path, const RepoFlags& flags,
                                    const std::vector<std::string>& packages,
                                    const build::Overrides* more) {
  Resolution out;
  std::vector<repo::RepositorySpec> specs;
  std::vector<std::string> key_locations;
  std::vector<std::string> atoms;
  if (!config_path.empty()) {
    TRY_ASSIGN(build::ImageConfig config, load_config(config_path, flags, packages, more));
    TRY_ASSIGN(auto archs, build::resolved_archs(config));
    for (const auto& arch : archs) out.archs.push_back(arch.apk);
    // The build sees both kinds; runtime-only repositories are not resolved against.
    TRY(add_repositories(specs, config.contents.repositories));
    TRY(add_repositories(specs, config.contents.build_repositories));
    key_locations = config.contents.keyring;
    atoms = config.contents.packages;
    out.config = std::move(config);
  } else {
    TRY(add_repositories(specs, flags.repositories));
    key_locations = flags.keyrings;
    atoms = flags.packages;
    atoms.insert(atoms.end(), packages.begin(), packages.end());
    if (flags.archs.empty()) {
      TRY_ASSIGN(auto host, build::host_arch());
      out.archs.push_back(host.apk);
    } else {
      TRY_ASSIGN(auto archs, build::parse_archs(flags.archs));
      for (const auto& arch : archs) out.archs.push_back(arch.apk);
    }
  }
  if (specs.empty())
    return fail(Errc::usage, "no repositories: add one with --repository (or contents.repositories)");
  if (atoms.empty()) return fail(Errc::usage, "no packages to resolve");
  TRY_ASSIGN(auto world, parse_world(atoms));

  repo::FetcherOptions fetch_options;
  fetch_options.cache_dir = flags.cache_dir;
  fetch_options.offline = flags.offline;
  TRY_ASSIGN(out.fetcher, repo::Fetcher::create(std::move(fetch_options)));
  TRY_ASSIGN(auto keys, repo::load_keys(*out.fetcher, key_locations));
  out.keys = std::move(keys.sources);
  TRY_ASSIGN(auto set, repo::RepositorySet::load(*out.fetcher, specs, keys.keyring, out.archs,
                                                 flags.allow_untrusted));
  out.repositories = std::move(set);
  if (out.archs.size() == 1) {
    TRY_ASSIGN(auto changeset, pkg::solve::solve(*out.repositories->pool(out.archs[0]), world));
    out.changesets.emplace(out.archs[0], std::move(changeset));
  } else {
    TRY_ASSIGN(out.changesets, pkg::solve::solve_locked(out.repositories->pools(), world));
  }
  const auto& stats = out.fetcher->stats();
  log::info("{} requests, {} not modified, {} from the cache", stats.requests.load(),
            stats.not_modified.load(), stats.cache_hits.load());
  return out;
}

}  // namespace wisp::cli
