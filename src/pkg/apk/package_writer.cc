// Writing .apk v2 packages the way apk-tools expects them (apk-format.md §1, pitfalls 1-7):
// data tar with an end marker and PAX SHA-1 records, control and signature tars "cut" (no end
// marker), each part its own single gzip member, hashes over the compressed members.
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <ctime>
#include <map>
#include <system_error>

#include "base/digest.h"
#include "base/encoding.h"
#include "base/file.h"
#include "io/gzip.h"
#include "io/sink.h"
#include "io/tar.h"
#include "pkg/apk/package.h"

namespace wisp::pkg::apk {

namespace {

namespace fs = std::filesystem;

constexpr std::string_view k_checksum_record = "APK-TOOLS.checksum.SHA1";

struct Owner {
  uint32_t uid = 0;
  uint32_t gid = 0;
};

std::string user_name(uint32_t id) { return id == 0 ? "root" : ""; }

Status check_meta(const PackageInfo& meta) {
  if (meta.name.empty()) return fail(Errc::usage, "package name is missing");
  if (meta.version.empty()) return fail(Errc::usage, "package version is missing");
  if (meta.arch.empty()) return fail(Errc::usage, "package arch is missing");
  auto bad = [](std::string_view s) { return s.find_first_of("\r\n") != std::string_view::npos; };
  const std::pair<std::string_view, const std::string*> fields[] = {
      {"name", &meta.name},       {"version", &meta.version},         {"arch", &meta.arch},
      {"description", &meta.description}, {"url", &meta.url},       {"license", &meta.license},
      {"origin", &meta.origin},   {"maintainer", &meta.maintainer},   {"commit", &meta.commit},
      {"packager", &meta.packager}};
  for (const auto& [field, value] : fields) {
    if (bad(*value)) return fail(Errc::usage, "package {} contains a line break", field);
  }
  const std::pair<std::string_view, const std::vector<std::string>*> lists[] = {
      {"depends", &meta.depends},     {"provides", &meta.provides}, {"install_if", &meta.install_if},
      {"replaces", &meta.replaces},   {"triggers", &meta.triggers}};
  for (const auto& [field, values] : lists) {
    for (const auto& v : *values) {
      if (v.empty() || v.find_first_of(" \t\r\n") != std::string::npos)
        return fail(Errc::usage, "package {} entry '{}' is empty or contains whitespace", field, v);
    }
  }
  for (const auto& [key, value] : meta.extra) {
    if (bad(key) || bad(value)) return fail(Errc::usage, ".PKGINFO field '{}' contains a line break", key);
  }
  return {};
}

struct InputEntry {
  std::string rel;  // path inside the package
  fs::path full;
  struct stat st {};
};

/// Every path under `dir`, sorted by bytes, so parents precede children and output is stable.
Result<std::vector<InputEntry>> walk(const fs::path& dir) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return fail(Errc::not_found, "{}: not a directory", dir.string());
  std::vector<InputEntry> out;
  fs::recursive_directory_iterator it(dir, fs::directory_options::none, ec);
  if (ec) return fail(Errc::io, "{}: {}", dir.string(), ec.message());
  for (; it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (ec) return fail(Errc::io, "{}: {}", dir.string(), ec.message());
    InputEntry e;
    e.full = it->path();
    e.rel = e.full.lexically_relative(dir).generic_string();
    if (::lstat(e.full.c_str(), &e.st) != 0)
      return fail(Errc::io, "{}: {}", e.full.string(), std::strerror(errno));
    out.push_back(std::move(e));
  }
  if (ec) return fail(Errc::io, "{}: {}", dir.string(), ec.message());
  std::sort(out.begin(), out.end(), [](const InputEntry& a, const InputEntry& b) { return a.rel < b.rel; });
  return out;
}

Result<std::string> read_link(const fs::path& path) {
  std::error_code ec;
  fs::path target = fs::read_symlink(path, ec);
  if (ec) return fail(Errc::io, "{}: {}", path.string(), ec.message());
  return target.string();
}

struct DataResult {
  std::string compressed;
  uint64_t installed_size = 0;
};

Result<DataResult> write_data(const fs::path& dir, const PackageWriteOptions& options) {
  TRY_ASSIGN(std::vector<InputEntry> inputs, walk(dir));
  std::string tar;
  io::StringSink sink(tar);
  io::TarWriter writer(sink);
  std::map<std::pair<dev_t, ino_t>, std::string> inodes;  // first path of each multiply-linked file
  DataResult result;
  for (const auto& in : inputs) {
    if (in.rel.starts_with('.'))
      return fail(Errc::unsupported, "{}: names starting with '.' at the top level are ignored by apk",
                  in.full.string());
    io::TarEntry e;
    e.path = in.rel;
    e.mode = in.st.st_mode & 07777;
    Owner owner;
    if (options.owner) owner = {options.owner->first, options.owner->second};
    else if (options.keep_owner) owner = {in.st.st_uid, in.st.st_gid};
    e.uid = owner.uid;
    e.gid = owner.gid;
    e.uname = user_name(owner.uid);
    e.gname = user_name(owner.gid);
    e.mtime = in.st.st_mtim.tv_sec;
    if (options.source_date_epoch) e.mtime = std::min<int64_t>(e.mtime, *options.source_date_epoch);
    std::string content;
    switch (in.st.st_mode & S_IFMT) {
      case S_IFDIR:
        e.type = io::TarType::directory;
        break;
      case S_IFLNK: {
        e.type = io::TarType::symlink;
        TRY_ASSIGN(e.link_target, read_link(in.full));
        e.pax.emplace(k_checksum_record, hex_encode(sha1(e.link_target)));
        break;
      }
      case S_IFREG: {
        auto key = std::make_pair(in.st.st_dev, in.st.st_ino);
        if (in.st.st_nlink > 1) {
          auto [it, first] = inodes.emplace(key, in.rel);
          if (!first) {
            e.type = io::TarType::hardlink;
            e.link_target = it->second;
            break;
          }
        }
        e.type = io::TarType::file;
        TRY_ASSIGN(content, read_file(in.full));
        e.size = content.size();
        e.pax.emplace(k_checksum_record, hex_encode(sha1(content)));
        result.installed_size += content.size();
        break;
      }
      case S_IFSOCK:
        return fail(Errc::unsupported, "{}: sockets cannot be packaged", in.full.string());
      case S_IFIFO:
        return fail(Errc::unsupported, "{}: fifos cannot be packaged", in.full.string());
      default:
        return fail(Errc::unsupported, "{}: device nodes cannot be packaged", in.full.string());
    }
    TRY_CTX(writer.add(e, content), "{}", in.full.string());
  }
  TRY(writer.finish());
  result.compressed = io::gzip_compress(tar, options.compression_level);
  return result;
}

io::TarEntry control_entry(std::string name, uint64_t size, int64_t mtime, uint32_t mode) {
  io::TarEntry e;
  e.path = std::move(name);
  e.type = io::TarType::file;
  e.mode = mode;
  e.uname = "root";
  e.gname = "root";
  e.mtime = mtime;
  e.size = size;
  return e;
}

}  // namespace

