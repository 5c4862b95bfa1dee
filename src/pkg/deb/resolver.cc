#include "pkg/deb/resolver.h"

#include <algorithm>
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "base/strings.h"
#include "pkg/deb/dependency_order.h"
#include "pkg/deb/relation.h"
#include "pkg/deb/version.h"

namespace wisp::pkg::deb {
namespace {

// Far deeper than any real chain (bookworm's longest is a few dozen), shallow enough for the
// recursion to stay well inside a thread's stack.
constexpr size_t kMaxDepth = 500;
// apt may unmark a package for a conflict and mark it again later; this bounds such ping-pong.
constexpr size_t kMaxAttempts = 1'000'000;

bool equals_ignoring_case(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; };
           return lower(x) == lower(y);
         });
}

// apt's pkgCache::State::VerPriority; a missing field leaves apt's 0, which sorts first.
int priority_rank(std::string_view priority) {
  if (priority.empty()) return 0;
  static constexpr std::string_view kOrder[] = {"required", "important", "standard", "optional"};
  for (size_t i = 0; i < std::size(kOrder); ++i)
    if (equals_ignoring_case(priority, kOrder[i])) return static_cast<int>(i) + 1;
  return 5;  // "extra", and what apt does not know
}

// apt's Flag::Important, set by "Important: yes" and "Protected: yes".
bool flagged_important(const PackageEntry& entry) {
  for (std::string_view field : {"Important", "Protected"})
    if (const std::string* value = entry.paragraph.find(field); value && equals_ignoring_case(*value, "yes"))
      return true;
  return false;
}

bool multi_arch_allowed(const PackageEntry& entry) { return entry.multi_arch == MultiArch::allowed; }

// A Provides entry counts for this pool when it is unqualified or names the pool's arch.
bool provides_here(const Relation& provided, std::string_view arch) {
  return provided.arch_qualifier.empty() || provided.arch_qualifier == arch;
}

std::string provided_version(const Relation& provided) {
  return provided.op == RelOp::eq ? provided.version : std::string();
}

bool version_ok(std::string_view have, const Relation& relation) {
  return relation.op == RelOp::any || version_satisfies(have, relation.op, relation.version);
}

std::string clause_text(const Alternatives& clause) {
  std::vector<std::string> parts;
  for (const Relation& alternative : clause) parts.push_back(alternative.str());
  return join(parts, " | ");
}

// What a relation's name and qualifier ask of this pool.
struct Target {
  std::string_view name;
  bool any = false;      // name:any: only Multi-Arch: allowed packages (or providers) meet it
  bool foreign = false;  // name:<another arch>: never met by a one-arch pool
};

Target target_of(const Relation& relation, std::string_view arch) {
  const std::string& qualifier = relation.arch_qualifier;
  if (qualifier.empty() || qualifier == "native" || qualifier == arch) return {relation.name};
  if (qualifier == "any") return {relation.name, true};
  return {relation.name, false, true};
}

// Whether `package` meets `relation` by its own name and version or by one of its Provides.
// For Conflicts and Breaks (`negative`), ":any" matches regardless of Multi-Arch, as in dpkg.
bool met_by(const Relation& relation, const PackageEntry& package, std::string_view arch, bool negative) {
  Target target = target_of(relation, arch);
  if (target.foreign) return false;
  if (target.any && !negative && !multi_arch_allowed(package)) return false;
  if (package.name == target.name && version_ok(package.version, relation)) return true;
  for (const Relation& provided : package.provides) {
    if (provided.name != target.name || !provides_here(provided, arch)) continue;
    // An unversioned Provides never satisfies a versioned relation.
    std::string version = provided_version(provided);
    if (relation.op == RelOp::any || (!version.empty() && version_ok(version, relation))) return true;
  }
  return false;
}

struct Failure {
  std::vector<std::string> path;  // the requested package first, the one whose clause failed last
  std::string kind;               // "depends on", "pre-depends on"
  std::string clause;
  std::string reason;  // completes "..., but "
};

