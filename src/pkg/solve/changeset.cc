#include "pkg/solve/changeset.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace wisp::pkg::solve {

std::string format_changeset(const Changeset& changeset) {
  std::string out;
  for (const ChangesetEntry& entry : changeset.packages) {
    out += entry.package->name;
    out += '=';
    out += entry.package->version;
    out += '\n';
  }
  return out;
}

namespace {

const char* verb(ChangeKind kind) {
  switch (kind) {
    case ChangeKind::install: return "Installing";
    case ChangeKind::upgrade: return "Upgrading";
    case ChangeKind::downgrade: return "Downgrading";
    case ChangeKind::replace: return "Replacing";
    case ChangeKind::repin: return "Updating pinning";
    case ChangeKind::purge: return "Purging";
    case ChangeKind::keep: break;
  }
  return "";
}

}  // namespace

std::string format_changes(const Changeset& changeset) {
  size_t total = 0;
  for (const Change& change : changeset.changes) total += change.kind != ChangeKind::keep;
  const int width = static_cast<int>(std::to_string(total).size());
  std::string out;
  size_t done = 0;
  for (const Change& change : changeset.changes) {
    if (change.kind == ChangeKind::keep) continue;
    const apk::PackageInfo& named = change.new_package ? *change.new_package : *change.old_package;
    std::string tag = change.new_tag.empty() ? "" : "@" + std::string(change.new_tag);
    std::string versions;
    if (change.kind == ChangeKind::upgrade || change.kind == ChangeKind::downgrade ||
        change.kind == ChangeKind::replace)
      versions = change.old_package->version + " -> " + change.new_package->version;
    else
      versions = named.version;
    out += fmt::format("({:>{}}/{}) {} {}{} ({})\n", ++done, width, total, verb(change.kind),
                       named.name, tag, versions);
  }
  return out;
}

std::string format_changeset_json(const Changeset& changeset,
                                  std::span<const Repository> repositories) {
  nlohmann::json list = nlohmann::json::array();
  for (const ChangesetEntry& entry : changeset.packages) {
    const apk::PackageInfo& info = *entry.package;
    list.push_back({{"name", info.name},
                    {"version", info.version},
                    {"arch", info.arch},
                    {"repository", entry.repository < repositories.size()
                                       ? repositories[entry.repository].name
                                       : std::string()},
                    {"checksum", info.checksum}});
  }
  // Names and versions from an index may hold any bytes; replace what is not UTF-8.
  return list.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

namespace {

// A Graphviz double-quoted string.
std::string dot_string(std::string_view text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  out += '"';
  return out;
}

std::string label(const ChangesetEntry& entry) {
  return entry.package->name + "-" + entry.package->version;
}

}  // namespace

std::string format_changeset_dot(const Changeset& changeset) {
  std::string out = "digraph changeset {\n  rankdir=LR;\n  node [shape=box];\n";
  for (const ChangesetEntry& entry : changeset.packages) out += "  " + dot_string(label(entry)) + ";\n";
  for (const ChangesetEdge& edge : changeset.dependencies) {
    if (edge.from >= changeset.packages.size() || edge.to >= changeset.packages.size()) continue;
    out += "  " + dot_string(label(changeset.packages[edge.from])) + " -> " +
           dot_string(label(changeset.packages[edge.to]));
    if (edge.atom != changeset.packages[edge.to].package->name)
      out += " [label=" + dot_string(edge.atom) + "]";
    out += ";\n";
  }
  out += "}\n";
  return out;
}

}  // namespace wisp::pkg::solve
