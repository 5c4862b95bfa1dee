// The resolver's view of a PackagePool: interned names, flattened atoms and claims. Internal to
// src/pkg/solve; not a public API.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "pkg/apk/version.h"
#include "pkg/solve/pool.h"

namespace wisp::pkg::solve::detail {

using NameId = uint32_t;
using PkgId = uint32_t;
inline constexpr uint32_t k_none = UINT32_MAX;

/// Owns interned strings; views stay valid for the pool's lifetime.
class Interner {
 public:
  std::string_view intern(std::string_view text);

 private:
  std::unordered_set<std::string_view> m_set;
  std::vector<std::unique_ptr<char[]>> m_chunks;
  size_t m_used = 0;
  size_t m_capacity = 0;
};

/// A dependency atom with an interned name.
struct Atom {
  NameId name = k_none;
  apk::Op op = apk::Op::any;
  bool conflict = false;
  uint32_t tag = 0;          // world atoms: tag id (0: none, k_none: a tag no repository has)
  std::string_view version;  // interned; identity for Op::checksum
};

/// A name a package takes when installed: its own name (always versioned) or one provide.
struct Claim {
  NameId name = k_none;
  std::string_view version;  // empty for an unversioned provide
  bool versioned = true;
};

struct PoolPackage {
  const apk::PackageInfo* info = nullptr;
  NameId name = k_none;
  uint32_t claims_begin = 0, claims_end = 0;  // own name first, then provides
  uint32_t deps_begin = 0, deps_end = 0;
  uint32_t iif_begin = 0, iif_end = 0;
  std::vector<uint32_t> repos;  // ascending repository indexes (empty: installed only)
  // Bit t: listed in a repository with tag id t, or installed from tag t (while some repository
  // has that tag): apk's get_pkg_repos, which counts an installed package as belonging to the
  // repositories of the tag it was installed from.
  uint64_t tag_mask = 0;
  int64_t priority = 0;         // provider_priority (k:)
  Unavailable unavailable = Unavailable::none;
  bool installed = false;       // in the installed database
  uint8_t installed_tag = 0;    // the tag id it was installed from (tag ids are < 64)
  std::string_view unavailable_detail;  // the offending atom or provide
};

struct Provider {
  PkgId pkg = k_none;
  uint32_t claim = 0;  // index into PoolData::claims
};

struct NameData {
  std::string_view text;
  std::vector<Provider> providers;       // pool order
  std::vector<PkgId> install_if_pkgs;    // packages with an install_if atom on this name
  std::vector<NameId> install_if_names;  // their names and provided names (apk's rinstall_if)
  bool has_concrete = false;             // some package has this as its own name
};

struct PoolData {
  std::string arch;
  std::vector<Repository> repositories;
  std::vector<InstalledPackage> installed;  // as given; packages [0, installed_count) are these
  uint32_t installed_count = 0;             // distinct installed packages (ids 0..count-1)
  std::vector<std::string> tags;   // tag id -> text without '@'; [0] is ""
  std::vector<uint32_t> repo_tag;  // repository index -> tag id
  std::vector<PoolPackage> packages;
  std::vector<Claim> claims;
  std::vector<Atom> atoms;  // depends and install_if of every package
  std::vector<NameData> names;
  std::unordered_map<std::string_view, NameId> name_index;
  Interner strings;

  /// k_none when no package mentions the name.
  NameId find_name(std::string_view name) const;
  /// k_none when no repository has the tag (with or without '@'); 0 for "".
  uint32_t find_tag(std::string_view tag) const;

  std::span<const Claim> claims_of(PkgId p) const {
    const PoolPackage& pkg = packages[p];
    return {claims.data() + pkg.claims_begin, claims.data() + pkg.claims_end};
  }
  std::span<const Atom> depends_of(PkgId p) const {
    const PoolPackage& pkg = packages[p];
    return {atoms.data() + pkg.deps_begin, atoms.data() + pkg.deps_end};
  }
  std::span<const Atom> install_if_of(PkgId p) const {
    const PoolPackage& pkg = packages[p];
    return {atoms.data() + pkg.iif_begin, atoms.data() + pkg.iif_end};
  }
  /// The claim package `p` makes on `name`, or null.
  const Claim* claim_on(PkgId p, NameId name) const;
};

/// Whether a claim satisfies the atom's name and version (ignoring `conflict`). An unversioned
/// claim only satisfies an atom without a version; `><` compares the package identity.
bool claim_matches(const PoolData& pool, PkgId p, const Claim& claim, const Atom& atom);

/// Whether installing `p` keeps `atom` true for name `atom.name` (apk's apk_dep_is_provided):
/// a package never breaks its own conflicts.
bool claim_provides(const PoolData& pool, PkgId depender, PkgId p, const Claim& claim,
                    const Atom& atom);

/// "[!]name[@tag][op version]".
std::string atom_text(const PoolData& pool, const Atom& atom);
/// "name-version".
std::string package_label(const PoolData& pool, PkgId p);

/// A name's position in apk's name hash table (murmur3, seed 5381, 20000 buckets; newest name
/// first within a bucket): the order of apk's per-name reverse lists (rdepends, rinstall_if).
uint64_t hash_position(const PoolData& pool, NameId name);

}  // namespace wisp::pkg::solve::detail
