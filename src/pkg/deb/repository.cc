#include "pkg/deb/repository.h"

#include <algorithm>
#include <filesystem>

#include <fmt/ranges.h>

#include "base/digest.h"
#include "base/encoding.h"
#include "base/log.h"
#include "io/decompress.h"
#include "pkg/deb/release.h"

namespace wisp::pkg::deb {
namespace fs = std::filesystem;

namespace {

constexpr uint64_t k_max_index = uint64_t{1} << 30;  // a decompressed Packages file

/// The fetch, with "not found" kept apart from real failures so callers can fall back.
Result<std::optional<std::string>> fetch_optional(repo::Fetcher& fetcher, const std::string& location) {
  auto bytes = fetcher.fetch(location, repo::Freshness::revalidate);
  if (bytes) return std::optional<std::string>(std::move(*bytes));
  if (bytes.error().code == Errc::not_found) return std::optional<std::string>();
  return std::unexpected(bytes.error());
}

/// The Release text the line trusts: verified by gpgv unless [trusted=yes]. nullopt only for a
/// trusted flat repository without any Release.
Result<std::optional<std::string>> trusted_release(repo::Fetcher& fetcher, const SourceLine& source) {
  const std::string dir = source.release_dir();
  std::vector<std::string> keyrings;
  if (!source.trusted) {
    if (!source.signed_by.empty()) {
      keyrings.push_back(source.signed_by);
    } else {
      keyrings = default_keyrings();
    }
  }
  TRY_ASSIGN(auto in_release, fetch_optional(fetcher, dir + "/InRelease"));
  if (in_release) {
    if (source.trusted) {
      TRY_ASSIGN(std::string text, clearsigned_text(*in_release));
      return std::optional(std::move(text));
    }
    TRY_ASSIGN_CTX(std::string text, verify_with_gpgv(*in_release, {}, keyrings), "{}/InRelease", dir);
    return std::optional(std::move(text));
  }
  TRY_ASSIGN(auto release, fetch_optional(fetcher, dir + "/Release"));
  if (!release) {
    if (source.trusted && source.flat()) return std::optional<std::string>();
    return fail(Errc::not_found, "{}: neither InRelease nor Release exists", dir);
  }
  if (source.trusted) return release;
  TRY_ASSIGN(auto signature, fetch_optional(fetcher, dir + "/Release.gpg"));
  if (!signature)
    return fail(Errc::bad_signature, "{}/Release is not signed (no InRelease or Release.gpg); add "
                "[signed-by=...] with the right key or [trusted=yes]", dir);
  TRY_ASSIGN_CTX(std::string text, verify_with_gpgv(*release, *signature, keyrings), "{}/Release", dir);
  return std::optional(std::move(text));
}

std::string hex_sha256(std::string_view bytes) { return hex_encode(sha256(bytes)); }

/// One Packages index: the first of .xz, .gz and plain that the Release lists (or that exists,
/// without a Release), checked against the Release, decompressed.
Result<std::string> fetch_packages_text(repo::Fetcher& fetcher, const std::string& dir, const std::string& base,
                                        const std::optional<Release>& release) {
  for (std::string_view suffix : {".xz", ".gz", ""}) {
    std::string rel = base + std::string(suffix);
    std::string location = dir + "/" + rel;
    TRY_ASSIGN(io::Codec codec, io::codec_for_name(rel));
    if (release) {
      auto it = release->files.find(rel);
      if (it == release->files.end()) continue;
      TRY_ASSIGN(std::string bytes, fetcher.fetch(location, repo::Freshness::revalidate));
      if (bytes.size() != it->second.size || hex_sha256(bytes) != it->second.sha256)
        return fail(Errc::digest_mismatch, "{}: size or SHA-256 differs from the signed Release", location);
      return with_context(io::decompress(bytes, codec, k_max_index), location);
    }
    TRY_ASSIGN(auto bytes, fetch_optional(fetcher, location));
    if (bytes) return with_context(io::decompress(*bytes, codec, k_max_index), location);
  }
  return fail(Errc::not_found, "{}/{}{{.xz,.gz,}}: no such index{}", dir, base,
              release ? " in the Release file" : "");
}

}  // namespace

std::string RepositoryPackages::location(const PackageEntry& entry) const {
  const bool url = source.uri.find("://") != std::string::npos;
  if (!url) return source.uri + "/" + entry.filename;
  std::string out = source.uri + "/";
  for (unsigned char c : entry.filename) {
    bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
                 c == '.' || c == '_' || c == '~' || c == '/';
    if (plain) {
      out.push_back(static_cast<char>(c));
    } else {
      out += fmt::format("%{:02x}", c);
    }
  }
  return out;
}

std::vector<std::string> default_keyrings() {
  std::vector<std::string> out;
  std::error_code ec;
  if (fs::is_regular_file("/etc/apt/trusted.gpg", ec)) out.push_back("/etc/apt/trusted.gpg");
  std::vector<std::string> parts;
  for (const auto& entry : fs::directory_iterator("/etc/apt/trusted.gpg.d", ec)) {
    std::string name = entry.path().filename().string();
    if ((name.ends_with(".gpg") || name.ends_with(".asc")) && entry.is_regular_file(ec))
      parts.push_back(entry.path().string());
  }
  std::sort(parts.begin(), parts.end());
  out.insert(out.end(), parts.begin(), parts.end());
  return out;
}

Result<std::unique_ptr<RepositoryPackages>> load_repository(repo::Fetcher& fetcher, const SourceLine& source,
                                                            const std::string& arch) {
  auto out = std::make_unique<RepositoryPackages>();
  out->source = source;
  out->arch = arch;
  if (!source.archs.empty() && std::find(source.archs.begin(), source.archs.end(), arch) == source.archs.end())
    return out;  // [arch=...] excludes this arch: the line offers nothing for it
  if (source.trusted) log::warn("repository '{}' is [trusted=yes]: its signatures are NOT checked", source.line);
  auto in_context = [&](const Error& e) { return e.wrap(fmt::format("repository '{}'", source.line)); };

  auto text = trusted_release(fetcher, source);
  if (!text) return std::unexpected(in_context(text.error()));
  std::optional<Release> release;
  if (*text) {
    auto parsed = parse_release(**text);
    if (!parsed) return std::unexpected(in_context(parsed.error()));
    release = std::move(*parsed);
  }
  std::vector<std::string> bases;
  if (source.flat()) {
    bases.push_back("Packages");
  } else {
    if (release && !release->architectures.empty() &&
        std::find(release->architectures.begin(), release->architectures.end(), arch) ==
            release->architectures.end())
      return std::unexpected(in_context(Error{Errc::not_found,
          fmt::format("the suite offers no packages for {} (Architectures: {})", arch,
                      fmt::join(release->architectures, " "))}));
    for (const std::string& component : source.components) bases.push_back(component + "/binary-" + arch + "/Packages");
  }
  for (const std::string& base : bases) {
    auto packages_text = fetch_packages_text(fetcher, source.release_dir(), base, release);
    if (!packages_text) return std::unexpected(in_context(packages_text.error()));
    auto entries = parse_packages_index(*packages_text);
    if (!entries) return std::unexpected(in_context(entries.error().wrap(base)));
    for (PackageEntry& e : *entries) {
      if (e.architecture != arch && e.architecture != "all") continue;
      if (e.filename.find("..") != std::string::npos || e.filename.starts_with('/'))
        return std::unexpected(in_context(Error{Errc::unsafe_path,
            fmt::format("{}: package {} has an unsafe Filename '{}'", base, e.name, e.filename)}));
      out->packages.push_back(std::move(e));
    }
  }
  return out;
}

}  // namespace wisp::pkg::deb
