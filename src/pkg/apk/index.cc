// APKINDEX text blocks and the signed APKINDEX.tar.gz.
//
// Reading the text follows apk-tools' forward-compatibility rule: a letter wisp does not model
// is ignored when it is lowercase (optional information) and marks the entry
// `uninstallable` otherwise (a feature this reader would get wrong); the entry is still
// returned so listings stay complete, and a resolver must skip it. Installed-db letters are
// understood (r: replaces, q: replaces_priority) or ignored (F M R Z a s f g), so the same
// parser reads lib/apk/db/installed headers.
#include "pkg/apk/index.h"

#include "base/file.h"
#include "base/strings.h"
#include "io/gzip.h"
#include "io/sink.h"
#include "io/tar.h"

namespace wisp::pkg::apk {

namespace {

constexpr std::string_view k_sign_prefix = ".SIGN.";
// apk-tools ignores signature entries above this size; so do we.
constexpr uint64_t k_max_signature = 64 * 1024;

std::string_view strip_cr(std::string_view line) {
  while (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  return line;
}

void set_words(std::vector<std::string>& out, std::string_view value) {
  auto words = split_whitespace(value);
  // apko writes an empty install_if as a Go-printed slice, "[]".
  if (words.size() == 1 && words[0] == "[]") return;
  for (auto word : words) out.emplace_back(word);
}

/// The signatures of a member whose tar starts with a `.SIGN.` entry, or nullopt if it does not.
Result<std::optional<std::vector<SignatureEntry>>> read_signature_member(std::string_view tar) {
  io::TarReader reader(tar, {.require_end_marker = false});
  std::vector<SignatureEntry> out;
  bool first = true;
  for (;;) {
    TRY_ASSIGN(auto entry, reader.next());
    if (!entry) break;
    if (!entry->path.starts_with(k_sign_prefix)) {
      if (first) return std::optional<std::vector<SignatureEntry>>();
      return fail(Errc::bad_format, "signature member holds '{}' after the signatures", entry->path);
    }
    first = false;
    if (entry->type != io::TarType::file)
      return fail(Errc::bad_format, "signature entry '{}' is not a regular file", entry->path);
    std::string_view rest = std::string_view(entry->path).substr(k_sign_prefix.size());
    size_t dot = rest.find('.');
    if (dot == std::string_view::npos || dot == 0 || dot + 1 == rest.size())
      return fail(Errc::bad_format, "signature entry '{}' is not .SIGN.<ALG>.<key name>", entry->path);
    auto alg = parse_sign_alg(rest.substr(0, dot));
    // Unknown algorithms (DSA, future ones) and oversized entries are skipped like apk-tools
    // does: another signature may still be good.
    if (!alg || entry->size > k_max_signature) continue;
    out.push_back({*alg, std::string(rest.substr(dot + 1)), std::string(reader.content())});
  }
  if (first) return std::optional<std::vector<SignatureEntry>>();
  return std::optional(std::move(out));
}

std::string signer_names(const std::vector<SignatureEntry>& signatures) {
  std::string out;
  for (const auto& s : signatures) {
    if (!out.empty()) out += ", ";
    out += s.key_name;
  }
  return out;
}

Status verify_index(const Index& index, std::string_view signed_bytes, const Keyring& keyring,
                    std::string& signed_key) {
  if (index.signatures.empty())
    return fail(Errc::bad_signature, "index is not signed (no usable .SIGN entry)");
  std::string failed;
  for (const auto& sig : index.signatures) {
    const PublicKey* key = keyring.find(sig.key_name);
    if (!key) continue;
    if (key->verify(sig.alg, signed_bytes, sig.signature)) {
      signed_key = key->name();
      return {};
    }
    if (!failed.empty()) failed += ", ";
    failed += fmt::format("{} ({})", key->name(), sign_alg_tag(sig.alg));
  }
  if (!failed.empty())
    return fail(Errc::bad_signature,
                "signature does not verify with trusted key {} (the index was altered or the key "
                "does not match)",
                failed);
  return fail(Errc::bad_signature, "no trusted signature (signed by {}; keyring has: {})",
              signer_names(index.signatures), keyring.describe());
}

}  // namespace

Result<std::vector<PackageInfo>> parse_index_text(std::string_view text) {
  std::vector<PackageInfo> out;
  PackageInfo current;
  bool in_block = false;
  size_t block_line = 0;
  bool has_name = false, has_version = false;

  auto finish_block = [&]() -> Status {
    if (!in_block) return {};
    if (!has_name || current.name.empty())
      return fail(Errc::bad_format, "APKINDEX line {}: package block has no P: (name)", block_line);
    if (!has_version || current.version.empty())
      return fail(Errc::bad_format, "APKINDEX line {}: package {} has no V: (version)", block_line,
                  current.name);
    out.push_back(std::move(current));
    current = PackageInfo{};
    in_block = false;
    has_name = has_version = false;
    return {};
  };

  size_t line_no = 0;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t eol = text.find('\n', pos);
    if (eol == std::string_view::npos) eol = text.size();
    std::string_view line = strip_cr(text.substr(pos, eol - pos));
    pos = eol + 1;
    ++line_no;
    if (line.find_first_not_of(" \t") == std::string_view::npos) {
      TRY(finish_block());
      continue;
    }
    if (line.size() < 2 || line[1] != ':')
      return fail(Errc::bad_format, "APKINDEX line {}: expected 'X:value'", line_no);
    if (!in_block) {
      in_block = true;
      block_line = line_no;
    }
    char letter = line[0];
    std::string_view value = line.substr(2);

    auto number = [&](auto parse, auto& field) -> Status {
      if (value.empty()) return {};
      auto n = parse(value);
      if (!n) return fail(Errc::bad_format, "APKINDEX line {}: {}: '{}' is not a number", line_no, letter,
                          value.substr(0, 40));
      field = *n;
      return {};
    };

    switch (letter) {
      case 'C': current.checksum = value; break;
      case 'P': current.name = value; has_name = true; break;
      case 'V': current.version = value; has_version = true; break;
      case 'A': current.arch = value; break;
      case 'S': TRY(number(parse_u64, current.file_size)); break;
      case 'I': TRY(number(parse_u64, current.installed_size)); break;
      case 'T': current.description = value; break;
      case 'U': current.url = value; break;
      case 'L': current.license = value; break;
      case 'o': current.origin = value; break;
      case 'm': current.maintainer = value; break;
      case 't': TRY(number(parse_i64, current.build_time)); break;
      case 'c': current.commit = value; break;
      case 'k': TRY(number(parse_i64, current.provider_priority)); break;
      case 'D': set_words(current.depends, value); break;
      case 'p': set_words(current.provides, value); break;
      case 'i': set_words(current.install_if, value); break;
      case 'r': set_words(current.replaces, value); break;
      case 'q': TRY(number(parse_i64, current.replaces_priority)); break;
      // Installed-db file list and ownership lines: not package metadata.
      case 'F': case 'M': case 'R': case 'Z': break;
      default:
        if (letter < 'a' || letter > 'z') current.uninstallable = true;
        break;
    }
  }
  TRY(finish_block());
  return out;
}

std::string format_index_text(const std::vector<PackageInfo>& entries) {
  std::string out;
  out.reserve(entries.size() * 320);
  for (const auto& entry : entries) {
    out += format_index_block(entry, IndexBlockKind::index);
    out += '\n';
  }
  return out;
}

Result<Index> read_index(std::string_view bytes, IndexReadOptions options) {
  io::GunzipLimits limits;
  limits.max_output = uint64_t{1} << 30;  // the largest real indexes are a few MiB
  TRY_ASSIGN(auto members, io::gunzip_members(bytes, limits));
  if (members.empty()) return fail(Errc::bad_format, "empty file, not an APKINDEX.tar.gz");

  Index index;
  size_t index_member = 0;
  while (index_member + 1 < members.size()) {
    TRY_ASSIGN_CTX(auto sigs, read_signature_member(members[index_member].data),
                   "gzip member {}", index_member + 1);
    if (!sigs) break;
    for (auto& s : *sigs) index.signatures.push_back(std::move(s));
    ++index_member;
  }
  if (members.size() - index_member != 1)
    return fail(Errc::bad_format,
                "the index must be one gzip member after the signature, found {} members",
                members.size() - index_member);
  const io::GzipMember& member = members.back();

  // Check the signature before looking inside: unverified input gets no further than gunzip.
  if (options.keyring)
    TRY(verify_index(index, member.raw(bytes), *options.keyring, index.signed_key));

  io::TarReader reader(member.data, {.require_end_marker = false});
  std::optional<std::string_view> text;
  for (;;) {
    TRY_ASSIGN_CTX(auto entry, reader.next(), "index tar");
    if (!entry) break;
    if (entry->type != io::TarType::file) continue;
    if (entry->path == "APKINDEX") {
      if (text) return fail(Errc::bad_format, "index tar has two APKINDEX entries");
      text = reader.content();
    } else if (entry->path == "DESCRIPTION") {
      index.description = reader.content();
    }
  }
  if (!text) return fail(Errc::bad_format, "index tar has no APKINDEX entry");
  TRY_ASSIGN(index.packages, parse_index_text(*text));
  return index;
}

Result<Index> load_index(const std::filesystem::path& path, IndexReadOptions options) {
  TRY_ASSIGN(auto bytes, read_file(path, uint64_t{1} << 30));
  return with_context(read_index(bytes, options), path.string());
}

Result<std::string> write_index(const Index& index, const PrivateKey* key, int64_t mtime,
                                SignAlg alg) {
  auto file_entry = [&](std::string path, uint64_t size) {
    io::TarEntry e;
    e.path = std::move(path);
    e.type = io::TarType::file;
    e.mode = 0644;
    e.uname = "root";
    e.gname = "root";
    e.mtime = mtime;
    e.size = size;
    return e;
  };

  std::string text = format_index_text(index.packages);
  std::string tar;
  {
    io::StringSink sink(tar);
    io::TarWriter writer(sink);
    TRY(writer.add(file_entry("DESCRIPTION", index.description.size()), index.description));
    TRY(writer.add(file_entry("APKINDEX", text.size()), text));
    TRY(writer.finish());
  }
  std::string index_member = io::gzip_compress(tar);
  if (!key) return index_member;

  TRY_ASSIGN(auto signature, key->sign(alg, index_member));
  std::string sig_tar;
  {
    io::StringSink sink(sig_tar);
    io::TarWriter writer(sink);
    std::string name = fmt::format("{}{}.{}", k_sign_prefix, sign_alg_tag(alg), key->name());
    TRY(writer.add(file_entry(std::move(name), signature.size()), signature));
    // No finish(): a "cut" tar, so the concatenated stream reads as one archive.
  }
  return io::gzip_compress(sig_tar) + index_member;
}

}  // namespace wisp::pkg::apk
