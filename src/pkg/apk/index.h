// APKINDEX: the text block format (apk-format.md §3.2) and the signed APKINDEX.tar.gz (§3.1).
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "pkg/apk/keys.h"
#include "pkg/apk/package_info.h"

namespace wisp::pkg::apk {

/// Parses APKINDEX text (also accepts installed-db text: r:/q: are read, file lines ignored).
/// Unknown lowercase letters are ignored; any other unknown letter sets the entry's
/// `uninstallable` flag (apk-tools' rule), the entry is still returned. Errc::bad_format with
/// the line number for a line that is not `X:value`, a bad number in S I t k q, or a block
/// without P or V. Lists are split on whitespace; C is kept as written; CRLF is tolerated.
Result<std::vector<PackageInfo>> parse_index_text(std::string_view text);

/// Writes entries in apk-tools' letter order (C P V A S I T U L o m t c k D p i), one block each.
std::string format_index_text(const std::vector<PackageInfo>& entries);

struct SignatureEntry {
  SignAlg alg;
  std::string key_name;
  std::string signature;
};

struct Index {
  std::string description;
  std::vector<PackageInfo> packages;
  std::vector<SignatureEntry> signatures;
  std::string signed_key;  // the name of the key that verified it (empty if not verified)
};

struct IndexReadOptions {
  const Keyring* keyring = nullptr;  // null: don't verify (caller must say so loudly)
};

/// Reads APKINDEX.tar.gz bytes: signature member(s), then one member with DESCRIPTION and
/// APKINDEX. With a keyring, at least one signature must verify with a trusted key over the
/// compressed bytes of the index member (Errc::bad_signature otherwise, naming the signers and
/// the keyring's keys); the index text is only parsed after that. Errc::bad_format for a
/// broken gzip/tar layout, more than one member after the signatures, or no APKINDEX entry.
Result<Index> read_index(std::string_view bytes, IndexReadOptions options);
Result<Index> load_index(const std::filesystem::path& path, IndexReadOptions options);

/// Writes a signed APKINDEX.tar.gz: a cut tar with `.SIGN.RSA256.<key>` gzip member followed by
/// the index member (DESCRIPTION first, then APKINDEX; mtime = `mtime`, root:root 0644).
/// With a null key only the index member is written (unsigned). `signatures` and
/// `signed_key` of `index` are ignored.
Result<std::string> write_index(const Index& index, const PrivateKey* key, int64_t mtime,
                                SignAlg alg = SignAlg::rsa_sha256);

}  // namespace wisp::pkg::apk
