// Errors a person can act on: which atom failed, who required it, and why each candidate was
// rejected. Written while the failing state is still live; only the first failure of a search
// is kept (later ones come from backtracking and explain less).
#include <algorithm>

#include <fmt/format.h>

#include "base/strings.h"
#include "pkg/solve/search.h"

namespace wisp::pkg::solve::detail {
namespace {

constexpr size_t k_max_candidates = 12;
constexpr int k_max_depth = 2;

const char* k_arrow = " \u2192 ";

}  // namespace

std::string Search::chain(PkgId requirer, const Atom* atom) const {
  std::vector<std::string> labels;
  PkgId current = requirer;
  for (int guard = 0; current != k_world && guard < 64; ++guard) {
    const PkgState& ps = m_pkgs[current];
    labels.push_back(package_label(m_pool, current) + (ps.via_iif ? " (install_if)" : ""));
    current = ps.parent;
  }
  std::string out = "world";
  for (auto it = labels.rbegin(); it != labels.rend(); ++it) out += k_arrow + *it;
  if (atom) out += k_arrow + text(*atom);
  return out;
}

std::string Search::text(const Atom& atom) const {
  if (atom.tag == k_none && !m_world.empty() && &atom >= m_world.data() &&
      &atom < m_world.data() + m_world.size()) {
    Atom untagged = atom;
    untagged.tag = 0;
    std::string out = atom_text(m_pool, untagged);
    size_t at = out.find_first_of("<>=~", atom.conflict ? 1 : 0);
    std::string tag = m_world_tags[static_cast<size_t>(&atom - m_world.data())];
    if (!tag.starts_with("@")) tag.insert(0, "@");
    out.insert(at == std::string::npos ? out.size() : at, tag);
    return out;
  }
  return atom_text(m_pool, atom);
}

std::string Search::requirer_text(const Constraint& c) const {
  std::string who = c.requirer == k_world ? "world" : package_label(m_pool, c.requirer);
  return who + "[" + text(*c.atom) + "]";
}

std::string Search::tags_text(PkgId p) const {
  std::string out;
  for (uint32_t r : m_pool.packages[p].repos) {
    uint32_t tag = m_pool.repo_tag[r];
    if (tag == 0) continue;
    std::string text = "@" + m_pool.tags[tag];
    if (out.find(text) == std::string::npos) out += (out.empty() ? "" : ", ") + text;
  }
  return out;
}

std::string Search::describe_dependency(PkgId p, const Atom& atom, int depth) const {
  (void)p;
  const NameData& name = m_pool.names[atom.name];
  if (const NameState* s = find_state(atom.name)) {
    if (!s->claimers.empty()) {
      PkgId owner = s->claimers.front();
      const PkgState& ps = m_pkgs[owner];
      return fmt::format("{} is selected ({})", package_label(m_pool, owner),
                         chain(ps.parent, ps.via));
    }
    if (s->locked_none)
      return fmt::format("{} must stay absent for {}", name.text,
                         package_label(m_pool, s->locked_for));
  }
  if (name.providers.empty()) return fmt::format("no package provides {}", name.text);
  std::vector<std::string> parts;
  size_t matching = 0;
  for (const Provider& pr : name.providers) {
    if (!claim_matches(m_pool, pr.pkg, m_pool.claims[pr.claim], atom)) continue;
    ++matching;
    const Exclusion* e = exclusion_of(pr.pkg);
    if (!e || parts.size() >= 4) continue;
    if (depth >= k_max_depth) {
      parts.push_back(package_label(m_pool, pr.pkg) + " is ruled out");
      continue;
    }
    parts.push_back(package_label(m_pool, pr.pkg) + " " + describe_exclusion(pr.pkg, *e, depth + 1));
  }
  // Name the candidates that exist but do not match, too: often the real culprit.
  std::string others;
  size_t other_count = 0;
  for (const Provider& pr : name.providers) {
    if (claim_matches(m_pool, pr.pkg, m_pool.claims[pr.claim], atom) || excluded(pr.pkg)) continue;
    if (other_count++ < 3) others += (others.empty() ? "" : ", ") + package_label(m_pool, pr.pkg);
  }
  if (other_count > 3) others += ", ...";
  if (matching > 0 && !others.empty()) {
    std::string head = parts.empty() ? std::string("every candidate is ruled out") : join(parts, "; ");
    return fmt::format("{}; {} {} not match {}", head, others, other_count == 1 ? "does" : "do",
                       text(atom));
  }
  if (matching == 0) {
    std::string available;
    for (const Provider& pr : name.providers) {
      if (available.size() > 200) {
        available += ", ...";
        break;
      }
      available += (available.empty() ? "" : ", ") + package_label(m_pool, pr.pkg);
    }
    return fmt::format("no version matches (available: {})", available);
  }
  if (parts.empty()) return "every candidate is ruled out";
  return join(parts, "; ");
}

std::string Search::describe_exclusion(PkgId p, const Exclusion& e, int depth) const {
  const PoolPackage& pkg = m_pool.packages[p];
  std::string_view name = e.name == k_none ? std::string_view() : m_pool.names[e.name].text;
  switch (e.why) {
    case Why::unavailable:
      switch (pkg.unavailable) {
        case Unavailable::arch:
          return fmt::format("is built for {}, not {} (wrong architecture)", pkg.unavailable_detail,
                             m_pool.arch);
        case Unavailable::uninstallable:
          return "is uninstallable: its index entry has fields this resolver does not know";
        case Unavailable::bad_depends:
          return fmt::format("is uninstallable: its dependency '{}' is not valid in an index",
                             pkg.unavailable_detail);
        case Unavailable::self_conflict:
          return fmt::format("conflicts with itself: it provides '{}', a name it already has",
                             pkg.unavailable_detail);
        case Unavailable::none:
          break;
      }
      return "is unavailable";
    case Why::pinned: {
      auto it = m_options.version_pins.find(pkg.info->name);
      return fmt::format("is not the version locked for every architecture ({})",
                         it == m_options.version_pins.end() ? "?" : it->second);
    }
    case Why::mismatch: {
      const Claim* claim = m_pool.claim_on(p, e.name);
      Constraint c{.atom = e.atom, .requirer = e.other};
      if (claim && !claim->versioned)
        return fmt::format("provides {} without a version, which does not satisfy {}", name,
                           requirer_text(c));
      if (claim && e.name != pkg.name)
        return fmt::format("provides {}={}, which does not match {}", name, claim->version,
                           requirer_text(c));
      return fmt::format("does not match {}", requirer_text(c));
    }
    case Why::conflict: {
      Constraint c{.atom = e.atom, .requirer = e.other};
      return fmt::format("conflicts with {}", requirer_text(c));
    }
    case Why::taken:
      if (e.name == pkg.name)
        return fmt::format("conflicts with selected {}: only one {} may be installed",
                           package_label(m_pool, e.other), name);
      return fmt::format("conflicts with selected {}: both provide {}",
                         package_label(m_pool, e.other), name);
    case Why::locked:
      return fmt::format("provides {}, which must stay absent for install_if package {}", name,
                         package_label(m_pool, e.other));
    case Why::dependency:
      return fmt::format("needs {}, which cannot be met: {}", text(*e.atom),
                         describe_dependency(p, *e.atom, depth));
    case Why::breaks:
      return fmt::format("has {}, which conflicts with selected {}", text(*e.atom),
                         package_label(m_pool, e.other));
    case Why::tried:
      return "was tried and led to a conflict further on";
  }
  return "is ruled out";
}

std::string Search::describe(PkgId p, const Claim& claim, NameId name, int depth) const {
  if (const Exclusion* e = exclusion_of(p)) return describe_exclusion(p, *e, depth);
  if (!auto_selectable(p, claim))
    return fmt::format(
        "provides {} without a version and has no provider priority (name it explicitly to "
        "install it)",
        m_pool.names[name].text);
  if (m_tags && !tag_ok(p, allowed_tags(p, false))) {
    std::string tags = tags_text(p);
    return fmt::format("is only in {} (masked: ask for {}@{} to allow it)", tags,
                       m_pool.packages[p].info->name, tags.empty() ? "tag" : tags.substr(1));
  }
  return "was not chosen";
}

std::string Search::suggestions(std::string_view name) const {
  // Names something provides, within two edits (only computed on this error path).
  std::vector<std::pair<size_t, std::string_view>> close;
  for (const NameData& data : m_pool.names) {
    if (data.providers.empty()) continue;
    size_t a = data.text.size(), b = name.size();
    if ((a > b ? a - b : b - a) > 2) continue;
    size_t distance = edit_distance(data.text, name);
    if (distance <= 2) close.emplace_back(distance, data.text);
  }
  std::sort(close.begin(), close.end());
  std::string out;
  for (size_t i = 0; i < close.size() && i < 3; ++i)
    out += (out.empty() ? "" : ", ") + std::string(close[i].second);
  return out;
}

void Search::note_failure(NameId name) {
  if (!m_first_error.empty()) return;
  const NameData& data = m_pool.names[name];
  const NameState* s = find_state(name);

  std::vector<const Constraint*> requirers;
  if (s)
    for (const Constraint& c : s->constraints)
      if (!c.atom->conflict) requirers.push_back(&c);
  std::string atoms;
  for (const Constraint* c : requirers) {
    std::string spelled = text(*c->atom);
    if ((" " + atoms + " ").find(" " + spelled + " ") == std::string::npos)
      atoms += (atoms.empty() ? "" : " ") + spelled;
  }
  if (atoms.empty()) atoms = std::string(data.text);
  std::string where = requirers.empty()
                          ? std::string("world")
                          : chain(requirers.front()->requirer, requirers.front()->atom);

  std::string summary;
  if (data.providers.empty()) summary = fmt::format("no package provides {}", data.text);
  bool virtual_only = !data.providers.empty();
  for (const Provider& pr : data.providers)
    if (excluded(pr.pkg) || auto_selectable(pr.pkg, m_pool.claims[pr.claim])) virtual_only = false;
  if (virtual_only) {
    std::string list;
    for (const Provider& pr : data.providers)
      list += (list.empty() ? "" : ", ") + m_pool.packages[pr.pkg].info->name;
    summary = fmt::format(
        "{} is a virtual name without a provider priority; select one of its providers "
        "explicitly: {}",
        data.text, list);
  }
  // Each package once, even if it provides the name twice.
  std::vector<const Provider*> candidates;
  for (const Provider& pr : data.providers) {
    bool dup = false;
    for (const Provider* seen : candidates) dup |= seen->pkg == pr.pkg;
    if (!dup) candidates.push_back(&pr);
  }
  bool listed = !data.providers.empty() && !virtual_only;
  if (listed && candidates.size() == 1) {
    const Provider& pr = *candidates.front();
    summary = package_label(m_pool, pr.pkg) + " " + describe(pr.pkg, m_pool.claims[pr.claim], name, 0);
    listed = false;
  } else if (listed) {
    summary = fmt::format("none of its {} candidates is acceptable", candidates.size());
  }
  std::string out = fmt::format("unable to select packages: {} ({}): {}", atoms, where, summary);

  if (requirers.size() > 1) {
    out += "\n  required by:";
    for (const Constraint* c : requirers) out += " " + requirer_text(*c);
  }
  if (listed) {
    out += "\n  candidates:";
    size_t shown = 0;
    for (const Provider* pr : candidates) {
      if (shown++ == k_max_candidates) {
        out += fmt::format("\n    ... and {} more", candidates.size() - k_max_candidates);
        break;
      }
      out += fmt::format("\n    {} {}", package_label(m_pool, pr->pkg),
                         describe(pr->pkg, m_pool.claims[pr->claim], name, 0));
    }
  }
  m_first_error = std::move(out);
}

void Search::note_select_failure(PkgId p, const std::string& reason) {
  if (!m_first_error.empty()) return;
  const PkgState& ps = m_pkgs[p];
  m_first_error = fmt::format("unable to select packages: {} ({}) cannot be installed: {}",
                              package_label(m_pool, p), chain(ps.parent, ps.via), reason);
}

}  // namespace wisp::pkg::solve::detail
