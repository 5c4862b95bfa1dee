#include "diff/diff_output.h"

#include <array>
#include <cstdint>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace wisp::diff {
namespace {

using nlohmann::ordered_json;

ordered_json package_json(const PackageEntry& entry) {
  return {{"name", entry.name}, {"version", entry.version}, {"reference", entry.reference}};
}

ordered_json version_json(const PackageVersion& version) {
  return {{"version", version.version}, {"reference", version.reference}};
}

ordered_json vulnerability_json(const VulnerabilityEntry& entry) {
  return {{"id", entry.id}, {"reference", entry.reference}, {"severity", entry.severity}};
}

template <typename T, typename F>
ordered_json array_of(const std::vector<T>& items, F&& to_json) {
  ordered_json out = ordered_json::array();
  for (const auto& item : items) out.push_back(to_json(item));
  return out;
}

ordered_json facts_json(const ImageFacts& facts) {
  ordered_json out = ordered_json::object();
  if (!facts.location.empty()) out["location"] = facts.location;
  out["digest"] = facts.digest;
  out["arch"] = facts.arch;
  out["os"] = facts.os;
  out["layers"] = facts.layers;
  out["size"] = facts.size;
  out["packages"] = facts.packages;
  return out;
}

int64_t delta(uint64_t before, uint64_t after) {
  return after >= before ? static_cast<int64_t>(after - before) : -static_cast<int64_t>(before - after);
}

std::string signed_count(size_t before, size_t after) {
  int64_t d = delta(before, after);
  return d > 0 ? fmt::format("+{}", d) : fmt::format("{}", d);
}

std::string cell(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == '|') out += '\\';
    out += c == '\n' ? ' ' : c;
  }
  return out;
}

std::string code_cell(std::string_view text) { return text.empty() ? std::string{} : fmt::format("`{}`", cell(text)); }

std::string image_name(const ImageFacts& facts, std::string_view fallback) {
  return facts.location.empty() ? std::string{fallback} : facts.location;
}

}  // namespace

std::string human_size(uint64_t bytes) {
  static constexpr std::array<const char*, 5> k_units = {"kB", "MB", "GB", "TB", "PB"};
  if (bytes < 1000) return fmt::format("{} B", bytes);
  double value = static_cast<double>(bytes) / 1000.0;
  size_t unit = 0;
  while (value >= 999.95 && unit + 1 < k_units.size()) {
    value /= 1000.0;
    ++unit;
  }
  return fmt::format("{:.1f} {}", value, k_units[unit]);
}

std::string human_size_delta(uint64_t before, uint64_t after) {
  if (after == before) return "0 B";
  return after > before ? "+" + human_size(after - before) : "-" + human_size(before - after);
}

std::string write_json(const ImageDiff& diff) {
  ordered_json doc = ordered_json::object();
  doc["packages"] = {{"added", array_of(diff.added, package_json)},
                     {"removed", array_of(diff.removed, package_json)},
                     {"changed", array_of(diff.changed, [](const PackageChange& change) {
                        return ordered_json{{"name", change.name},
                                            {"current", version_json(change.current)},
                                            {"previous", version_json(change.previous)}};
                      })}};
  if (diff.vulnerabilities_compared)
    doc["vulnerabilities"] = {{"added", array_of(diff.vulnerabilities_added, vulnerability_json)},
                              {"removed", array_of(diff.vulnerabilities_removed, vulnerability_json)}};
  doc["image"] = {{"from", facts_json(diff.from)},
                  {"to", facts_json(diff.to)},
                  {"sizeDelta", delta(diff.from.size, diff.to.size)},
                  {"layersDelta", delta(diff.from.layers, diff.to.layers)}};
  doc["warnings"] = diff.warnings;
  return doc.dump(2) + "\n";
}

