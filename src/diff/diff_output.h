// How `wisp diff` prints an ImageDiff: chainctl's DiffImageResponse JSON (plus an "image"
// object chainctl does not have), markdown tables for pull requests, or a short text summary.
#pragma once

#include <cstdint>
#include <string>

#include "diff/image_diff.h"

namespace wisp::diff {

/// {"packages":{"added":[{name,version,reference}],"removed":[...],"changed":[{name,
/// current:{version,reference},previous:{version,reference}}]},"vulnerabilities":{"added":
/// [{id,reference,severity}],"removed":[...]},"image":{"from":{...},"to":{...},"sizeDelta",
/// "layersDelta"},"warnings":[...]}, indented, ending in a newline. Lists are always present
/// (empty when nothing differs); "vulnerabilities" only when they were compared.
std::string write_json(const ImageDiff& diff);

/// Headings and tables (image facts, packages added/removed/changed, vulnerabilities,
/// warnings); cells escape '|'.
std::string write_markdown(const ImageDiff& diff);

/// A few lines for a terminal: both images, the deltas, one "+ / - / ~" line per package and
/// vulnerability, then the warnings.
std::string write_text(const ImageDiff& diff);

/// "0 B", "999 B", "1.2 kB", "3.4 MB", "1.0 GB" (SI units, as docker prints image sizes).
std::string human_size(uint64_t bytes);

/// `after - before` as "+1.2 kB", "-300 B" or "0 B".
std::string human_size_delta(uint64_t before, uint64_t after);

}  // namespace wisp::diff
