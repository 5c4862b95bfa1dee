// Package verification: a real Wolfi package and a generated 32 MiB package, read with full
// checks (signature, Q1, datahash, per-file SHA-1, paths). Baseline in the same process: only
// inflating the same bytes and hashing the result, the floor any verifier pays.
#include <benchmark/benchmark.h>

#include <filesystem>
#include <fmt/format.h>
#include <random>

#include "base/digest.h"
#include "base/file.h"
#include "io/gzip.h"
#include "pkg/apk/keys.h"
#include "pkg/apk/package.h"

namespace {

using namespace wisp;
using namespace wisp::pkg::apk;
namespace fs = std::filesystem;

struct Sample {
  std::string bytes;
  Keyring keyring;
};

Sample load_real() {
  Sample s;
  std::string dir = std::string(WISP_TESTDATA) + "/apk/wolfi-packages";
  s.bytes = read_file(dir + "/aarch64/hello-wolfi-2.12-r1.apk").value();
  s.keyring.add(PublicKey::load(dir + "/wolfi-signing.rsa.pub").value());
  return s;
}

// 256 files of 128 KiB: half random (incompressible), half text-like.
Sample make_generated() {
  Sample s;
  auto tmp = TempDir::create("wisp-bench").value();
  std::mt19937_64 rng(42);
  for (int i = 0; i < 256; ++i) {
    fs::path path = tmp.path() / fmt::format("usr/lib/bench/d{}/file{}.bin", i % 16, i);
    fs::create_directories(path.parent_path());
    std::string content(128 * 1024, '\0');
    for (size_t k = 0; k < content.size(); ++k)
      content[k] = i % 2 ? static_cast<char>(rng()) : "lorem ipsum dolor sit amet\n"[k % 27];
    write_file_atomic(path, content).value();
  }
  auto key = PrivateKey::generate("bench.rsa.pub", 2048).value();
  PackageInfo meta;
  meta.name = "bench";
  meta.version = "1.0-r0";
  meta.arch = "x86_64";
  PackageWriteOptions options;
  options.key = &key;
  options.source_date_epoch = 0;
  s.bytes = write_package(meta, tmp.path(), options).value();
  s.keyring.add(key.public_key());
  return s;
}

const Sample& sample(int which) {
  static const Sample real = load_real();
  static const Sample generated = make_generated();
  return which == 0 ? real : generated;
}

void BM_VerifyPackage(benchmark::State& state) {
  const auto& s = sample(static_cast<int>(state.range(0)));
  for (auto _ : state) {
    auto package = read_package(s.bytes, {.keyring = &s.keyring});
    if (!package) state.SkipWithError(package.error().message.c_str());
    benchmark::DoNotOptimize(package);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * s.bytes.size()));
  state.SetLabel(fmt::format("{} KiB apk", s.bytes.size() / 1024));
}

void BM_Baseline_GunzipSha256(benchmark::State& state) {
  const auto& s = sample(static_cast<int>(state.range(0)));
  for (auto _ : state) {
    auto raw = io::gunzip(s.bytes);
    if (!raw) state.SkipWithError("gunzip failed");
    benchmark::DoNotOptimize(sha256(*raw));
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * s.bytes.size()));
  state.SetLabel(fmt::format("{} KiB apk", s.bytes.size() / 1024));
}

// range(0): 0 = real hello-wolfi package, 1 = generated 32 MiB package.
BENCHMARK(BM_VerifyPackage)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Baseline_GunzipSha256)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
