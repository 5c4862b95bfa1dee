// PackagePool: every package of an ordered list of repositories for one architecture, indexed
// for the resolver (apk-format.md §5). Build it once, solve against it many times.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "pkg/apk/package_info.h"
#include "pkg/solve/installed.h"
#include "pkg/solve/repository.h"

namespace wisp::pkg::solve {

namespace detail {
struct PoolData;
}

/// Why a package in the pool can never be installed.
/// (A built pool is immutable: any number of solves may run on it concurrently.)
enum class Unavailable : uint8_t {
  none,
  arch,           // A: is neither the pool's architecture nor noarch
  uninstallable,  // the index entry carries a field wisp does not know (apk's forward-compat rule)
  bad_depends,    // a D: atom does not parse, or names a repository tag (not allowed in indexes)
  self_conflict,  // it provides one name twice, once with a version (apk: conflicts with itself)
};

class PackagePool {
 public:
  /// Indexes `repositories` (earlier = preferred) for `arch`. Packages with the same identity
  /// (decoded `C:`) in several repositories are one package available from each of them; the
  /// first entry's metadata wins, as in apk. Entries that can never be installed stay in the
  /// pool (so errors can name them) with an Unavailable reason. Invalid provides are ignored and
  /// an install_if list with an invalid atom is dropped, both as apk does.
  ///
  /// `installed` is the root being changed (empty for a fresh root). As apk reads its installed
  /// database before any index, installed packages come first: their metadata wins, their tags
  /// are numbered first, and one that no repository lists is still a candidate (it can be kept).
  /// The resolver then prefers them as apk does (see solve()).
  /// Errc::usage for more than 63 distinct repository tags or an empty arch.
  static Result<PackagePool> build(std::vector<Repository> repositories, std::string arch,
                                   std::vector<InstalledPackage> installed = {});

  PackagePool(PackagePool&&) noexcept;
  PackagePool& operator=(PackagePool&&) noexcept;
  ~PackagePool();

  const std::string& arch() const;
  std::span<const Repository> repositories() const;

  /// Number of distinct packages; ids are 0..size()-1, installed packages first (in installed
  /// order), then repository then index order.
  size_t size() const;
  const apk::PackageInfo& package(uint32_t id) const;
  /// The lowest-numbered repository that lists the package; k_no_repository for an installed
  /// package no repository lists.
  size_t repository_of(uint32_t id) const;
  Unavailable unavailable(uint32_t id) const;
  /// Whether the package is in the installed database the pool was built with.
  bool installed(uint32_t id) const;
  /// Whether the pool was built with a non-empty installed database.
  bool has_installed() const;

  /// Packages named `name` or providing it (with or without a version), in pool order.
  std::vector<uint32_t> providers(std::string_view name) const;

  /// Internal layout for the resolver.
  const detail::PoolData& data() const { return *m_data; }

 private:
  explicit PackagePool(std::unique_ptr<detail::PoolData> data);
  std::unique_ptr<detail::PoolData> m_data;
};

}  // namespace wisp::pkg::solve