Error failure_error(const Failure& failure) {
  const std::string& root = failure.path.front();
  std::string who = failure.path.size() > 1 ? failure.path.back() + " " : std::string();
  return Error{Errc::unsatisfiable,
               fmt::format("unable to satisfy {}: {}{} {}, but {}\n  {} -> {}", root, who, failure.kind,
                           failure.clause, failure.reason, join(failure.path, " -> "), failure.clause)};
}

// apt's cache numbers a name when the index first mentions it: the package, then the targets
// of Pre-Depends, Depends, Conflicts, Breaks, Recommends, Suggests, Replaces and Enhances, then
// what it provides. Only the last tie between providers needs it, so it is built on demand.
std::unordered_map<std::string_view, size_t> apt_numbering(const PackagePool& pool) {
  std::unordered_map<std::string_view, size_t> numbers;
  auto number = [&](std::string_view name) { numbers.try_emplace(name, numbers.size()); };
  auto number_all = [&](const std::vector<Alternatives>& clauses) {
    for (const Alternatives& clause : clauses)
      for (const Relation& relation : clause) number(relation.name);
  };
  // Fields the entry does not parse: only their names matter, cut out without a full parse.
  auto number_field = [&](const PackageEntry& entry, std::string_view field) {
    const std::string* value = entry.paragraph.find(field);
    if (value == nullptr) return;
    for (std::string_view clause : split(*value, ','))
      for (std::string_view alternative : split(clause, '|')) {
        std::string_view name = trim(alternative);
        name = trim(name.substr(0, name.find_first_of(" \t\n(:[<")));
        if (!name.empty()) number(name);
      }
  };
  for (const PackageEntry* entry : pool.entries()) {
    number(entry->name);
    number_all(entry->pre_depends);
    number_all(entry->depends);
    number_all(entry->conflicts);
    number_all(entry->breaks);
    number_field(*entry, "Recommends");
    number_field(*entry, "Suggests");
    number_all(entry->replaces);
    number_field(*entry, "Enhances");
    for (const Relation& provided : entry->provides) number(provided.name);
  }
  return numbers;
}

using Chosen = std::map<std::string, const PackageEntry*, std::less<>>;

class Resolver {
 public:
  explicit Resolver(const PackagePool& pool) : m_pool(pool) {}
  Result<Resolved> run(const ResolveRequest& request);

 private:
  struct Note {
    std::string owner;  // kept only when this package ends up installed
    std::string text;
  };

  const PackageEntry* candidate(std::string_view name) const;
  Result<const PackageEntry*> find_requested(std::string_view text, const Relation& relation);
  const PackageEntry* satisfier(const Relation& relation, const Chosen& set) const;
  const PackageEntry* satisfier(const Alternatives& clause, const Chosen& set) const;
  std::vector<const PackageEntry*> solutions(const Alternatives& clause) const;
  bool preferred(const PackageEntry* a, const PackageEntry* b, std::string_view target) const;
  std::vector<std::pair<const PackageEntry*, std::string>> conflicting_chosen(const PackageEntry& option) const;
  std::optional<std::string> conflicted_by_chosen(const PackageEntry& option,
                                                  const std::vector<const PackageEntry*>& leaving) const;
  std::optional<std::string> make_room(const PackageEntry& option);
  std::string why_not(const Alternatives& clause) const;
  std::string why_not(const Relation& alternative) const;
  void mark(const PackageEntry& entry, const PackageEntry* parent);
  void unmark(const PackageEntry& entry);
  std::optional<Failure> mark_install(const PackageEntry& entry, const PackageEntry& parent, size_t depth, bool protect);
  std::optional<Failure> install_dependencies(const PackageEntry& entry, size_t depth);
  std::vector<std::string> chain(const std::string& name) const;
  Status verify() const;
  std::vector<const PackageEntry*> install_order() const;

  const PackagePool& m_pool;
  std::map<std::string, const PackageEntry*, std::less<>> m_pinned;  // versions the request chose
  std::set<std::string, std::less<>> m_discarded;                    // candidates that failed
  // apt's Protected flag: requested packages and, from them on, every package that was the
  // only solution of a dependency; such packages are never unmarked for a conflict.
  std::set<std::string, std::less<>> m_protected;
  std::set<std::string, std::less<>> m_in_progress;  // apt protects these while it walks them
  size_t m_attempts = 0;
  Chosen m_chosen;
  Chosen m_excluded;  // as if installed
  std::map<std::string, std::string, std::less<>> m_parent;  // who pulled a package in
  std::vector<Note> m_notes;
  mutable std::optional<std::unordered_map<std::string_view, size_t>> m_numbers;  // apt_numbering
};

