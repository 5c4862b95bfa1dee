// Reading and verifying .apk v2 packages, following apk-tools' extract_v2.c rules
// (apk-format.md §1) with stricter checks where apk-tools would fail later anyway.
#include <algorithm>
#include <array>
#include <map>

#include "base/digest.h"
#include "base/encoding.h"
#include "base/file.h"
#include "io/gzip.h"
#include "io/safe_path.h"
#include "io/tar.h"
#include "pkg/apk/package.h"

namespace wisp::pkg::apk {

namespace {

constexpr std::string_view k_sign_prefix = ".SIGN.";
constexpr std::string_view k_checksum_record = "APK-TOOLS.checksum.SHA1";
constexpr std::string_view k_xattr_prefix = "SCHILY.xattr.";
constexpr size_t k_max_signature_size = 64 * 1024;  // apk-tools skips larger ones
// A signature may be split over a few members (apk-tools resets its digest at each boundary);
// more members than this is not a package.
constexpr size_t k_max_members = 8;

constexpr std::array<std::string_view, 7> k_script_names = {
    ".pre-install", ".post-install", ".pre-deinstall", ".post-deinstall",
    ".pre-upgrade", ".post-upgrade", ".trigger"};

struct RawEntry {
  io::TarEntry entry;
  std::string_view content;
  size_t start = 0;   // offset of its first header block in its member's tar
  size_t member = 0;  // index of the gzip member holding it
};

std::string_view type_name(io::TarType type) {
  switch (type) {
    case io::TarType::file: return "regular file";
    case io::TarType::hardlink: return "hardlink";
    case io::TarType::symlink: return "symlink";
    case io::TarType::chardev: return "character device";
    case io::TarType::blockdev: return "block device";
    case io::TarType::directory: return "directory";
    case io::TarType::fifo: return "fifo";
  }
  return "unknown";
}

/// The 20 raw bytes of an APK-TOOLS.checksum.SHA1 value: 40 hex digits, or apko's "Q1<base64>".
Result<std::string> parse_checksum_record(std::string_view value) {
  Result<std::string> raw = value.starts_with("Q1") ? base64_decode(value.substr(2)) : hex_decode(value);
  if (!raw || raw->size() != 20)
    return fail(Errc::bad_format, "malformed {} record '{}'", k_checksum_record, value);
  return raw;
}

Status verify_signature(Package& pkg, std::string_view signed_bytes, const Keyring& keyring) {
  std::vector<std::string> tried;
  std::string last_failure;
  for (const auto& sig : pkg.signatures) {
    const PublicKey* key = keyring.find(sig.key_name);
    if (!key) {
      tried.push_back(sig.key_name);
      continue;
    }
    auto ok = key->verify(sig.alg, signed_bytes, sig.signature);
    if (ok) {
      pkg.signed_key = key->name();
      return {};
    }
    last_failure = fmt::format("signature .SIGN.{}.{} does not verify: {}", sign_alg_tag(sig.alg),
                               sig.key_name, ok.error().message);
  }
  if (!last_failure.empty()) return fail(Errc::bad_signature, "{}", last_failure);
  if (pkg.signatures.empty()) return fail(Errc::bad_signature, "package is not signed");
  std::string names;
  for (const auto& n : tried) names += (names.empty() ? "" : ", ") + n;
  return fail(Errc::bad_signature, "no signature by a trusted key (signed by {})", names);
}

class DataChecker {
 public:
  DataChecker(Package& pkg, const PackageReadOptions& options) : m_pkg(pkg), m_options(options) {}

