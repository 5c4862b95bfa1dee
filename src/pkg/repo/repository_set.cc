#include "pkg/repo/repository_set.h"

#include <algorithm>
#include <optional>
#include <system_error>

#include "base/file.h"
#include "base/log.h"
#include "io/http.h"
#include "pkg/apk/index.h"

namespace wisp::pkg::repo {

namespace fs = std::filesystem;

namespace {

constexpr uint64_t k_max_key_size = 1 << 20;
constexpr uint64_t k_max_index_size = uint64_t{1} << 30;

/// The last path component of a URL or path, without query or fragment.
std::string base_name(std::string_view location) {
  location = location.substr(0, location.find_first_of("?#"));
  while (!location.empty() && location.back() == '/') location.remove_suffix(1);
  size_t slash = location.rfind('/');
  return std::string(slash == std::string_view::npos ? location : location.substr(slash + 1));
}

Status add_key(LoadedKeys& keys, std::string location, std::string name, std::string content) {
  TRY_ASSIGN(auto key, with_context(apk::PublicKey::from_pem(name, content), location));
  keys.keyring.add(std::move(key));
  keys.sources.push_back({std::move(location), std::move(name), std::move(content)});
  return {};
}

}  // namespace

Result<LoadedKeys> load_keys(Fetcher& fetcher, std::span<const std::string> locations) {
  LoadedKeys keys;
  for (const std::string& location : locations) {
    TRY_ASSIGN(auto path, local_path(location));
    std::error_code ec;
    if (path && fs::is_directory(*path, ec)) {
      std::vector<fs::path> files;
      for (fs::directory_iterator it(*path, ec), end; !ec && it != end; it.increment(ec)) {
        std::string name = it->path().filename().string();
        std::error_code type_ec;
        if (name.empty() || name[0] == '.' || !it->is_regular_file(type_ec)) continue;
        files.push_back(it->path());
      }
      if (ec) return fail(Errc::io, "{}: cannot list key directory: {}", path->string(), ec.message());
      std::sort(files.begin(), files.end());
      for (const fs::path& file : files) {
        TRY_ASSIGN(std::string content, read_file(file, k_max_key_size));
        TRY(add_key(keys, file.string(), file.filename().string(), std::move(content)));
      }
      continue;
    }
    FetchRequest request;
    request.location = location;
    request.max_size = k_max_key_size;
    TRY_ASSIGN_CTX(std::string content, fetcher.fetch(request), "keyring");
    std::string name = base_name(path ? path->string() : io::redact_url(location));
    if (name.empty()) return fail(Errc::usage, "keyring '{}': no file name", io::redact_url(location));
    TRY(add_key(keys, location, std::move(name), std::move(content)));
  }
  return keys;
}

std::string index_location(std::string_view repo, std::string_view arch) {
  return fmt::format("{}/{}/APKINDEX.tar.gz", repo, arch);
}

std::string package_location(std::string_view repo, std::string_view arch,
                             const apk::PackageInfo& info) {
  return fmt::format("{}/{}/{}-{}.apk", repo, arch, info.name, info.version);
}

Result<RepositorySet> RepositorySet::load(Fetcher& fetcher, std::span<const RepositorySpec> specs,
                                          const apk::Keyring& keyring,
                                          std::span<const std::string> archs,
                                          bool allow_untrusted) {
  if (specs.empty()) return fail(Errc::usage, "no repositories configured");
  if (archs.empty()) return fail(Errc::usage, "no architectures given");

  // One request per (arch, repository); verify() parses the index into its slot, so a cached
  // copy that no longer verifies is downloaded again.
  std::vector<FetchRequest> requests;
  std::vector<std::optional<apk::Index>> parsed(archs.size() * specs.size());
  for (size_t a = 0; a < archs.size(); ++a) {
    for (size_t r = 0; r < specs.size(); ++r) {
      size_t slot = a * specs.size() + r;
      FetchRequest request;
      request.location = index_location(specs[r].url, archs[a]);
      request.max_size = k_max_index_size;
      std::string shown = io::redact_url(request.location);
      request.verify = [&parsed, &keyring, slot, allow_untrusted, shown](std::string_view bytes) -> Status {
        apk::IndexReadOptions options;
        if (!allow_untrusted) options.keyring = &keyring;
        auto index = apk::read_index(bytes, options);
        if (!index) {
          Error error = std::move(index).error();
          if (error.code == Errc::bad_signature)
            error.message += keyring.empty() ? " (no trusted keys: pass --keyring KEY, or --allow-untrusted)"
                                             : " (pass the signing key with --keyring, or --allow-untrusted)";
          return std::unexpected(std::move(error));
        }
        parsed[slot] = std::move(*index);
        return {};
      };
      requests.push_back(std::move(request));
    }
  }

  std::vector<std::optional<Error>> errors(requests.size());
  fetch_all(fetcher, requests, [&](size_t i, Result<std::string> result) {
    if (!result) errors[i] = std::move(result).error();
  });
  for (size_t i = 0; i < requests.size(); ++i)
    if (errors[i]) return std::unexpected(std::move(*errors[i]));
  if (allow_untrusted) {
    for (const auto& request : requests)
      log::warn("WARNING: signature checks skipped for {} (--allow-untrusted)",
                io::redact_url(request.location));
  }

  RepositorySet set;
  set.m_archs.assign(archs.begin(), archs.end());
  set.m_specs.assign(specs.begin(), specs.end());
  for (size_t a = 0; a < archs.size(); ++a) {
    std::vector<solve::Repository> repositories;
    for (size_t r = 0; r < specs.size(); ++r) {
      apk::Index& index = *parsed[a * specs.size() + r];
      log::debug("{}: {} packages{}", io::redact_url(index_location(specs[r].url, archs[a])),
                 index.packages.size(), index.signed_key.empty() ? "" : ", signed by " + index.signed_key);
      repositories.push_back({specs[r].url, specs[r].tag, std::move(index.packages)});
    }
    TRY_ASSIGN(auto pool, solve::PackagePool::build(std::move(repositories), archs[a]));
    set.m_pools.push_back(std::make_unique<solve::PackagePool>(std::move(pool)));
  }
  return set;
}

const solve::PackagePool* RepositorySet::pool(std::string_view arch) const {
  for (size_t i = 0; i < m_archs.size(); ++i)
    if (m_archs[i] == arch) return m_pools[i].get();
  return nullptr;
}

std::vector<const solve::PackagePool*> RepositorySet::pools() const {
  std::vector<const solve::PackagePool*> out;
  for (const auto& pool : m_pools) out.push_back(pool.get());
  return out;
}

std::string RepositorySet::package_location(std::string_view arch,
                                            const solve::ChangesetEntry& entry) const {
  const solve::PackagePool* p = pool(arch);
  std::string repo = p && entry.repository < p->repositories().size()
                         ? p->repositories()[entry.repository].name
                         : std::string();
  return repo::package_location(repo, arch, *entry.package);
}

}  // namespace wisp::pkg::repo