const PackageEntry* Resolver::candidate(std::string_view name) const {
  if (m_discarded.contains(name)) return nullptr;
  if (auto pinned = m_pinned.find(name); pinned != m_pinned.end()) return pinned->second;
  const auto& versions = m_pool.versions(name);
  return versions.empty() ? nullptr : versions.front();
}

Result<const PackageEntry*> Resolver::find_requested(std::string_view text, const Relation& relation) {
  const std::string& arch = m_pool.arch();
  Target target = target_of(relation, arch);
  if (target.foreign) return fail(Errc::unsatisfiable, "unable to satisfy {}: the pool holds only {} packages", text, arch);
  const auto& versions = m_pool.versions(target.name);
  if (!versions.empty()) {
    for (const PackageEntry* entry : versions) {
      if (!version_ok(entry->version, relation)) continue;
      if (entry != versions.front()) m_pinned[entry->name] = entry;
      return entry;
    }
    std::vector<std::string> have;
    for (const PackageEntry* entry : versions) have.push_back(entry->version);
    return fail(Errc::unsatisfiable, "unable to satisfy {}: only {} {} available for {}", text, join(have, ", "),
                have.size() == 1 ? "is" : "are", arch);
  }
  // A virtual name: apt picks its provider when there is exactly one.
  std::vector<const PackageEntry*> providers;
  if (relation.op == RelOp::any) {
    for (const PackagePool::Provider& provider : m_pool.providers(target.name))
      if (provider.entry == candidate(provider.entry->name) &&
          std::find(providers.begin(), providers.end(), provider.entry) == providers.end())
        providers.push_back(provider.entry);
  }
  if (providers.size() == 1) {
    m_notes.push_back({providers[0]->name, fmt::format("selected {} for the virtual package {}", providers[0]->name,
                                                       target.name)});
    return providers[0];
  }
  if (providers.empty())
    return fail(Errc::unsatisfiable, "unable to satisfy {}: there is no package {} for {}", text, target.name, arch);
  std::vector<std::string> names;
  for (const PackageEntry* provider : providers) names.push_back(provider->name);
  std::sort(names.begin(), names.end());
  return fail(Errc::unsatisfiable, "unable to satisfy {}: {} is a virtual package provided by {}; request one of them",
              text, target.name, join(names, ", "));
}

const PackageEntry* Resolver::satisfier(const Relation& relation, const Chosen& set) const {
  const std::string& arch = m_pool.arch();
  Target target = target_of(relation, arch);
  if (target.foreign) return nullptr;
  if (auto it = set.find(target.name); it != set.end() && met_by(relation, *it->second, arch, false)) return it->second;
  for (const PackagePool::Provider& provider : m_pool.providers(target.name)) {
    auto it = set.find(provider.entry->name);
    if (it != set.end() && it->second == provider.entry && met_by(relation, *provider.entry, arch, false))
      return provider.entry;
  }
  return nullptr;
}

const PackageEntry* Resolver::satisfier(const Alternatives& clause, const Chosen& set) const {
  for (const Relation& alternative : clause)
    if (const PackageEntry* found = satisfier(alternative, set)) return found;
  return nullptr;
}

// apt's CompareProviders, less the parts that cannot differ here (installed, protected, native
// arch): the package named like the target, Essential, Important, Priority, later cache number.
bool Resolver::preferred(const PackageEntry* a, const PackageEntry* b, std::string_view target) const {
  bool a_named = a->name == target;
  bool b_named = b->name == target;
  if (a_named != b_named) return a_named;
  if (a->essential != b->essential) return a->essential;
  bool a_important = flagged_important(*a);
  bool b_important = flagged_important(*b);
  if (a_important != b_important) return a_important;
  int a_priority = priority_rank(a->priority);
  int b_priority = priority_rank(b->priority);
  if (a_priority != b_priority) return a_priority < b_priority;
  if (!m_numbers) m_numbers = apt_numbering(m_pool);
  size_t a_number = m_numbers->at(a->name);  // every entry numbers its own name
  size_t b_number = m_numbers->at(b->name);
  if (a_number != b_number) return a_number > b_number;
  return a->name < b->name;
}

