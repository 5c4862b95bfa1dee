// .PKGINFO reading and writing, and the header lines of APKINDEX / installed-db blocks.
//
// Choices where the writers and readers out there disagree:
// - Repeated `license` lines: old melange wrote one line per copyright entry; current melange
//   writes a single line joined with " AND "; apk-tools keeps the last line, apko the first.
//   wisp joins them with " AND " (empty ones dropped), which gives what current melange writes
//   for the same package and loses nothing. The writer emits a single line.
// - List keys (depend, provides, replaces, install_if, triggers) may repeat and each value is
//   split on whitespace, as apk-tools does (`triggers = a b ` from melange, `install_if = a b`
//   from abuild).
// - Repeated scalar keys: the last one wins (apk-tools).
// - Tolerated: CR before LF, blank lines, `#` comments, and a bare `key =` whose trailing space
//   an editor stripped. Anything else without " = " is an error (apk-tools skips it silently,
//   but a .PKGINFO we are asked to read or sign should not hide garbage).
#include "pkg/apk/package_info.h"

#include <algorithm>

#include "base/strings.h"

namespace wisp::pkg::apk {

namespace {

/// A short printable rendering of a bad line for an error message.
std::string preview(std::string_view line) {
  constexpr size_t k_max = 60;
  std::string out;
  for (char c : line.substr(0, k_max)) {
    auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f) out += fmt::format("\\x{:02x}", u);
    else out += c;
  }
  if (line.size() > k_max) out += "...";
  return out;
}

std::string_view strip_cr(std::string_view line) {
  while (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  return line;
}

bool all_blank(std::string_view line) {
  return line.find_first_not_of(" \t") == std::string_view::npos;
}

void append_words(std::vector<std::string>& out, std::string_view value) {
  for (auto word : split_whitespace(value)) out.emplace_back(word);
}

/// A value as it may be written on one line: a newline would start a new field (and let a
/// description inject one), so it becomes a space.
std::string one_line(std::string_view value) {
  std::string out(value);
  std::replace(out.begin(), out.end(), '\n', ' ');
  return out;
}

std::string join_words(const std::vector<std::string>& words) {
  std::string out;
  for (const auto& w : words) {
    if (!out.empty()) out += ' ';
    out += one_line(w);
  }
  return out;
}

}  // namespace

Result<PackageInfo> parse_pkginfo(std::string_view text) {
  PackageInfo info;
  std::vector<std::string_view> licenses;
  size_t line_no = 0;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t eol = text.find('\n', pos);
    if (eol == std::string_view::npos) eol = text.size();
    std::string_view line = strip_cr(text.substr(pos, eol - pos));
    pos = eol + 1;
    ++line_no;
    if (line.empty() || line[0] == '#' || all_blank(line)) continue;

    std::string_view key, value;
    if (size_t sep = line.find(" = "); sep != std::string_view::npos) {
      key = line.substr(0, sep);
      value = line.substr(sep + 3);
    } else if (line.size() > 2 && line.ends_with(" =")) {
      key = line.substr(0, line.size() - 2);
    } else {
      return fail(Errc::bad_format, ".PKGINFO line {}: expected 'key = value', got '{}'", line_no,
                  preview(line));
    }
    if (key.empty())
      return fail(Errc::bad_format, ".PKGINFO line {}: empty key in '{}'", line_no, preview(line));

    auto number_error = [&](std::string_view what) {
      return fail(Errc::bad_format, ".PKGINFO line {}: {} '{}' is not {}", line_no, key,
                  preview(value), what);
    };
    auto set_i64 = [&](std::optional<int64_t>& field) -> Status {
      if (value.empty()) {
        field.reset();
        return {};
      }
      auto n = parse_i64(value);
      if (!n) return number_error("an integer");
      field = *n;
      return {};
    };

    if (key == "pkgname") info.name = value;
    else if (key == "pkgver") info.version = value;
    else if (key == "arch") info.arch = value;
    else if (key == "pkgdesc") info.description = value;
    else if (key == "url") info.url = value;
    else if (key == "license") {
      if (!value.empty()) licenses.push_back(value);
    } else if (key == "origin") info.origin = value;
    else if (key == "maintainer") info.maintainer = value;
    else if (key == "commit") info.commit = value;
    else if (key == "packager") info.packager = value;
    else if (key == "datahash") info.datahash = value;
    else if (key == "builddate") TRY(set_i64(info.build_time));
    else if (key == "size") {
      if (value.empty()) info.installed_size = 0;
      else if (auto n = parse_u64(value)) info.installed_size = *n;
      else return number_error("a byte count");
    } else if (key == "provider_priority") TRY(set_i64(info.provider_priority));
    else if (key == "replaces_priority") TRY(set_i64(info.replaces_priority));
    else if (key == "depend") append_words(info.depends, value);
    else if (key == "provides") append_words(info.provides, value);
    else if (key == "replaces") append_words(info.replaces, value);
    else if (key == "install_if") append_words(info.install_if, value);
    else if (key == "triggers") append_words(info.triggers, value);
    else info.extra.emplace_back(std::string(key), std::string(value));
  }
  for (auto l : licenses) {
    if (!info.license.empty()) info.license += " AND ";
    info.license += l;
  }
  if (info.name.empty()) return fail(Errc::bad_format, ".PKGINFO: no pkgname");
  if (info.version.empty()) return fail(Errc::bad_format, ".PKGINFO: {}: no pkgver", info.name);
  return info;
}

