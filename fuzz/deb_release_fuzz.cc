// What a Debian repository sends before any signature is checked, and what users write: the
// clearsigned armor of InRelease, Release files, sources.list lines. None may crash; a parsed
// line keeps its invariants (flat suites take no components, dists suites need one).
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "pkg/deb/release.h"
#include "pkg/deb/source_line.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > 64 * 1024) return 0;
  std::string_view input(reinterpret_cast<const char*>(data), size);
  if (auto text = wisp::pkg::deb::clearsigned_text(input)) (void)wisp::pkg::deb::parse_release(*text);
  if (auto release = wisp::pkg::deb::parse_release(input)) {
    for (const auto& [path, file] : release->files)
      if (file.sha256.size() != 64 || path.empty()) std::abort();
  }
  if (auto line = wisp::pkg::deb::parse_source_line(input)) {
    if (line->flat() != line->components.empty()) std::abort();
    if (line->uri.empty()) std::abort();
    (void)line->release_dir();
  }
  return 0;
}