std::string write_markdown(const ImageDiff& diff) {
  std::string out = "## Image diff\n\n";
  out += "| | FROM | TO | change |\n|---|---|---|---|\n";
  out += fmt::format("| image | {} | {} | |\n", cell(image_name(diff.from, "")), cell(image_name(diff.to, "")));
  out += fmt::format("| digest | {} | {} | |\n", code_cell(diff.from.digest), code_cell(diff.to.digest));
  out += fmt::format("| os | {} | {} | |\n", cell(diff.from.os), cell(diff.to.os));
  out += fmt::format("| size | {} | {} | {} |\n", human_size(diff.from.size), human_size(diff.to.size),
                     human_size_delta(diff.from.size, diff.to.size));
  out += fmt::format("| layers | {} | {} | {} |\n", diff.from.layers, diff.to.layers,
                     signed_count(diff.from.layers, diff.to.layers));
  out += fmt::format("| packages | {} | {} | {} |\n", diff.from.packages, diff.to.packages,
                     signed_count(diff.from.packages, diff.to.packages));

  auto package_table = [&](std::string_view title, const std::vector<PackageEntry>& entries) {
    out += fmt::format("\n### {} packages ({})\n\n", title, entries.size());
    if (entries.empty()) {
      out += "None.\n";
      return;
    }
    out += "| Name | Version | Reference |\n|---|---|---|\n";
    for (const auto& e : entries)
      out += fmt::format("| {} | {} | {} |\n", cell(e.name), cell(e.version), code_cell(e.reference));
  };
  package_table("Added", diff.added);
  package_table("Removed", diff.removed);
  out += fmt::format("\n### Changed packages ({})\n\n", diff.changed.size());
  if (diff.changed.empty()) {
    out += "None.\n";
  } else {
    out += "| Name | Previous | Current |\n|---|---|---|\n";
    for (const auto& c : diff.changed)
      out += fmt::format("| {} | {} | {} |\n", cell(c.name), cell(c.previous.version), cell(c.current.version));
  }

  if (diff.vulnerabilities_compared) {
    auto vulnerability_table = [&](std::string_view title, const std::vector<VulnerabilityEntry>& entries) {
      out += fmt::format("\n### {} vulnerabilities ({})\n\n", title, entries.size());
      if (entries.empty()) {
        out += "None.\n";
        return;
      }
      out += "| ID | Severity | Reference |\n|---|---|---|\n";
      for (const auto& e : entries)
        out += fmt::format("| {} | {} | {} |\n", cell(e.id), cell(e.severity), code_cell(e.reference));
    };
    vulnerability_table("Added", diff.vulnerabilities_added);
    vulnerability_table("Removed", diff.vulnerabilities_removed);
  }
  if (!diff.warnings.empty()) {
    out += "\n### Warnings\n\n";
    for (const auto& w : diff.warnings) out += fmt::format("- {}\n", cell(w));
  }
  return out;
}

std::string write_text(const ImageDiff& diff) {
  std::string out;
  auto image_line = [&](std::string_view label, const ImageFacts& f) {
    std::string what = f.arch;
    if (!f.os.empty()) what += (what.empty() ? "" : ", ") + f.os;
    out += fmt::format("{} {}{}{}: {} package{}, {} layer{}, {}\n", label, image_name(f, f.digest),
                       f.location.empty() || f.digest.empty() ? "" : "@" + f.digest,
                       what.empty() ? "" : " (" + what + ")", f.packages, f.packages == 1 ? "" : "s", f.layers,
                       f.layers == 1 ? "" : "s", human_size(f.size));
  };
  image_line("FROM", diff.from);
  image_line("TO  ", diff.to);
  out += fmt::format("size {}, layers {}\n", human_size_delta(diff.from.size, diff.to.size),
                     signed_count(diff.from.layers, diff.to.layers));
  out += fmt::format("packages: {} added, {} removed, {} changed\n", diff.added.size(), diff.removed.size(),
                     diff.changed.size());
  for (const auto& e : diff.added) out += fmt::format("  + {} {}\n", e.name, e.version);
  for (const auto& e : diff.removed) out += fmt::format("  - {} {}\n", e.name, e.version);
  for (const auto& c : diff.changed)
    out += fmt::format("  ~ {} {} -> {}\n", c.name, c.previous.version, c.current.version);
  if (diff.vulnerabilities_compared) {
    out += fmt::format("vulnerabilities: {} added, {} removed\n", diff.vulnerabilities_added.size(),
                       diff.vulnerabilities_removed.size());
    for (const auto& e : diff.vulnerabilities_added) out += fmt::format("  + {} ({})\n", e.id, e.severity);
    for (const auto& e : diff.vulnerabilities_removed) out += fmt::format("  - {} ({})\n", e.id, e.severity);
  }
  for (const auto& w : diff.warnings) out += fmt::format("warning: {}\n", w);
  return out;
}

}  // namespace wisp::diff
