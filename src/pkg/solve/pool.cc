#include "pkg/solve/pool.h"

#include <algorithm>
#include <cstring>
#include <unordered_map>

#include "base/encoding.h"
#include "pkg/apk/dependency.h"
#include "pkg/solve/pool_data.h"

namespace wisp::pkg::solve {
namespace detail {

std::string_view Interner::intern(std::string_view text) {
  if (auto it = m_set.find(text); it != m_set.end()) return *it;
  constexpr size_t k_chunk = 64 * 1024;
  char* out;
  if (text.size() > k_chunk / 4) {
    m_chunks.push_back(std::make_unique<char[]>(text.size() + 1));
    out = m_chunks.back().get();
  } else {
    if (m_used + text.size() > m_capacity || m_chunks.empty()) {
      m_chunks.push_back(std::make_unique<char[]>(k_chunk));
      m_used = 0;
      m_capacity = k_chunk;
    }
    out = m_chunks.back().get() + m_used;
    m_used += text.size();
  }
  if (!text.empty()) std::memcpy(out, text.data(), text.size());
  std::string_view stored(out, text.size());
  m_set.insert(stored);
  return stored;
}

NameId PoolData::find_name(std::string_view name) const {
  auto it = name_index.find(name);
  return it == name_index.end() ? k_none : it->second;
}

uint32_t PoolData::find_tag(std::string_view tag) const {
  if (!tag.empty() && tag.front() == '@') tag.remove_prefix(1);
  for (uint32_t i = 0; i < tags.size(); ++i)
    if (tags[i] == tag) return i;
  return k_none;
}

const Claim* PoolData::claim_on(PkgId p, NameId name) const {
  for (const Claim& c : claims_of(p))
    if (c.name == name) return &c;
  return nullptr;
}

bool claim_matches(const PoolData& pool, PkgId p, const Claim& claim, const Atom& atom) {
  if (claim.name != atom.name) return false;
  if (apk::has_any(atom.op, apk::Op::checksum)) {
    // A `><` pin names one package identity; only the package's own name carries it.
    return claim.name == pool.packages[p].name && pool.packages[p].info->checksum == atom.version;
  }
  if (!claim.versioned) return apk::has_all(atom.op, apk::Op::any);
  return apk::version_matches(claim.version, atom.op, atom.version);
}

bool claim_provides(const PoolData& pool, PkgId depender, PkgId p, const Claim& claim,
                    const Atom& atom) {
  if (atom.conflict && depender == p) return true;
  return claim_matches(pool, p, claim, atom) != atom.conflict;
}

std::string atom_text(const PoolData& pool, const Atom& atom) {
  std::string out;
  if (atom.conflict) out += '!';
  out += atom.name == k_none ? std::string_view("?") : pool.names[atom.name].text;
  if (atom.tag != 0) {
    out += '@';
    out += atom.tag < pool.tags.size() ? std::string_view(pool.tags[atom.tag]) : std::string_view("?");
  }
  if (!apk::has_all(atom.op, apk::Op::any) || apk::has_any(atom.op, apk::Op::checksum)) {
    out += apk::op_string(atom.op);
    out += atom.version;
  }
  return out;
}

std::string package_label(const PoolData& pool, PkgId p) {
  const apk::PackageInfo& info = *pool.packages[p].info;
  return info.name + "-" + info.version;
}

namespace {

// MurmurHash3 x86 32-bit (Austin Appleby's public-domain algorithm).
uint32_t murmur3_32(std::string_view data, uint32_t seed) {
  constexpr uint32_t c1 = 0xcc9e2d51, c2 = 0x1b873593;
  auto rotl = [](uint32_t x, int r) { return (x << r) | (x >> (32 - r)); };
  auto mix = [&](uint32_t k) {
    k *= c1;
    k = rotl(k, 15);
    return k * c2;
  };
  const auto* bytes = reinterpret_cast<const uint8_t*>(data.data());
  const size_t blocks = data.size() / 4;
  uint32_t h = seed;
  for (size_t i = 0; i < blocks; ++i) {
    const uint8_t* b = bytes + i * 4;
    uint32_t k = uint32_t(b[0]) | uint32_t(b[1]) << 8 | uint32_t(b[2]) << 16 | uint32_t(b[3]) << 24;
    h ^= mix(k);
    h = rotl(h, 13) * 5 + 0xe6546b64;
  }
  const uint8_t* tail = bytes + blocks * 4;
  uint32_t k = 0;
  switch (data.size() & 3) {
    case 3:
      k ^= uint32_t(tail[2]) << 16;
      [[fallthrough]];
    case 2:
      k ^= uint32_t(tail[1]) << 8;
      [[fallthrough]];
    case 1:
      k ^= tail[0];
      h ^= mix(k);
  }
  h ^= static_cast<uint32_t>(data.size());
  h ^= h >> 16;
  h *= 0x85ebca6b;
  h ^= h >> 13;
  h *= 0xc2b2ae35;
  h ^= h >> 16;
  return h;
}

class Builder {
 public:
  explicit Builder(PoolData& pool) : m_pool(pool) {}

