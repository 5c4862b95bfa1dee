#include "image/deb_packages.h"

#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <chrono>
#include <nlohmann/json.hpp>
#include <optional>
#include <thread>

#include "base/digest.h"
#include "base/encoding.h"
#include "base/log.h"
#include "base/strings.h"
#include "base/thread_pool.h"
#include "pkg/deb/control.h"
#include "pkg/deb/deb_file.h"
#include "pkg/deb/relation.h"

namespace wisp::image {
namespace {

using pkg::deb::DebControl;
using pkg::repo::Cache;

// What the cache holds for one .deb, keyed by its SHA-256: the decompressed data tar, and the
// control members status.d needs (as JSON), so a warm build never opens the .deb.
std::string data_key(std::string_view sha256_hex) { return fmt::format("deb-data:{}", sha256_hex); }
std::string control_key(std::string_view sha256_hex) { return fmt::format("deb-control:{}", sha256_hex); }

struct Unpacked {
  DebControl control;
  std::string data_tar;
};

int64_t now_seconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string encode_control(const DebControl& control) {
  nlohmann::json j = {{"control", control.control}, {"md5sums", control.md5sums}, {"conffiles", control.conffiles}};
  return j.dump();
}

std::optional<DebControl> decode_control(std::string_view text) {
  auto j = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object() || !j.contains("control") || !j["control"].is_string()) return std::nullopt;
  DebControl out;
  out.control = j["control"].get<std::string>();
  if (j.contains("md5sums") && j["md5sums"].is_string()) out.md5sums = j["md5sums"].get<std::string>();
  if (j.contains("conffiles") && j["conffiles"].is_string()) out.conffiles = j["conffiles"].get<std::string>();
  return out;
}

// The blob a record names, or nullopt for any kind of miss (no record, blob gone or damaged).
std::optional<std::string> cached_blob(const Cache& cache, const std::string& key) {
  auto record = cache.find_record(key);
  if (!record) return std::nullopt;
  auto blob = cache.read_blob(record->sha256);
  if (!blob || !*blob) return std::nullopt;
  return std::move(**blob);
}

std::optional<Unpacked> from_cache(const Cache& cache, std::string_view sha256_hex) {
  auto control_text = cached_blob(cache, control_key(sha256_hex));
  if (!control_text) return std::nullopt;
  auto control = decode_control(*control_text);
  if (!control) return std::nullopt;
  auto tar = cached_blob(cache, data_key(sha256_hex));
  if (!tar) return std::nullopt;
  return Unpacked{std::move(*control), std::move(*tar)};
}

std::atomic<bool> g_warned_cache{false};

void to_cache(const Cache& cache, std::string_view sha256_hex, const Unpacked& unpacked) {
  auto stored = [&]() -> Status {
    int64_t now = now_seconds();
    TRY_ASSIGN(std::string tar_blob, cache.write_blob(unpacked.data_tar));
    TRY(cache.write_record({data_key(sha256_hex), "", tar_blob, now}));
    TRY_ASSIGN(std::string control_blob, cache.write_blob(encode_control(unpacked.control)));
    return cache.write_record({control_key(sha256_hex), "", control_blob, now});
  }();
  if (!stored && !g_warned_cache.exchange(true))
    log::warn("not caching decompressed .deb contents: {}", stored.error().message);
}

// The .deb's control and data tar: from the cache when it has them, else fetched (through the
// fetcher's own cache), checked, decompressed and remembered.
Result<Unpacked> obtain(const DebSource& src, pkg::repo::Fetcher& fetcher) {
  const Cache& cache = fetcher.cache();
  std::string expected = ascii_lower(src.sha256);
  if (!expected.empty()) {
    if (auto hit = from_cache(cache, expected)) return std::move(*hit);
  }
  pkg::repo::FetchRequest request;
  request.location = src.location;
  request.freshness = pkg::repo::Freshness::immutable;
  if (src.size) request.max_size = src.size;
  if (!expected.empty()) {
    request.verify = [&expected](std::string_view bytes) -> Status {
      std::string actual = hex_encode(sha256(bytes));
      if (actual != expected)
        return fail(Errc::digest_mismatch, "SHA-256 {} is not the {} the index promised", actual, expected);
      return {};
    };
  }
  TRY_ASSIGN(std::string bytes, fetcher.fetch(request));
  std::string key = expected.empty() ? hex_encode(sha256(bytes)) : expected;
  if (expected.empty()) {
    if (auto hit = from_cache(cache, key)) return std::move(*hit);
  }
  TRY_ASSIGN(pkg::deb::DebArchive deb, pkg::deb::open_deb(bytes));
  TRY_ASSIGN(std::string tar, pkg::deb::decompress_data(deb));
  Unpacked out{std::move(deb.control), std::move(tar)};
  to_cache(cache, key, out);
  return out;
}

pkg::apk::PackageFile package_file(const pkg::deb::DebEntry& e) {
  pkg::apk::PackageFile f;
  f.path = e.path;
  f.type = e.type;
  f.mode = e.mode;
  f.uid = e.uid;
  f.gid = e.gid;
  f.uname = e.uname;
  f.gname = e.gname;
  f.mtime = e.mtime;
  f.size = e.type == io::TarType::file ? e.size : 0;
  f.link_target = e.link_target;
  f.devmajor = e.devmajor;
  f.devminor = e.devminor;
  return f;
}

// "glibc (2.36-9+deb12u4)" -> "glibc": a binary package's Source may carry the source version.
std::string source_name(std::string_view source) {
  std::string_view s = trim(source);
  size_t end = s.find_first_of(" \t(");
  return std::string(s.substr(0, end));
}

// The control fields the installer and SBOMs read, in apk's vocabulary.
Result<pkg::apk::PackageInfo> package_info(const DebControl& control) {
  TRY_ASSIGN_CTX(pkg::deb::Paragraph p, pkg::deb::parse_paragraph(control.control), "control");
  pkg::apk::PackageInfo info;
  info.name = p.get("Package");
  info.version = p.get("Version");
  info.arch = p.get("Architecture");
  if (info.name.empty() || info.version.empty())
    return fail(Errc::bad_format, "control: no Package or Version field");
  std::string description = p.get("Description");
  info.description = std::string(trim(description.substr(0, description.find('\n'))));
  info.url = p.get("Homepage");
  info.maintainer = p.get("Maintainer");
  std::string origin = source_name(p.get("Source"));
  info.origin = origin.empty() ? info.name : origin;
  if (auto kib = parse_u64(trim(p.get("Installed-Size")))) info.installed_size = *kib * 1024;
  if (const std::string* replaces = p.find("Replaces")) {
    TRY_ASSIGN_CTX(auto clauses, pkg::deb::parse_relations(*replaces), "Replaces");
    for (const auto& alternatives : clauses)
      for (const auto& relation : alternatives) info.replaces.push_back(relation.name);
  }
  return info;
}

struct UnpackedPackage {
  ExtractedPackage extracted;
  DebMetadata metadata;
};

Result<UnpackedPackage> unpack(const DebSource& src, pkg::repo::Fetcher& fetcher, ContentStore& store) {
  TRY_ASSIGN(Unpacked deb, obtain(src, fetcher));
  UnpackedPackage out;
  TRY_ASSIGN(out.extracted.package.info, package_info(deb.control));
  pkg::apk::PackageInfo& info = out.extracted.package.info;
  info.file_size = src.size;
  int64_t newest = 0;
  TRY_CTX(pkg::deb::read_data_tar(deb.data_tar,
                                  [&](const pkg::deb::DebEntry& entry, std::string_view content) -> Status {
                                    PayloadEntry payload{package_file(entry), std::nullopt};
                                    if (entry.type == io::TarType::file) {
                                      TRY_ASSIGN(ContentRef ref, store.add(content));
                                      payload.stored = ref;
                                    }
                                    newest = std::max(newest, entry.mtime);
                                    out.extracted.entries.push_back(std::move(payload));
                                    return {};
                                  }),
          "data");
  if (newest > 0) info.build_time = newest;
  out.metadata.name = info.name;
  out.metadata.control = std::move(deb.control.control);
  out.metadata.md5sums = std::move(deb.control.md5sums);
  return out;
}

}  // namespace

