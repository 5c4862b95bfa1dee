// .deb packages: open_deb, decompress_data and read_data_tar under small limits must never
// crash, and whatever they accept must satisfy the documented guarantees (clean relative
// paths, hardlinks to earlier files, limits).
#include <cstdint>
#include <cstdlib>
#include <set>
#include <string>
#include <string_view>

#include "pkg/deb/deb_file.h"

namespace {

using namespace wisp;
using namespace wisp::pkg::deb;

void check(bool ok) {
  if (!ok) std::abort();
}

bool clean(std::string_view path) {
  if (path.empty() || path.front() == '/' || path.back() == '/') return false;
  size_t start = 0;
  for (;;) {
    size_t slash = path.find('/', start);
    std::string_view part = path.substr(start, slash == std::string_view::npos ? slash : slash - start);
    if (part.empty() || part == "." || part == "..") return false;
    if (slash == std::string_view::npos) return true;
    start = slash + 1;
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  DebLimits limits{.max_control = 1 << 20, .max_data = 4 << 20, .max_entries = 1000};
  auto deb = open_deb(input, limits);
  if (!deb) return 0;
  check(deb->data_member.starts_with("data.tar"));
  check(deb->data.data() >= input.data() && deb->data.data() + deb->data.size() <= input.data() + size);
  auto tar = decompress_data(*deb, limits);
  if (!tar) return 0;
  check(tar->size() <= limits.max_data);
  std::set<std::string> files;
  size_t count = 0;
  auto status = read_data_tar(
      *tar,
      [&](const DebEntry& e, std::string_view content) -> Status {
        ++count;
        check(clean(e.path));
        if (e.type == io::TarType::file) {
          check(content.size() == e.size);
          files.insert(e.path);
        } else {
          check(content.empty());
        }
        if (e.type == io::TarType::hardlink) {
          check(files.contains(e.link_target));
          files.insert(e.path);
        }
        if (e.type == io::TarType::symlink) check(!e.link_target.empty());
        return {};
      },
      limits);
  check(count <= limits.max_entries);
  (void)status;
  return 0;
}