  NameId name_id(std::string_view text) {
    if (auto it = m_pool.name_index.find(text); it != m_pool.name_index.end()) return it->second;
    std::string_view stored = m_pool.strings.intern(text);
    NameId id = static_cast<NameId>(m_pool.names.size());
    m_pool.names.push_back(NameData{.text = stored});
    m_pool.name_index.emplace(stored, id);
    return id;
  }

  Atom atom_from(const apk::Dependency& dep) {
    return Atom{.name = name_id(dep.name),
                .op = dep.op,
                .conflict = dep.conflict,
                .tag = 0,
                .version = m_pool.strings.intern(dep.version)};
  }

  /// Adds a repository entry, or with `repo` k_none an installed package from tag `installed_tag`.
  void add(const apk::PackageInfo& info, uint32_t repo, uint32_t installed_tag = 0) {
    // apk keys packages by identity: the same .apk listed by two repositories is one package.
    std::string identity = identity_key(info.checksum);
    if (!identity.empty()) {
      auto [it, inserted] = m_by_identity.try_emplace(std::move(identity),
                                                      static_cast<PkgId>(m_pool.packages.size()));
      if (!inserted) {
        if (repo == k_none) return;  // listed twice in the installed database
        PoolPackage& existing = m_pool.packages[it->second];
        if (std::find(existing.repos.begin(), existing.repos.end(), repo) == existing.repos.end())
          existing.repos.push_back(repo);
        existing.tag_mask |= uint64_t{1} << m_pool.repo_tag[repo];
        return;
      }
    }

    PoolPackage pkg;
    pkg.info = &info;
    pkg.name = name_id(info.name);
    if (repo != k_none) {
      pkg.repos.push_back(repo);
      pkg.tag_mask = uint64_t{1} << m_pool.repo_tag[repo];
    } else {
      pkg.installed = true;
      pkg.installed_tag = static_cast<uint8_t>(installed_tag);
      // apk counts it as available from every repository of the tag it came from.
      if (m_tag_has_repos & (uint64_t{1} << installed_tag)) pkg.tag_mask = uint64_t{1} << installed_tag;
    }
    pkg.priority = info.provider_priority.value_or(0);
    if (!info.arch.empty() && info.arch != m_pool.arch && info.arch != "noarch") {
      pkg.unavailable = Unavailable::arch;
      pkg.unavailable_detail = m_pool.strings.intern(info.arch);
    }
    if (info.uninstallable) pkg.unavailable = Unavailable::uninstallable;

    pkg.deps_begin = static_cast<uint32_t>(m_pool.atoms.size());
    for (const std::string& text : info.depends) {
      auto dep = apk::parse_dependency(text);
      if (!dep || !dep->tag.empty()) {
        // An index may not pin repositories; apk marks such a package uninstallable.
        if (pkg.unavailable == Unavailable::none) {
          pkg.unavailable = Unavailable::bad_depends;
          pkg.unavailable_detail = m_pool.strings.intern(text);
        }
        continue;
      }
      m_pool.atoms.push_back(atom_from(*dep));
    }
    pkg.deps_end = static_cast<uint32_t>(m_pool.atoms.size());

    pkg.claims_begin = static_cast<uint32_t>(m_pool.claims.size());
    m_pool.claims.push_back(Claim{.name = pkg.name, .version = m_pool.strings.intern(info.version)});
    for (const std::string& text : info.provides) {
      auto provide = apk::parse_provide(text);
      if (!provide) continue;  // apk stops reading a bad p: list; the package stays installable
      NameId name = name_id(provide->name);
      bool versioned = !provide->version.empty();
      for (uint32_t i = pkg.claims_begin; i < m_pool.claims.size(); ++i) {
        const Claim& other = m_pool.claims[i];
        if (other.name == name && (versioned || other.versioned) &&
            pkg.unavailable == Unavailable::none) {
          pkg.unavailable = Unavailable::self_conflict;
          pkg.unavailable_detail = m_pool.strings.intern(text);
        }
      }
      m_pool.claims.push_back(Claim{.name = name,
                                    .version = m_pool.strings.intern(provide->version),
                                    .versioned = versioned});
    }
    pkg.claims_end = static_cast<uint32_t>(m_pool.claims.size());

    pkg.iif_begin = static_cast<uint32_t>(m_pool.atoms.size());
    for (const std::string& text : info.install_if) {
      auto dep = apk::parse_dependency(text);
      if (!dep || !dep->tag.empty()) {
        // apk disables a partially understood install_if rule entirely.
        m_pool.atoms.resize(pkg.iif_begin);
        break;
      }
      m_pool.atoms.push_back(atom_from(*dep));
    }
    pkg.iif_end = static_cast<uint32_t>(m_pool.atoms.size());

    m_pool.packages.push_back(std::move(pkg));
  }

