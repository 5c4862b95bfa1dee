#include "cli/debian_plan.h"

#include <array>
#include <utility>

#include "base/log.h"
#include "pkg/deb/resolver.h"

namespace wisp::cli {

bool is_debian_config(const build::ImageConfig& config) {
  for (const std::string& line : config.contents.repositories) {
    auto ref = build::parse_repository(line);
    if (ref && ref->is_debian) return true;
  }
  return false;
}

Result<std::string> debian_arch(std::string_view apk_arch) {
  static constexpr std::array<std::pair<std::string_view, std::string_view>, 8> k_names{{
      {"x86_64", "amd64"}, {"aarch64", "arm64"}, {"armv7", "armhf"}, {"x86", "i386"},
      {"ppc64le", "ppc64el"}, {"s390x", "s390x"}, {"riscv64", "riscv64"}, {"loongarch64", "loong64"}}};
  for (const auto& [apk, deb] : k_names)
    if (apk == apk_arch) return std::string(deb);
  return fail(Errc::unsupported, "architecture {} has no Debian port", apk_arch);
}

Result<DebianPlan> plan_debian(const build::ImageConfig& config, const RepoFlags& flags) {
  if (!config.contents.keyring.empty())
    return fail(Errc::usage, "contents.keyring holds APK keys; a Debian repository names its keyring "
                "with [signed-by=FILE] on its line");
  if (config.contents.packages.empty()) return fail(Errc::usage, "no packages to install");
  std::vector<pkg::deb::SourceLine> sources;
  for (const std::string& line : config.contents.repositories) {
    TRY_ASSIGN(auto source, pkg::deb::parse_source_line(line));
    sources.push_back(std::move(source));
  }
  DebianPlan plan;
  pkg::repo::FetcherOptions fetch_options;
  fetch_options.cache_dir = flags.cache_dir;
  fetch_options.offline = flags.offline;
  TRY_ASSIGN(plan.fetcher, pkg::repo::Fetcher::create(std::move(fetch_options)));
  TRY_ASSIGN(auto archs, build::resolved_archs(config));
  pkg::deb::ResolveRequest request{config.contents.packages, config.contents.exclude};
  for (const build::Arch& arch : archs) {
    DebianArchPlan a;
    a.apk_arch = arch.apk;
    TRY_ASSIGN(a.deb_arch, debian_arch(arch.apk));
    std::vector<std::unique_ptr<pkg::deb::RepositoryPackages>> repos;
    pkg::deb::PackagePool pool(a.deb_arch);
    std::map<const pkg::deb::PackageEntry*, const pkg::deb::RepositoryPackages*> origin;
    for (const auto& source : sources) {
      TRY_ASSIGN(auto repo, pkg::deb::load_repository(*plan.fetcher, source, a.deb_arch));
      for (const auto& entry : repo->packages) {
        pool.add(&entry);
        origin[&entry] = repo.get();
      }
      repos.push_back(std::move(repo));
    }
    TRY_ASSIGN_CTX(auto resolved, pkg::deb::resolve(pool, request), "{}", a.deb_arch);
    for (const std::string& note : resolved.notes) log::note("{}: {}", a.deb_arch, note);
    for (const pkg::deb::PackageEntry* entry : resolved.packages) {
      a.debs.push_back({origin.at(entry)->location(*entry), entry->sha256, entry->size, entry->name});
      a.world.push_back(entry->name + "=" + entry->version);
    }
    plan.archs.push_back(std::move(a));
  }
  return plan;
}

}  // namespace wisp::cli