std::vector<const PackageEntry*> Resolver::solutions(const Alternatives& clause) const {
  const std::string& arch = m_pool.arch();
  std::vector<const PackageEntry*> all;
  for (const Relation& alternative : clause) {
    Target target = target_of(alternative, arch);
    if (target.foreign) continue;
    std::vector<const PackageEntry*> options;
    if (const PackageEntry* real = candidate(target.name); real && met_by(alternative, *real, arch, false))
      options.push_back(real);
    for (const PackagePool::Provider& provider : m_pool.providers(target.name)) {
      const PackageEntry* entry = provider.entry;
      if (entry != candidate(entry->name) || !met_by(alternative, *entry, arch, false)) continue;
      if (std::find(options.begin(), options.end(), entry) == options.end()) options.push_back(entry);
    }
    // The real package keeps the group preference only for a plain name (apt's "name:any" is a
    // package of its own that nothing belongs to).
    std::string_view group = target.any ? std::string_view() : target.name;
    std::stable_sort(options.begin(), options.end(),
                     [&](const PackageEntry* a, const PackageEntry* b) { return preferred(a, b, group); });
    for (const PackageEntry* option : options)
      if (std::find(all.begin(), all.end(), option) == all.end()) all.push_back(option);
  }
  return all;
}

// The chosen packages that `option`'s own Conflicts and Breaks hit, each with the reason.
std::vector<std::pair<const PackageEntry*, std::string>> Resolver::conflicting_chosen(const PackageEntry& option) const {
  const std::string& arch = m_pool.arch();
  std::vector<std::pair<const PackageEntry*, std::string>> hits;
  for (const auto* field : {&option.conflicts, &option.breaks}) {
    std::string_view verb = field == &option.conflicts ? "conflicts with" : "breaks";
    for (const Alternatives& clause : *field)
      for (const Relation& relation : clause) {
        Target target = target_of(relation, arch);
        auto check = [&](const PackageEntry* other) {
          if (other->name == option.name || !met_by(relation, *other, arch, true)) return;
          if (std::any_of(hits.begin(), hits.end(), [&](const auto& hit) { return hit.first == other; })) return;
          hits.emplace_back(other, fmt::format("{} {} {} {}, which {} {} satisfies", option.name, option.version, verb,
                                               relation.str(), other->name, other->version));
        };
        if (auto it = m_chosen.find(target.name); it != m_chosen.end()) check(it->second);
        for (const PackagePool::Provider& provider : m_pool.providers(target.name)) {
          auto it = m_chosen.find(provider.entry->name);
          if (it != m_chosen.end() && it->second == provider.entry) check(provider.entry);
        }
      }
  }
  return hits;
}

// A chosen package whose Conflicts or Breaks hit `option`. apt would install `option` and leave
// the other broken for its problem resolver; wisp tries the next solution instead.
std::optional<std::string> Resolver::conflicted_by_chosen(const PackageEntry& option,
                                                          const std::vector<const PackageEntry*>& leaving) const {
  const std::string& arch = m_pool.arch();
  for (const auto& [name, chosen] : m_chosen) {
    if (name == option.name || std::find(leaving.begin(), leaving.end(), chosen) != leaving.end()) continue;
    for (const auto* field : {&chosen->conflicts, &chosen->breaks}) {
      std::string_view verb = field == &chosen->conflicts ? "conflicts with" : "breaks";
      for (const Alternatives& clause : *field)
        for (const Relation& relation : clause)
          if (met_by(relation, option, arch, true))
            return fmt::format("{} {} {} {}, which {} {} satisfies", chosen->name, chosen->version, verb,
                               relation.str(), option.name, option.version);
    }
  }
  return std::nullopt;
}