  void link() {
    for (PkgId p = 0; p < m_pool.packages.size(); ++p) {
      const PoolPackage& pkg = m_pool.packages[p];
      for (uint32_t c = pkg.claims_begin; c < pkg.claims_end; ++c) {
        NameData& name = m_pool.names[m_pool.claims[c].name];
        name.providers.push_back(Provider{.pkg = p, .claim = c});
        if (c == pkg.claims_begin) name.has_concrete = true;
      }
      for (const Atom& atom : m_pool.install_if_of(p)) {
        NameData& target = m_pool.names[atom.name];
        if (target.install_if_pkgs.empty() || target.install_if_pkgs.back() != p)
          target.install_if_pkgs.push_back(p);
        for (const Claim& claim : m_pool.claims_of(p)) {
          auto& names = target.install_if_names;
          if (std::find(names.begin(), names.end(), claim.name) == names.end())
            names.push_back(claim.name);
        }
      }
    }
    // apk builds these lists by walking its name hash table (murmur3, seed 5381, 20000 buckets;
    // newest name first within a bucket), and both its decision order and its install order
    // follow them. Sorting the same way reproduces apk's order where install_if packages tie.
    for (NameData& name : m_pool.names) {
      if (name.install_if_names.size() < 2) continue;
      std::sort(name.install_if_names.begin(), name.install_if_names.end(),
                [&](NameId a, NameId b) { return hash_position(a) < hash_position(b); });
    }
  }

  uint64_t hash_position(NameId id) const { return detail::hash_position(m_pool, id); }

  void set_tag_has_repos(uint64_t mask) { m_tag_has_repos = mask; }

 private:
  // The decoded bytes of a Q1/Q2 identity, so that spellings differing only in base64's unused
  // bits are one identity (apk compares bytes). Empty when there is no usable identity.
  static std::string identity_key(std::string_view checksum) {
    if (checksum.size() < 3 || checksum[0] != 'Q') return std::string(checksum);
    auto bytes = base64_decode(checksum.substr(2));
    if (!bytes) return std::string(checksum);
    return std::string(checksum.substr(0, 2)) + *bytes;
  }

