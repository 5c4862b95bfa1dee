// What `wisp resolve` and `wisp lock` share: the repository flags, loading the configuration (or
// building one from flags), the keys, the indexes of every arch, and the solve itself.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/result.h"
#include "build/image_config.h"
#include "pkg/repo/fetcher.h"
#include "pkg/repo/repository_set.h"
#include "pkg/solve/changeset.h"

namespace CLI {
class App;
}

namespace wisp::cli {

struct RepoFlags {
  std::vector<std::string> archs;
  std::vector<std::string> packages;
  std::vector<std::string> repositories;
  std::vector<std::string> keyrings;
  std::string cache_dir;
  bool offline = false;
  bool allow_untrusted = false;

  /// Adds --arch, -p/--package, -r/--repository, -k/--keyring, --cache-dir, --offline and
  /// --allow-untrusted to `app`.
  void add_to(CLI::App& app);
};

struct Resolution {
  std::optional<build::ImageConfig> config;  // absent in the config-less form
  std::vector<std::string> archs;            // apk names, in the order they are reported
  std::unique_ptr<pkg::repo::Fetcher> fetcher;
  std::vector<pkg::repo::KeySource> keys;
  std::optional<pkg::repo::RepositorySet> repositories;
  std::map<std::string, pkg::solve::Changeset> changesets;  // by apk arch
};

/// Resolves the packages of `config_path` (when not empty: an apko image configuration, with the
/// flags applied as apko's --arch/-p/-r/-k overrides) or, without it, of `flags` alone (the
/// positional `packages`, -r repositories, -k keys, --arch or the host's arch). Several archs
/// are solved together so shared packages get one version (solve_locked).
/// Loads an image configuration with the flags applied as apko's --arch/-p/-r/-k overrides
/// (and, when given, --annotations/--build-date from `more`).
Result<build::ImageConfig> load_config(const std::string& config_path, const RepoFlags& flags,
                                       const std::vector<std::string>& packages = {},
                                       const build::Overrides* more = nullptr);

/// `more` adds apko's other overrides (--annotations, --build-date) to the configuration.
Result<Resolution> resolve_packages(const std::string& config_path, const RepoFlags& flags,
                                    const std::vector<std::string>& packages,
                                    const build::Overrides* more = nullptr);

}  // namespace wisp::cli
