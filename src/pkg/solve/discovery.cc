// apk's discovery order (solver.c discover_name), which its solver uses as the order of
// decisions: a name is numbered after the names its providers depend on, the install_if rules
// that mention it and the names its providers provide; install_if conditions come after.
#include "pkg/solve/search.h"

namespace wisp::pkg::solve::detail {

std::vector<uint32_t> discovery_order(const PoolData& pool, std::span<const Atom> world,
                                      std::span<const NameId> requested_names) {
  const size_t n = pool.names.size();
  std::vector<uint32_t> order(n, 0);
  std::vector<uint8_t> seen(n, 0);
  std::vector<uint8_t> pkg_seen(pool.packages.size(), 0);
  std::vector<uint8_t> requested(n, 0);
  for (NameId name : requested_names) requested[name] = 1;

  // An explicit stack: dependency chains in a hostile index may be arbitrarily deep.
  struct Frame {
    NameId name;
    uint8_t phase = 0;
    uint32_t i = 0;
    uint32_t j = 0;
  };
  std::vector<Frame> stack;
  uint32_t counter = 0;
  auto enter = [&](NameId id) {
    if (id == k_none || seen[id]) return false;
    seen[id] = 1;
    stack.push_back(Frame{.name = id});
    return true;
  };

  for (const Atom& atom : world) {
    enter(atom.name);
    while (!stack.empty()) {
      Frame& f = stack.back();
      const NameData& name = pool.names[f.name];
      const auto& providers = name.providers;
      switch (f.phase) {
        case 0: {  // dependencies of each provider not seen before
          if (f.i >= providers.size()) {
            f.phase = 1;
            f.i = f.j = 0;
            break;
          }
          PkgId p = providers[f.i].pkg;
          if (f.j == 0) {
            if (pkg_seen[p]) {
              ++f.i;
              break;
            }
            pkg_seen[p] = 1;
          }
          auto deps = pool.depends_of(p);
          if (f.j < deps.size()) {
            enter(deps[f.j++].name);
            break;
          }
          ++f.i;
          f.j = 0;
          break;
        }
        case 1:  // install_if rules that mention this name
          if (f.i < name.install_if_names.size()) {
            enter(name.install_if_names[f.i++]);
            break;
          }
          f.phase = 2;
          f.i = f.j = 0;
          break;
        case 2: {  // per provider: rules on its own name, then what it provides
          if (f.i >= providers.size()) {
            f.phase = 3;
            break;
          }
          PkgId p = providers[f.i].pkg;
          const auto& rules = pool.names[pool.packages[p].name].install_if_names;
          auto claims = pool.claims_of(p);
          if (f.j < rules.size()) {
            enter(rules[f.j++]);
            break;
          }
          uint32_t k = f.j - static_cast<uint32_t>(rules.size()) + 1;  // skip the own-name claim
          if (k < claims.size()) {
            ++f.j;
            enter(claims[k].name);
            break;
          }
          ++f.i;
          f.j = 0;
          break;
        }
        case 3: {
          uint32_t flags = 0;
          if (!requested[f.name]) flags |= 1u << 31;
          if (name.has_concrete) flags |= 1u << 30;
          order[f.name] = flags | (++counter & ((1u << 30) - 1));
          f.phase = 4;
          f.i = f.j = 0;
          break;
        }
        case 4: {  // names in the providers' install_if conditions
          if (f.i >= providers.size()) {
            stack.pop_back();
            break;
          }
          auto rules = pool.install_if_of(providers[f.i].pkg);
          if (f.j < rules.size()) {
            enter(rules[f.j++].name);
            break;
          }
          ++f.i;
          f.j = 0;
          break;
        }
      }
    }
  }
  return order;
}

}  // namespace wisp::pkg::solve::detail