// What keeps `option` from being marked: a chosen package conflicting with it, or one it
// conflicts with that apt may not unmark (requested, protected or being processed). The
// others are unmarked as apt's MarkKeep does.
std::optional<std::string> Resolver::make_room(const PackageEntry& option) {
  std::vector<const PackageEntry*> leaving;
  for (const auto& [other, why] : conflicting_chosen(option)) {
    if (m_protected.contains(other->name) || m_in_progress.contains(other->name)) return why;
    leaving.push_back(other);
  }
  if (auto why = conflicted_by_chosen(option, leaving)) return why;
  for (const PackageEntry* other : leaving) unmark(*other);
  return std::nullopt;
}

std::string Resolver::why_not(const Relation& alternative) const {
  const std::string& arch = m_pool.arch();
  Target target = target_of(alternative, arch);
  if (target.foreign) return fmt::format("the pool holds only {} packages", arch);
  std::vector<std::string> offers;
  const auto& versions = m_pool.versions(target.name);
  const PackageEntry* real = candidate(target.name);
  if (!versions.empty() && real == nullptr)
    return fmt::format("{} {} cannot be installed (its own dependencies failed)", target.name,
                       versions.front()->version);
  auto allowed_note = [&](const PackageEntry& entry) {
    return target.any && !multi_arch_allowed(entry) ? " (not Multi-Arch: allowed)" : "";
  };
  if (real != nullptr) offers.push_back(fmt::format("{}{}", real->version, allowed_note(*real)));
  for (const PackagePool::Provider& provider : m_pool.providers(target.name)) {
    if (provider.entry != candidate(provider.entry->name)) continue;
    offers.push_back(fmt::format("{} {} providing {}{}{}", provider.entry->name, provider.entry->version,
                                 target.name, provider.version.empty() ? "" : " (= " + provider.version + ")",
                                 allowed_note(*provider.entry)));
  }
  if (offers.empty()) return fmt::format("there is no package {} for {}", target.name, arch);
  return fmt::format("only {} {} available for {}", join(offers, ", "), offers.size() == 1 ? "is" : "are", arch);
}

std::string Resolver::why_not(const Alternatives& clause) const {
  if (clause.size() == 1) return why_not(clause.front());
  std::vector<std::string> reasons;
  for (const Relation& alternative : clause)
    reasons.push_back(fmt::format("{}: {}", alternative.str(), why_not(alternative)));
  return fmt::format("no alternative can be installed ({})", join(reasons, "; "));
}

void Resolver::mark(const PackageEntry& entry, const PackageEntry* parent) {
  m_chosen[entry.name] = &entry;
  if (parent != nullptr) m_parent[entry.name] = parent->name;
}

// The parent link stays: what the package pulled in before failing stays too, and error chains
// should still lead back to a requested package.
void Resolver::unmark(const PackageEntry& entry) { m_chosen.erase(entry.name); }

std::optional<Failure> Resolver::mark_install(const PackageEntry& entry, const PackageEntry& parent, size_t depth,
                                               bool protect) {
  if (protect) m_protected.insert(entry.name);
  mark(entry, &parent);
  m_in_progress.insert(entry.name);
  std::optional<Failure> failure = install_dependencies(entry, depth);
  m_in_progress.erase(entry.name);
  if (failure && !m_protected.contains(entry.name)) {
    // apt discards the candidate of a package whose dependencies fail (what that package
    // already pulled in stays marked).
    unmark(entry);
    m_discarded.insert(entry.name);
  }
  return failure;
}