  Status add(const RawEntry& raw) {
    const io::TarEntry& e = raw.entry;
    TRY_ASSIGN_CTX(std::string path, io::clean_archive_path(e.path), "data entry '{}'", e.path);
    // apk-tools skips data entries whose name starts with '.', so they are never installed.
    if (e.path.starts_with('.')) {
      m_pkg.skipped.push_back(e.path);
      return {};
    }
    TRY_CTX(m_guard.check(path), "data entry '{}'", e.path);

    PackageFile f;
    f.path = path;
    f.type = e.type;
    f.mode = e.mode & 07777;
    f.uid = e.uid;
    f.gid = e.gid;
    f.uname = e.uname;
    f.gname = e.gname;
    f.mtime = e.mtime;
    f.devmajor = e.devmajor;
    f.devminor = e.devminor;
    for (const auto& [key, value] : e.pax) {
      if (key.starts_with(k_xattr_prefix)) f.xattrs.emplace(key.substr(k_xattr_prefix.size()), value);
    }
    std::string recorded;
    if (auto it = e.pax.find(std::string(k_checksum_record)); it != e.pax.end()) {
      TRY_ASSIGN_CTX(recorded, parse_checksum_record(it->second), "data entry '{}'", path);
      f.has_checksum_record = true;
    }

    if (auto it = m_seen.find(path); it != m_seen.end()) {
      bool both_dirs = e.type == io::TarType::directory &&
                       m_pkg.files[it->second].type == io::TarType::directory;
      if (!both_dirs) return fail(Errc::bad_format, "data entry '{}': duplicate path", path);
    }

    switch (e.type) {
      case io::TarType::file:
        f.size = raw.content.size();
        // A record is as good as the content when datahash covers the data member (checked
        // in read_package, which hashes the files after all when there is no datahash).
        f.sha1 = m_options.trust_checksum_records && f.has_checksum_record ? recorded : sha1(raw.content);
        break;
      case io::TarType::symlink:
        if (e.link_target.empty())
          return fail(Errc::bad_format, "data entry '{}': symlink without target", path);
        f.link_target = e.link_target;
        f.sha1 = sha1(e.link_target);
        m_guard.add_symlink(path);
        break;
      case io::TarType::hardlink: {
        auto target = io::clean_archive_path(e.link_target);
        if (!target) return fail(Errc::unsafe_path, "data entry '{}': hardlink target: {}", path,
                                 target.error().message);
        auto it = m_seen.find(*target);
        if (it == m_seen.end() || m_pkg.files[it->second].type != io::TarType::file)
          return fail(Errc::bad_format,
                      "data entry '{}': hardlink to '{}', which is not an earlier regular file",
                      path, e.link_target);
        f.link_target = *target;
        f.sha1 = m_pkg.files[it->second].sha1;
        break;
      }
      case io::TarType::directory:
        break;
      case io::TarType::chardev:
      case io::TarType::blockdev:
      case io::TarType::fifo:
        if (!m_options.allow_devices)
          return fail(Errc::unsafe_path, "data entry '{}': {} not allowed", path, type_name(e.type));
        break;
    }
    if (f.has_checksum_record) {
      if (f.sha1.empty())
        return fail(Errc::bad_format, "data entry '{}': checksum record on a {}", path,
                    type_name(e.type));
      if (recorded != f.sha1)
        return fail(Errc::digest_mismatch, "data entry '{}': SHA-1 {} does not match the recorded {}",
                    path, hex_encode(f.sha1), hex_encode(recorded));
    }
    m_seen.emplace(path, m_pkg.files.size());
    m_pkg.files.push_back(std::move(f));
    return {};
  }