Result<FetchedDebs> fetch_debs(const std::vector<DebSource>& sources, pkg::repo::Fetcher& fetcher, size_t threads) {
  TRY_ASSIGN(ContentStore store, ContentStore::create());
  FetchedDebs out{FetchedPackages{std::move(store), {}, 0}, {}};
  const size_t count = sources.size();
  std::vector<std::optional<Result<UnpackedPackage>>> results(count);
  if (threads == 0) threads = std::max<size_t>(4, std::thread::hardware_concurrency());
  parallel_for(
      count,
      [&](size_t i) {
        const DebSource& src = sources[i];
        results[i] = with_context(unpack(src, fetcher, out.packages.store),
                                  fmt::format("package {} ({})", src.name, src.location));
      },
      threads);
  out.packages.packages.reserve(count);
  out.metadata.reserve(count);
  for (size_t i = 0; i < count; ++i) {
    if (!*results[i]) return std::unexpected(results[i]->error());
    UnpackedPackage& p = **results[i];
    out.packages.newest_build_time =
        std::max(out.packages.newest_build_time, p.extracted.package.info.build_time.value_or(0));
    out.packages.packages.push_back(std::move(p.extracted));
    out.metadata.push_back(std::move(p.metadata));
  }
  return out;
}

}  // namespace wisp::image