std::optional<Failure> Resolver::install_dependencies(const PackageEntry& entry, size_t depth) {
  const bool propagate = m_protected.contains(entry.name);
  for (const auto* field : {&entry.pre_depends, &entry.depends}) {
    const char* kind = field == &entry.pre_depends ? "pre-depends on" : "depends on";
    for (const Alternatives& clause : *field) {
      if (clause.empty()) continue;
      if (satisfier(clause, m_chosen) != nullptr) {
        // apt protects the only possible solution of a protected package's dependency and
        // walks it again, which spreads the protection.
        if (!propagate || depth >= kMaxDepth) continue;
        std::vector<const PackageEntry*> options = solutions(clause);
        if (options.size() != 1) continue;
        const PackageEntry& only = *options.front();
        auto chosen = m_chosen.find(only.name);
        if (chosen == m_chosen.end() || chosen->second != &only || m_protected.contains(only.name) ||
            m_in_progress.contains(only.name))
          continue;
        m_protected.insert(only.name);
        if (std::optional<Failure> failure = install_dependencies(only, depth + 1)) {
          failure->path.insert(failure->path.begin(), entry.name);
          return failure;
        }
        continue;
      }
      if (const PackageEntry* excluded = satisfier(clause, m_excluded)) {
        m_notes.push_back({entry.name, fmt::format("excluded {} (wanted by {}: {})", excluded->name, entry.name,
                                                   clause_text(clause))});
        continue;
      }
      std::optional<Failure> first;
      bool satisfied = false;
      std::vector<const PackageEntry*> options = solutions(clause);
      for (const PackageEntry* option : options) {
        std::optional<std::string> problem;
        if (depth >= kMaxDepth)
          problem = fmt::format("the dependency chain is deeper than {} packages", kMaxDepth);
        else if (++m_attempts > kMaxAttempts)
          problem = fmt::format("the resolution did not settle after {} attempts", kMaxAttempts);
        else
          problem = make_room(*option);
        if (problem) {
          if (!first) first = Failure{{entry.name}, kind, clause_text(clause), *problem};
          continue;
        }
        std::optional<Failure> failure = mark_install(*option, entry, depth + 1, propagate && options.size() == 1);
        if (!failure) {
          satisfied = true;
          break;
        }
        if (!first) {
          failure->path.insert(failure->path.begin(), entry.name);
          first = std::move(failure);
        }
      }
      if (satisfied) continue;
      if (!first) first = Failure{{entry.name}, kind, clause_text(clause), why_not(clause)};
      return first;
    }
  }
  return std::nullopt;
}

std::vector<std::string> Resolver::chain(const std::string& name) const {
  std::vector<std::string> path{name};
  while (path.size() <= m_chosen.size()) {  // parents never loop; the bound is a guard
    auto parent = m_parent.find(path.back());
    if (parent == m_parent.end()) break;
    path.push_back(parent->second);
  }
  std::reverse(path.begin(), path.end());
  return path;
}

// What apt leaves broken and hands to its problem resolver is an error here: a dependency left
// without its satisfier (possible after a failed package on a cycle) and Conflicts/Breaks
// between chosen packages (requested ones are marked before anything is checked).
Status Resolver::verify() const {
  const std::string& arch = m_pool.arch();
  for (const auto& [name, entry] : m_chosen) {
    for (const auto* field : {&entry->pre_depends, &entry->depends}) {
      const char* kind = field == &entry->pre_depends ? "pre-depends on" : "depends on";
      for (const Alternatives& clause : *field) {
        if (clause.empty() || satisfier(clause, m_chosen) || satisfier(clause, m_excluded)) continue;
        return std::unexpected(failure_error(Failure{chain(name), kind, clause_text(clause), why_not(clause)}));
      }
    }
  }
  for (const auto& [name, entry] : m_chosen) {
    for (const auto* field : {&entry->conflicts, &entry->breaks}) {
      std::string_view verb = field == &entry->conflicts ? "conflicts with" : "breaks";
      for (const Alternatives& clause : *field)
        for (const Relation& relation : clause)
          for (const auto& [other_name, other] : m_chosen) {
            if (other == entry || !met_by(relation, *other, arch, true)) continue;
            return fail(Errc::unsatisfiable, "conflicting packages: {} {} {} {}, and {} {} is needed too\n  {}\n  {}",
                        name, entry->version, verb, relation.str(), other_name, other->version,
                        join(chain(name), " -> "), join(chain(other_name), " -> "));
          }
    }
  }
  return {};
}

std::vector<const PackageEntry*> Resolver::install_order() const {
  std::vector<const PackageEntry*> nodes;  // by name, as m_chosen is sorted
  std::map<const PackageEntry*, size_t> index;
  for (const auto& [name, entry] : m_chosen) {
    index[entry] = nodes.size();
    nodes.push_back(entry);
  }
  std::vector<std::vector<size_t>> deps(nodes.size());
  for (size_t i = 0; i < nodes.size(); ++i)
    for (const auto* field : {&nodes[i]->pre_depends, &nodes[i]->depends})
      for (const Alternatives& clause : *field)
        if (const PackageEntry* found = satisfier(clause, m_chosen)) deps[i].push_back(index.at(found));
  std::vector<const PackageEntry*> ordered;
  for (size_t i : dependency_order(deps)) ordered.push_back(nodes[i]);
  return ordered;
}

