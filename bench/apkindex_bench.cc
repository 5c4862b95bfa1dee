// APKINDEX parsing and verification on a generated 50,000-entry index (the size of a large
// distribution repository). Baselines in the same process: inflating the same bytes (the floor
// any reader pays) and a bare line scan of the text.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <fmt/format.h>

#include "base/digest.h"
#include "base/encoding.h"
#include "io/gzip.h"
#include "pkg/apk/index.h"
#include "pkg/apk/keys.h"

namespace {

using namespace wisp;
using namespace wisp::pkg::apk;

constexpr int k_entries = 50000;

std::vector<PackageInfo> generate_entries() {
  std::vector<PackageInfo> entries;
  entries.reserve(k_entries);
  for (int i = 0; i < k_entries; ++i) {
    PackageInfo p;
    p.name = fmt::format("package-{}", i);
    p.version = fmt::format("{}.{}.{}-r{}", i % 7, i % 13, i % 101, i % 5);
    p.arch = "x86_64";
    p.description = fmt::format("Synthetic package number {} for benchmarking the index reader", i);
    p.url = "https://example.invalid/project";
    p.license = "Apache-2.0 AND MIT";
    p.origin = fmt::format("origin-{}", i / 3);
    p.maintainer = "Bench <bench@example.invalid>";
    p.build_time = 1700000000 + i;
    p.installed_size = 100000 + static_cast<uint64_t>(i);
    p.file_size = 40000 + static_cast<uint64_t>(i);
    p.checksum = "Q1" + base64_encode(sha1(p.name));
    for (int d = 1; d <= 4; ++d) p.depends.push_back(fmt::format("so:libdep{}.so.{}", (i + d) % 997, d));
    p.provides.push_back(fmt::format("so:lib{}.so.1=1.0", i));
    p.provides.push_back(fmt::format("cmd:tool{}={}", i, p.version));
    entries.push_back(std::move(p));
  }
  return entries;
}

struct Fixture {
  std::string text;
  std::string signed_index;
  Keyring keyring;
};

const Fixture& fixture() {
  static const Fixture f = [] {
    Fixture out;
    Index index;
    index.description = "bench";
    index.packages = generate_entries();
    out.text = format_index_text(index.packages);
    auto key = PrivateKey::generate("bench.rsa.pub", 2048);
    if (!key) throw std::runtime_error(key.error().message);
    auto bytes = write_index(index, &*key, 0);
    if (!bytes) throw std::runtime_error(bytes.error().message);
    out.signed_index = std::move(*bytes);
    out.keyring.add(key->public_key());
    return out;
  }();
  return f;
}

void BM_ParseIndexText(benchmark::State& state) {
  const auto& f = fixture();
  for (auto _ : state) {
    auto entries = parse_index_text(f.text);
    if (!entries || entries->size() != k_entries) state.SkipWithError("parse failed");
    benchmark::DoNotOptimize(entries);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * f.text.size()));
}

void BM_Baseline_LineScan(benchmark::State& state) {
  const auto& f = fixture();
  for (auto _ : state) {
    size_t lines = static_cast<size_t>(std::count(f.text.begin(), f.text.end(), '\n'));
    benchmark::DoNotOptimize(lines);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * f.text.size()));
}

void BM_ReadSignedIndex(benchmark::State& state) {
  const auto& f = fixture();
  for (auto _ : state) {
    auto index = read_index(f.signed_index, {.keyring = &f.keyring});
    if (!index) state.SkipWithError(index.error().message.c_str());
    benchmark::DoNotOptimize(index);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * f.signed_index.size()));
  state.counters["index_kb"] = static_cast<double>(f.signed_index.size()) / 1024;
}

void BM_Baseline_Gunzip(benchmark::State& state) {
  const auto& f = fixture();
  for (auto _ : state) {
    auto raw = io::gunzip(f.signed_index);
    benchmark::DoNotOptimize(raw);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * f.signed_index.size()));
}

BENCHMARK(BM_ParseIndexText)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Baseline_LineScan)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_ReadSignedIndex)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Baseline_Gunzip)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
