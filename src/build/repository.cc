#include "base/strings.h"
#include "build/image_config.h"

namespace wisp::build {

Result<RepositoryRef> parse_repository(std::string_view line) {
  RepositoryRef ref;
  if (line.starts_with("deb ")) {
    ref.is_debian = true;
    ref.url = std::string(trim(line));
    return ref;
  }
  // apko splits on single spaces: exactly one word, or "@tag url".
  std::vector<std::string_view> parts = split(line, ' ');
  std::string_view url;
  if (parts.size() == 1) {
    url = parts[0];
  } else if (parts.size() == 2) {
    if (!parts[0].starts_with('@') || parts[0].size() < 2)
      return fail(Errc::usage, "repository '{}': the tag must look like '@name'", line);
    ref.tag = std::string(parts[0].substr(1));
    url = parts[1];
  } else {
    return fail(Errc::usage, "repository '{}': expected 'url' or '@tag url'", line);
  }
  while (!url.empty() && url.back() == '/') url.remove_suffix(1);
  if (url.empty()) return fail(Errc::usage, "repository '{}' has no URL or path", line);
  ref.url = std::string(url);
  return ref;
}

}  // namespace wisp::build