  PoolData& m_pool;
  std::unordered_map<std::string, PkgId> m_by_identity;
  uint64_t m_tag_has_repos = 0;  // bit t: some repository has tag id t
};

}  // namespace

uint64_t hash_position(const PoolData& pool, NameId name) {
  uint64_t bucket = murmur3_32(pool.names[name].text, 5381) % 20000;
  return bucket << 32 | (0xffffffffu - name);
}

}  // namespace detail

Result<PackagePool> PackagePool::build(std::vector<Repository> repositories, std::string arch,
                                       std::vector<InstalledPackage> installed) {
  if (arch.empty()) return fail(Errc::usage, "package pool: no architecture given");
  auto data = std::make_unique<detail::PoolData>();
  data->arch = std::move(arch);
  data->repositories = std::move(repositories);
  data->installed = std::move(installed);
  data->tags.push_back("");
  // Tag ids in apk's order: the installed database's tags first, then the repositories'.
  auto tag_id = [&](std::string_view text) -> Result<uint32_t> {
    uint32_t tag = data->find_tag(text);
    if (tag != detail::k_none) return tag;
    if (data->tags.size() >= 63)
      return fail(Errc::usage, "package pool: more than 63 repository tags (at '{}')", text);
    if (!text.empty() && text.front() == '@') text.remove_prefix(1);
    data->tags.emplace_back(text);
    return static_cast<uint32_t>(data->tags.size() - 1);
  };
  std::vector<uint32_t> installed_tags;
  installed_tags.reserve(data->installed.size());
  for (const InstalledPackage& pkg : data->installed) {
    TRY_ASSIGN(uint32_t tag, tag_id(pkg.tag));
    installed_tags.push_back(tag);
  }
  uint64_t tag_has_repos = 0;
  for (const Repository& repo : data->repositories) {
    TRY_ASSIGN(uint32_t tag, tag_id(repo.tag));
    data->repo_tag.push_back(tag);
    tag_has_repos |= uint64_t{1} << tag;
  }

  size_t total = data->installed.size();
  for (const Repository& repo : data->repositories) total += repo.packages.size();
  data->packages.reserve(total);
  data->name_index.reserve(total * 2);

  detail::Builder builder(*data);
  builder.set_tag_has_repos(tag_has_repos);
  for (size_t i = 0; i < data->installed.size(); ++i)
    builder.add(data->installed[i].info, detail::k_none, installed_tags[i]);
  data->installed_count = static_cast<uint32_t>(data->packages.size());
  for (uint32_t r = 0; r < data->repositories.size(); ++r)
    for (const apk::PackageInfo& info : data->repositories[r].packages) builder.add(info, r);
  builder.link();
  return PackagePool(std::move(data));
}

PackagePool::PackagePool(std::unique_ptr<detail::PoolData> data) : m_data(std::move(data)) {}
PackagePool::PackagePool(PackagePool&&) noexcept = default;
PackagePool& PackagePool::operator=(PackagePool&&) noexcept = default;
PackagePool::~PackagePool() = default;

const std::string& PackagePool::arch() const { return m_data->arch; }
std::span<const Repository> PackagePool::repositories() const { return m_data->repositories; }
size_t PackagePool::size() const { return m_data->packages.size(); }
const apk::PackageInfo& PackagePool::package(uint32_t id) const { return *m_data->packages.at(id).info; }
size_t PackagePool::repository_of(uint32_t id) const {
  const auto& repos = m_data->packages.at(id).repos;
  return repos.empty() ? k_no_repository : repos.front();
}
Unavailable PackagePool::unavailable(uint32_t id) const { return m_data->packages.at(id).unavailable; }
bool PackagePool::installed(uint32_t id) const { return m_data->packages.at(id).installed; }
bool PackagePool::has_installed() const { return m_data->installed_count > 0; }

std::vector<uint32_t> PackagePool::providers(std::string_view name) const {
  std::vector<uint32_t> out;
  detail::NameId id = m_data->find_name(name);
  if (id == detail::k_none) return out;
  for (const detail::Provider& p : m_data->names[id].providers) out.push_back(p.pkg);
  return out;
}

}  // namespace wisp::pkg::solve
