#include "pkg/deb/source_line.h"

#include "base/strings.h"

namespace wisp::pkg::deb {

std::string SourceLine::release_dir() const {
  if (!flat()) return uri + "/dists/" + suite;
  std::string_view dir = suite;
  while (dir.starts_with("./")) dir.remove_prefix(2);
  while (dir.ends_with('/')) dir.remove_suffix(1);
  return dir.empty() || dir == "." ? uri : uri + "/" + std::string(dir);
}

Result<SourceLine> parse_source_line(std::string_view text) {
  SourceLine out;
  out.line = std::string(trim(text));
  auto bad = [&](std::string_view why) {
    return fail(Errc::usage, "repository '{}': {}", out.line, why);
  };
  std::string_view rest = trim(text);
  if (!rest.starts_with("deb ") && !rest.starts_with("deb\t"))
    return bad("a Debian repository line starts with 'deb' (deb-src lines have no binaries)");
  rest = trim(rest.substr(3));
  if (rest.starts_with('[')) {
    size_t close = rest.find(']');
    if (close == std::string_view::npos) return bad("'[' without ']'");
    for (std::string_view option : split_whitespace(rest.substr(1, close - 1))) {
      size_t eq = option.find('=');
      if (eq == std::string_view::npos) return bad(fmt::format("option '{}' has no value", option));
      std::string_view key = option.substr(0, eq), value = option.substr(eq + 1);
      if (key.ends_with('+') || key.ends_with('-')) key.remove_suffix(1);
      if (key == "signed-by") {
        if (value.empty() || value.find('/') == std::string_view::npos)
          return bad("signed-by must name a keyring file by its absolute path (fingerprints are not supported)");
        out.signed_by = std::string(value);
      } else if (key == "trusted") {
        if (value != "yes" && value != "no") return bad("trusted must be yes or no");
        out.trusted = value == "yes";
      } else if (key == "arch") {
        for (std::string_view a : split(value, ','))
          if (!a.empty()) out.archs.emplace_back(a);
      } else if (key == "lang" || key == "target" || key == "check-valid-until" || key == "by-hash" ||
                 key == "pdiffs") {
        // Index selection and freshness details apt uses; they change nothing for wisp.
      } else {
        return bad(fmt::format("unsupported option '{}'", key));
      }
    }
    rest = trim(rest.substr(close + 1));
  }
  std::vector<std::string_view> words = split_whitespace(rest);
  if (words.size() < 2) return bad("expected 'deb [options] URI SUITE [COMPONENT...]'");
  std::string_view uri = words[0];
  while (uri.size() > 1 && uri.ends_with('/')) uri.remove_suffix(1);
  out.uri = std::string(uri);
  out.suite = std::string(words[1]);
  for (size_t i = 2; i < words.size(); ++i) out.components.emplace_back(words[i]);
  if (out.flat() && !out.components.empty())
    return bad("a flat repository (suite ending in '/') takes no components");
  if (!out.flat() && out.components.empty()) return bad("no component after the suite (e.g. 'main')");
  for (const std::string& c : out.components)
    if (c.find("..") != std::string::npos) return bad(fmt::format("component '{}' is not a plain name", c));
  if (out.suite.find("..") != std::string::npos) return bad("the suite may not contain '..'");
  return out;
}

}  // namespace wisp::pkg::deb
