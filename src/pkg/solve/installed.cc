#include "pkg/solve/installed.h"

#include "pkg/apk/index.h"

namespace wisp::pkg::solve {

Result<std::vector<InstalledPackage>> parse_installed_db(std::string_view text) {
  TRY_ASSIGN(auto infos, apk::parse_index_text(text));

  // parse_index_text keeps no `s:` (an installed-db field): read it here, block by block, with
  // the same block rules (a blank or whitespace-only line ends a block).
  std::vector<std::string> tags;
  bool in_block = false;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t eol = text.find('\n', pos);
    if (eol == std::string_view::npos) eol = text.size();
    std::string_view line = text.substr(pos, eol - pos);
    pos = eol + 1;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.find_first_not_of(" \t") == std::string_view::npos) {
      in_block = false;
      continue;
    }
    if (!in_block) {
      in_block = true;
      tags.emplace_back();
    }
    if (line.starts_with("s:")) {
      line.remove_prefix(2);
      if (line.starts_with("@")) line.remove_prefix(1);
      tags.back() = line;
    }
  }
  if (tags.size() != infos.size())
    return fail(Errc::internal, "installed db: {} blocks but {} packages", tags.size(), infos.size());

  std::vector<InstalledPackage> out;
  out.reserve(infos.size());
  for (size_t i = 0; i < infos.size(); ++i)
    out.push_back(InstalledPackage{.info = std::move(infos[i]), .tag = std::move(tags[i])});
  return out;
}

}  // namespace wisp::pkg::solve