Result<Relation> parse_request(std::string_view text) {
  std::string_view trimmed = trim(text);
  Relation relation;
  if (size_t eq = trimmed.find('='); eq != std::string_view::npos && trimmed.find('(') == std::string_view::npos) {
    std::string_view version = trim(trimmed.substr(eq + 1));
    TRY_ASSIGN(relation, parse_request(trimmed.substr(0, eq)));
    if (relation.op != RelOp::any || version.empty())
      return fail(Errc::usage, "bad package request '{}': expected name=version", text);
    relation.op = RelOp::eq;
    relation.version = std::string(version);
    return relation;
  }
  auto parsed = parse_relations(trimmed);
  if (!parsed || parsed->size() != 1 || parsed->front().size() != 1)
    return fail(Errc::usage, "bad package request '{}': expected name, name=version or name (op version)", text);
  return parsed->front().front();
}

Result<Resolved> Resolver::run(const ResolveRequest& request) {
  std::set<std::string, std::less<>> excluded(request.exclude.begin(), request.exclude.end());
  std::vector<const PackageEntry*> roots;
  for (const std::string& text : request.packages) {
    TRY_ASSIGN(Relation relation, parse_request(text));
    if (excluded.contains(relation.name))
      return fail(Errc::usage, "{} is both requested and excluded", relation.name);
    TRY_ASSIGN(const PackageEntry* entry, find_requested(text, relation));
    if (excluded.contains(entry->name))
      return fail(Errc::usage, "{} (for {}) is both requested and excluded", entry->name, text);
    auto same = std::find_if(roots.begin(), roots.end(), [&](const PackageEntry* e) { return e->name == entry->name; });
    if (same != roots.end()) {
      if (*same != entry)
        return fail(Errc::usage, "{} is requested at two versions ({} and {})", entry->name, (*same)->version,
                    entry->version);
      continue;
    }
    roots.push_back(entry);
  }
  for (const std::string& name : excluded)
    if (const PackageEntry* entry = candidate(name)) m_excluded[name] = entry;

  // apt-get marks every requested package first (protected: never unmarked for a conflict),
  // then follows each one's dependencies.
  for (const PackageEntry* root : roots) {
    mark(*root, nullptr);
    m_protected.insert(root->name);
  }
  for (const PackageEntry* root : roots)
    if (std::optional<Failure> failure = install_dependencies(*root, 0)) return std::unexpected(failure_error(*failure));
  TRY(verify());

  Resolved resolved;
  resolved.packages = install_order();
  std::set<std::string> seen;
  for (Note& note : m_notes)
    if (m_chosen.contains(note.owner) && seen.insert(note.text).second) resolved.notes.push_back(std::move(note.text));
  return resolved;
}

}  // namespace

void PackagePool::add(const PackageEntry* entry) {
  if (entry == nullptr || (entry->architecture != m_arch && entry->architecture != "all")) return;
  m_entries.push_back(entry);
  auto& list = m_versions[entry->name];
  // Highest first; an equal version keeps the entry added first ahead.
  auto at = std::find_if(list.begin(), list.end(),
                         [&](const PackageEntry* have) { return compare_versions(have->version, entry->version) < 0; });
  list.insert(at, entry);
  for (const Relation& provided : entry->provides)
    if (provides_here(provided, m_arch)) m_providers[provided.name].push_back({entry, provided_version(provided)});
}

const std::vector<const PackageEntry*>& PackagePool::versions(std::string_view name) const {
  static const std::vector<const PackageEntry*> kNone;
  auto it = m_versions.find(name);
  return it == m_versions.end() ? kNone : it->second;
}

const std::vector<PackagePool::Provider>& PackagePool::providers(std::string_view name) const {
  static const std::vector<Provider> kNone;
  auto it = m_providers.find(name);
  return it == m_providers.end() ? kNone : it->second;
}

Result<Resolved> resolve(const PackagePool& pool, const ResolveRequest& request) {
  return Resolver(pool).run(request);
}

}  // namespace wisp::pkg::deb