 private:
  Package& m_pkg;
  const PackageReadOptions& m_options;
  io::SymlinkGuard m_guard;
  std::map<std::string, size_t, std::less<>> m_seen;
};

Status read_control_entry(Package& pkg, const RawEntry& raw, std::string& pkginfo_text,
                          bool& have_pkginfo) {
  const io::TarEntry& e = raw.entry;
  const std::string& name = e.path;
  if (!name.starts_with('.') || name.find('/') != std::string::npos || name == "." || name == "..")
    return fail(Errc::bad_format, "control entry '{}': not a top-level dot-file", name);
  if (name.starts_with(k_sign_prefix))
    return fail(Errc::bad_format, "control entry '{}': signature inside the control member", name);
  if (name == ".INSTALL")
    return fail(Errc::bad_format, "control entry '.INSTALL': v1 install scripts are not supported");
  if (e.type != io::TarType::file)
    return fail(Errc::bad_format, "control entry '{}': {} instead of a regular file", name,
                type_name(e.type));
  if (name == ".PKGINFO") {
    if (have_pkginfo) return fail(Errc::bad_format, "control entry '.PKGINFO': duplicate");
    have_pkginfo = true;
    pkginfo_text = std::string(raw.content);
    return {};
  }
  if (!pkg.scripts.emplace(name, std::string(raw.content)).second)
    return fail(Errc::bad_format, "control entry '{}': duplicate", name);
  return {};
}

Status read_signature_entry(Package& pkg, const RawEntry& raw) {
  const io::TarEntry& e = raw.entry;
  if (e.type != io::TarType::file)
    return fail(Errc::bad_format, "signature entry '{}': not a regular file", e.path);
  std::string_view rest = std::string_view(e.path).substr(k_sign_prefix.size());
  size_t dot = rest.find('.');
  if (dot == std::string_view::npos || dot + 1 >= rest.size())
    return fail(Errc::bad_format, "signature entry '{}': expected .SIGN.<ALG>.<key name>", e.path);
  auto alg = parse_sign_alg(rest.substr(0, dot));
  // Unknown algorithms (DSA) and oversized entries are skipped as apk-tools does.
  if (!alg || raw.content.size() > k_max_signature_size) return {};
  pkg.signatures.push_back(SignatureEntry{*alg, std::string(rest.substr(dot + 1)), std::string(raw.content)});
  return {};
}

}  // namespace

bool is_known_script_name(std::string_view name) {
  return std::find(k_script_names.begin(), k_script_names.end(), name) != k_script_names.end();
}

Result<Package> read_package(std::string_view bytes, const PackageReadOptions& options) {
  io::GunzipLimits gz_limits;
  gz_limits.max_output = options.limits.max_decompressed;
  gz_limits.max_members = k_max_members;
  TRY_ASSIGN(std::vector<io::GzipMember> members, io::gunzip_members(bytes, gz_limits));
  if (members.size() < 2)
    return fail(Errc::bad_format, "{} gzip member(s); a package has at least control and data",
                members.size());

  // apk-tools parses the joined members as one tar stream. Hashes cover whole members, so
  // wisp requires each member to hold whole entries and parses them one by one (no copy).
  // Only the last member may end with the end-of-archive marker: apk-tools stops reading there.
  std::vector<RawEntry> entries;
  for (size_t m = 0; m < members.size(); ++m) {
    const std::string& tar = members[m].data;
    const bool last = m + 1 == members.size();
    io::TarReaderOptions tar_options;
    tar_options.max_entry_size = options.limits.max_decompressed;
    tar_options.require_end_marker = last;
    io::TarReader reader(tar, tar_options);
    for (;;) {
      size_t start = reader.offset();
      TRY_ASSIGN_CTX(auto next, reader.next(), "gzip member {}: tar entry at offset {}", m, start);
      if (!next) {
        if (!last && start != tar.size())
          return fail(Errc::bad_format, "gzip member {}: end-of-archive marker before the data member", m);
        break;
      }
      if (entries.size() >= options.limits.max_entries)
        return fail(Errc::too_large, "more than {} tar entries", options.limits.max_entries);
      entries.push_back(RawEntry{std::move(*next), reader.content(), start, m});
    }
  }

  // The control member is the one holding the first non-signature entry.
  size_t first_control = 0;
  while (first_control < entries.size() && entries[first_control].entry.path.starts_with(k_sign_prefix))
    ++first_control;
  if (first_control == entries.size()) return fail(Errc::bad_format, "no control entries (.PKGINFO missing)");
  size_t control_member = entries[first_control].member;
  if (first_control > 0 && entries[first_control - 1].member == control_member)
    return fail(Errc::bad_format, "signature entry '{}' shares a gzip member with the control entries",
                entries[first_control - 1].entry.path);
  if (members.size() != control_member + 2)
    return fail(Errc::bad_format,
                "{} gzip members after the signature; expected exactly one control and one data member",
                members.size() - control_member);

  Package pkg;
  std::vector<bool> member_used(members.size(), false);
  std::string pkginfo_text;
  bool have_pkginfo = false;
  DataChecker data(pkg, options);
  for (size_t i = 0; i < entries.size(); ++i) {
    const RawEntry& raw = entries[i];
    member_used[raw.member] = true;
    if (i < first_control) {
      TRY(read_signature_entry(pkg, raw));
    } else if (raw.member == control_member) {
      TRY(read_control_entry(pkg, raw, pkginfo_text, have_pkginfo));
    } else {
      TRY(data.add(raw));
    }
  }
  for (size_t i = 0; i < control_member; ++i) {
    if (!member_used[i]) return fail(Errc::bad_format, "gzip member {} holds no signature entry", i);
  }
  if (!have_pkginfo) return fail(Errc::bad_format, "control member has no .PKGINFO");

  const auto& control = members[control_member];
  const auto& data_member = members[control_member + 1];
  pkg.control = {control.offset, control.compressed_size};
  pkg.data = {data_member.offset, data_member.compressed_size};
  if (control_member > 0) pkg.signature = {0, control.offset};

  TRY_ASSIGN_CTX(pkg.info, parse_pkginfo(pkginfo_text), ".PKGINFO");
  std::string_view control_raw = control.raw(bytes);
  std::string_view data_raw = data_member.raw(bytes);
  pkg.info.checksum = "Q1" + base64_encode(sha1(control_raw));
  pkg.info.file_size = bytes.size();
  pkg.data_sha256 = sha256(data_raw);
  if (!pkg.info.datahash.empty() && pkg.info.datahash != hex_encode(pkg.data_sha256))
    return fail(Errc::digest_mismatch, "data member sha256 {} does not match .PKGINFO datahash {}",
                hex_encode(pkg.data_sha256), pkg.info.datahash);

  if (options.trust_checksum_records && pkg.info.datahash.empty()) {
    for (const RawEntry& raw : entries) {
      if (raw.member != control_member + 1 || raw.entry.type != io::TarType::file) continue;
      auto it = raw.entry.pax.find(std::string(k_checksum_record));
      if (it == raw.entry.pax.end()) continue;
      TRY_ASSIGN(std::string recorded, parse_checksum_record(it->second));
      if (sha1(raw.content) != recorded)
        return fail(Errc::digest_mismatch, "data entry '{}': content does not match its SHA-1 record", raw.entry.path);
    }
  }
  if (options.keyring) {
    // With datahash the signature covers only the control member; old packages without it
    // sign control and data together.
    std::string_view signed_bytes =
        pkg.info.datahash.empty() ? bytes.substr(control.offset) : control_raw;
    TRY(verify_signature(pkg, signed_bytes, *options.keyring));
  }
  if (options.on_data) {
    size_t index = 0;
    for (const RawEntry& raw : entries) {
      if (raw.member != control_member + 1 || raw.entry.path.starts_with('.')) continue;
      const PackageFile& f = pkg.files[index++];
      TRY(options.on_data(f, f.type == io::TarType::file ? raw.content : std::string_view{}));
    }
  }
  return pkg;
}

Result<Package> load_package(const std::filesystem::path& path, const PackageReadOptions& options) {
  // The compressed file cannot sensibly be larger than what it may inflate to.
  TRY_ASSIGN_CTX(std::string bytes, read_file(path, options.limits.max_decompressed), "{}", path.string());
  return with_context(read_package(bytes, options), path.string());
}

Status for_each_data_entry(std::string_view bytes, const Package& package, const DataEntryFn& fn,
                           const PackageLimits& limits) {
  if (package.data.offset > bytes.size() || package.data.size > bytes.size() - package.data.offset)
    return fail(Errc::bad_format, "data member lies outside the package bytes");
  std::string_view raw = bytes.substr(package.data.offset, package.data.size);
  if (sha256(raw) != package.data_sha256)
    return fail(Errc::digest_mismatch, "data member changed since the package was read");
  io::GunzipLimits gz_limits;
  gz_limits.max_output = limits.max_decompressed;
  gz_limits.max_members = 1;
  TRY_ASSIGN_CTX(std::string tar, io::gunzip(raw, gz_limits), "data member");
  io::TarReaderOptions tar_options;
  tar_options.max_entry_size = limits.max_decompressed;
  io::TarReader reader(tar, tar_options);
  size_t index = 0;
  for (;;) {
    TRY_ASSIGN_CTX(auto next, reader.next(), "data member");
    if (!next) break;
    if (next->path.starts_with('.')) continue;
    if (index >= package.files.size())
      return fail(Errc::internal, "data entry '{}' was not seen when the package was read", next->path);
    const PackageFile& f = package.files[index++];
    TRY(fn(f, f.type == io::TarType::file ? reader.content() : std::string_view{}));
  }
  if (index != package.files.size())
    return fail(Errc::internal, "data member has fewer entries than when the package was read");
  return {};
}

}  // namespace wisp::pkg::apk
