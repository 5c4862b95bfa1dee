#include "pkg/deb/deb_file.h"

#include <optional>
#include <set>
#include <vector>

#include "io/ar.h"
#include "io/decompress.h"
#include "io/safe_path.h"

namespace wisp::pkg::deb {

namespace {

constexpr size_t k_max_members = 64;

/// "2.0\n", or a later minor version, possibly with more lines (deb(5): readers must accept
/// a higher minor number and extra lines, but stop on another major number).
Status check_debian_binary(std::string_view content) {
  std::string_view line = content.substr(0, content.find('\n'));
  if (line.size() < 3 || !line.starts_with("2.") ||
      line.substr(2).find_first_not_of("0123456789") != std::string_view::npos)
    return fail(Errc::bad_format, "debian-binary is not a 2.x format version ('{}')",
                line.substr(0, 16));
  if (content.find('\n') == std::string_view::npos)
    return fail(Errc::bad_format, "debian-binary does not end with a newline");
  return {};
}

/// "control.tar" or "data.tar" with an optional compression suffix. Errc::unsupported for an
/// unknown suffix (".bz2", ".lzma").
Result<std::optional<io::Codec>> tar_member_codec(std::string_view name, std::string_view stem) {
  if (!name.starts_with(stem)) return std::optional<io::Codec>();
  std::string_view rest = name.substr(stem.size());
  if (rest.empty()) return std::optional<io::Codec>(io::Codec::none);
  if (rest.front() != '.') return std::optional<io::Codec>();
  if (rest.find('.', 1) != std::string_view::npos)
    return fail(Errc::unsupported, "unsupported compression '{}' of member '{}'", rest, name);
  TRY_ASSIGN(io::Codec codec, io::codec_for_name(name));
  return std::optional<io::Codec>(codec);
}

/// Members deb(5) reserves for additions older readers must skip.
bool ignorable(const io::ArMember& m) { return m.name.starts_with('_'); }

Status read_control_tar(std::string_view tar, const DebLimits& limits, DebControl& out) {
  io::TarReader reader(tar, io::TarReaderOptions{.max_entry_size = limits.max_control});
  std::optional<std::string> control;
  std::set<std::string, std::less<>> seen;
  size_t count = 0;
  for (;;) {
    TRY_ASSIGN(auto entry, reader.next());
    if (!entry) break;
    if (++count > limits.max_entries)
      return fail(Errc::too_large, "more than {} entries in the control tar", limits.max_entries);
    auto cleaned = io::clean_archive_path(entry->path);
    if (!cleaned) return std::unexpected(cleaned.error().wrap("control tar entry"));
    const std::string& name = *cleaned;
    if (name == "." && entry->type == io::TarType::directory) continue;
    if (entry->type != io::TarType::file)
      return fail(Errc::bad_format, "control tar entry '{}' is not a regular file", entry->path);
    if (name == "." || name.find('/') != std::string::npos)
      return fail(Errc::bad_format, "control tar entry '{}' is not a top-level file", entry->path);
    if (!seen.insert(name).second) return fail(Errc::bad_format, "control tar has '{}' twice", name);
    std::string content(reader.content());
    if (name == "control") {
      control = std::move(content);
    } else if (name == "md5sums") {
      out.md5sums = std::move(content);
    } else if (name == "conffiles") {
      out.conffiles = std::move(content);
    } else {
      out.other.emplace(name, std::move(content));
    }
  }
  if (!control) return fail(Errc::bad_format, "control tar has no 'control' file");
  out.control = std::move(*control);
  return {};
}

}  // namespace

Result<DebArchive> open_deb(std::string_view bytes, const DebLimits& limits) {
  TRY_ASSIGN_CTX(std::vector<io::ArMember> members, io::read_ar(bytes, io::ArLimits{k_max_members}),
                 "not a .deb");
  if (members.empty() || members[0].name != "debian-binary")
    return fail(Errc::bad_format, "the first member of a .deb must be 'debian-binary'");
  TRY(check_debian_binary(members[0].content));

  const io::ArMember* control = nullptr;
  const io::ArMember* data = nullptr;
  std::optional<io::Codec> control_codec;
  for (size_t i = 1; i < members.size() && !data; ++i) {
    const io::ArMember& m = members[i];
    if (ignorable(m)) continue;
    TRY_ASSIGN(auto as_control, tar_member_codec(m.name, "control.tar"));
    TRY_ASSIGN(auto as_data, tar_member_codec(m.name, "data.tar"));
    if (as_control && !control) {
      control = &m;
      control_codec = as_control;
    } else if (as_data && control) {
      data = &m;
    } else {
      return fail(Errc::bad_format, "unexpected member '{}' at position {} (expected {})", m.name,
                  i, control ? "data.tar.*" : "control.tar.*");
    }
  }
  // Members after data.tar are ignored, as deb(5) asks of current readers.
  if (!control) return fail(Errc::bad_format, "no control.tar member");
  if (!data) return fail(Errc::bad_format, "no data.tar member");

  DebArchive deb;
  TRY_ASSIGN_CTX(std::string control_tar, io::decompress(control->content, *control_codec, limits.max_control),
                 "{}", control->name);
  TRY_CTX(read_control_tar(control_tar, limits, deb.control), "{}", control->name);
  deb.data_member = std::string(data->name);
  deb.data = data->content;
  return deb;
}

Result<std::string> decompress_data(const DebArchive& deb, const DebLimits& limits) {
  TRY_ASSIGN_CTX(io::Codec codec, io::codec_for_name(deb.data_member), "{}", deb.data_member);
  return with_context(io::decompress(deb.data, codec, limits.max_data), deb.data_member);
}

namespace {

/// Checks data tar entries one by one: safe paths, no writes through the package's own
/// symlinks, hardlinks only to earlier regular files.
class DataTarChecker {
 public:
  /// The entry as handed to callers; nullopt for the root directory.
  Result<std::optional<DebEntry>> check(const io::TarEntry& e) {
    TRY_ASSIGN(std::string path, io::clean_archive_path(e.path));
    if (path == ".") {
      if (e.type != io::TarType::directory)
        return fail(Errc::bad_format, "the archive root is not a directory");
      return std::optional<DebEntry>();
    }
    TRY(m_guard.check(path));
    DebEntry out;
    out.type = e.type;
    switch (e.type) {
      case io::TarType::symlink:
        if (e.link_target.empty()) return fail(Errc::bad_format, "symlink without a target");
        out.link_target = e.link_target;
        m_guard.add_symlink(path);
        break;
      case io::TarType::hardlink: {
        TRY_ASSIGN_CTX(out.link_target, io::clean_archive_path(e.link_target), "hardlink target");
        auto target = m_seen.find(out.link_target);
        if (target == m_seen.end() || target->second != io::TarType::file)
          return fail(Errc::unsafe_path, "hardlink to '{}', which is not an earlier regular file",
                      e.link_target);
        TRY_CTX(m_guard.check(out.link_target), "hardlink target");
        break;
      }
      default: break;
    }
    auto [seen, fresh] = m_seen.emplace(path, e.type);
    if (!fresh) {
      if (seen->second != io::TarType::directory || e.type != io::TarType::directory)
        return fail(Errc::bad_format, "duplicate path");
    }
    // A hardlink stands for a regular file, so links to it are fine too.
    if (e.type == io::TarType::hardlink) seen->second = io::TarType::file;
    out.path = std::move(path);
    out.mode = e.mode & 07777;
    out.uid = e.uid;
    out.gid = e.gid;
    out.uname = e.uname;
    out.gname = e.gname;
    out.mtime = e.mtime;
    out.size = e.size;
    out.devmajor = e.devmajor;
    out.devminor = e.devminor;
    return std::optional<DebEntry>(std::move(out));
  }

 private:
  io::SymlinkGuard m_guard;
  std::map<std::string, io::TarType, std::less<>> m_seen;
};

}  // namespace

Status read_data_tar(std::string_view tar, const DebEntryFn& fn, const DebLimits& limits) {
  io::TarReader reader(tar, io::TarReaderOptions{.max_entry_size = limits.max_data});
  DataTarChecker checker;
  size_t count = 0;
  for (;;) {
    TRY_ASSIGN_CTX(auto entry, reader.next(), "data tar");
    if (!entry) return {};
    if (++count > limits.max_entries)
      return fail(Errc::too_large, "more than {} entries in the data tar", limits.max_entries);
    TRY_ASSIGN_CTX(auto checked, checker.check(*entry), "data tar entry '{}'", entry->path);
    if (!checked) continue;
    TRY(fn(*checked, reader.content()));
  }
}

}  // namespace wisp::pkg::deb