std::string format_pkginfo(const PackageInfo& info) {
  std::string out;
  auto line = [&](std::string_view key, std::string_view value) {
    out += key;
    out += " = ";
    out += one_line(value);
    out += '\n';
  };
  auto optional = [&](std::string_view key, std::string_view value) {
    if (!value.empty()) line(key, value);
  };
  line("pkgname", info.name);
  line("pkgver", info.version);
  optional("arch", info.arch);
  line("size", fmt::to_string(info.installed_size));
  optional("origin", info.origin);
  optional("pkgdesc", info.description);
  optional("url", info.url);
  optional("commit", info.commit);
  optional("maintainer", info.maintainer);
  optional("packager", info.packager);
  if (info.build_time) line("builddate", fmt::to_string(*info.build_time));
  optional("license", info.license);
  for (const auto& d : info.depends) line("depend", d);
  for (const auto& p : info.provides) line("provides", p);
  for (const auto& r : info.replaces) line("replaces", r);
  if (!info.install_if.empty()) line("install_if", join_words(info.install_if));
  if (info.provider_priority) line("provider_priority", fmt::to_string(*info.provider_priority));
  if (info.replaces_priority) line("replaces_priority", fmt::to_string(*info.replaces_priority));
  if (!info.triggers.empty()) line("triggers", join_words(info.triggers));
  for (const auto& [key, value] : info.extra) line(key, value);
  optional("datahash", info.datahash);
  return out;
}

std::string format_index_block(const PackageInfo& info, IndexBlockKind kind) {
  std::string out;
  out.reserve(256);
  auto line = [&](char letter, std::string_view value) {
    out += letter;
    out += ':';
    out += value;
    out += '\n';
  };
  auto text = [&](char letter, std::string_view value) {
    if (value.empty()) return;
    if (value.find('\n') == std::string_view::npos) line(letter, value);
    else line(letter, one_line(value));
  };
  auto list = [&](char letter, const std::vector<std::string>& words) {
    if (!words.empty()) line(letter, join_words(words));
  };
  text('C', info.checksum);
  line('P', one_line(info.name));
  line('V', one_line(info.version));
  text('A', info.arch);
  line('S', fmt::to_string(info.file_size));
  line('I', fmt::to_string(info.installed_size));
  text('T', info.description);
  text('U', info.url);
  text('L', info.license);
  text('o', info.origin);
  text('m', info.maintainer);
  if (info.build_time) line('t', fmt::to_string(*info.build_time));
  text('c', info.commit);
  if (info.provider_priority && *info.provider_priority != 0)
    line('k', fmt::to_string(*info.provider_priority));
  list('D', info.depends);
  list('p', info.provides);
  list('i', info.install_if);
  if (kind == IndexBlockKind::installed_db) {
    list('r', info.replaces);
    if (info.replaces_priority && *info.replaces_priority != 0)
      line('q', fmt::to_string(*info.replaces_priority));
  }
  return out;
}

}  // namespace wisp::pkg::apk