Result<std::string> write_package(const PackageInfo& meta, const std::filesystem::path& dir,
                                  const PackageWriteOptions& options) {
  TRY(check_meta(meta));
  for (const auto& [name, text] : options.scripts) {
    if (!is_known_script_name(name))
      return fail(Errc::usage, "unknown script '{}' (expected .pre-install, .post-install, "
                  ".pre-deinstall, .post-deinstall, .pre-upgrade, .post-upgrade or .trigger)", name);
  }
  TRY_ASSIGN(DataResult data, write_data(dir, options));

  PackageInfo info = meta;
  info.installed_size = data.installed_size;
  info.datahash = hex_encode(sha256(data.compressed));
  info.checksum.clear();
  info.file_size = 0;
  int64_t build_time = info.build_time.value_or(static_cast<int64_t>(std::time(nullptr)));
  if (options.source_date_epoch) build_time = std::min(build_time, *options.source_date_epoch);
  info.build_time = build_time;
  std::string pkginfo = format_pkginfo(info);

  std::string control_tar;
  {
    io::StringSink sink(control_tar);
    io::TarWriter writer(sink);
    TRY(writer.add(control_entry(".PKGINFO", pkginfo.size(), build_time, 0644), pkginfo));
    for (const auto& [name, text] : options.scripts)
      TRY(writer.add(control_entry(name, text.size(), build_time, 0755), text));
    // No finish(): the control tar is "cut" so the data member continues the same tar stream.
  }
  std::string control = io::gzip_compress(control_tar, options.compression_level);

  std::string out;
  if (options.key) {
    TRY_ASSIGN_CTX(std::string signature, options.key->sign(options.sign_alg, control),
                   "signing with {}", options.key->name());
    std::string sign_tar;
    io::StringSink sink(sign_tar);
    io::TarWriter writer(sink);
    std::string name = fmt::format(".SIGN.{}.{}", sign_alg_tag(options.sign_alg), options.key->name());
    TRY(writer.add(control_entry(name, signature.size(), build_time, 0644), signature));
    out = io::gzip_compress(sign_tar, options.compression_level);
  }
  out += control;
  out += data.compressed;
  return out;
}

}  // namespace wisp::pkg::apk
