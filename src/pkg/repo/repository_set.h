// The repositories of a build: trusted keys, then every `<repo>/<arch>/APKINDEX.tar.gz`
// fetched (through the Fetcher and its cache), verified and indexed as one PackagePool per
// architecture for the resolver (apk-format.md §3, §6.2).
#pragma once

#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "pkg/apk/keys.h"
#include "pkg/apk/package_info.h"
#include "pkg/repo/fetcher.h"
#include "pkg/solve/changeset.h"
#include "pkg/solve/pool.h"

namespace wisp::pkg::repo {

/// One configured repository: a URL (http, https, file) or a local path, and an optional tag.
struct RepositorySpec {
  std::string url;  // trailing '/' trimmed
  std::string tag;  // without '@'; empty when untagged
};

/// A trusted key and where it came from (lockfiles record all three).
struct KeySource {
  std::string location;  // as configured: a path or URL
  std::string name;      // the key's name: the file name, or the URL's last path component
  std::string content;   // the PEM text
};

struct LoadedKeys {
  apk::Keyring keyring;
  std::vector<KeySource> sources;
};

/// Loads trusted public keys from files, directories (every non-hidden regular file, sorted) and
/// http(s)/file URLs (through the fetcher, revalidated like indexes). Errors name the location:
/// Errc::not_found, Errc::bad_format for a file that is not a PEM public key, network errors.
Result<LoadedKeys> load_keys(Fetcher& fetcher, std::span<const std::string> locations);

/// "<repo>/<arch>/APKINDEX.tar.gz".
std::string index_location(std::string_view repo, std::string_view arch);
/// "<repo>/<arch>/<name>-<version>.apk" (noarch packages too live under the arch directory).
std::string package_location(std::string_view repo, std::string_view arch,
                             const apk::PackageInfo& info);

class RepositorySet {
 public:
  /// Fetches the index of every repository for every arch (in parallel), verifies each against
  /// `keyring` and builds one pool per arch with the repositories in the given order. With
  /// `allow_untrusted` signatures are not checked and a warning names each index. Errors name
  /// the index URL: those of the fetcher, Errc::bad_signature (with a hint about --keyring),
  /// Errc::bad_format; Errc::usage for no repositories or no archs.
  static Result<RepositorySet> load(Fetcher& fetcher, std::span<const RepositorySpec> specs,
                                    const apk::Keyring& keyring, std::span<const std::string> archs,
                                    bool allow_untrusted);

  RepositorySet(RepositorySet&&) noexcept = default;
  RepositorySet& operator=(RepositorySet&&) noexcept = default;

  const std::vector<std::string>& archs() const { return m_archs; }
  const std::vector<RepositorySpec>& specs() const { return m_specs; }
  /// The pool of an arch given to load(); null for another arch.
  const solve::PackagePool* pool(std::string_view arch) const;
  /// Every pool, in the order of archs().
  std::vector<const solve::PackagePool*> pools() const;
  /// Where to download a package the resolver chose from `arch`'s pool.
  std::string package_location(std::string_view arch, const solve::ChangesetEntry& entry) const;

 private:
  RepositorySet() = default;
  std::vector<std::string> m_archs;
  std::vector<RepositorySpec> m_specs;
  std::vector<std::unique_ptr<solve::PackagePool>> m_pools;
};

}  // namespace wisp::pkg::repo
