// Layer compression: LayerWriter (diff ID + chunked parallel gzip/zstd) on a ~64 MiB tar of
// this machine's shared libraries, with one worker and with one per hardware thread. Baselines
// in the same process: io::GzipWriter (zlib level 6, one stream, what a serial writer costs)
// and a bare sha256 of the tar (the diff ID floor every writer pays).
#include <benchmark/benchmark.h>

#include <algorithm>
#include <filesystem>
#include <fmt/format.h>
#include <thread>
#include <time.h>

#include "base/digest.h"
#include "base/file.h"
#include "io/gzip.h"
#include "io/tar.h"
#include "oci/layer_writer.h"

namespace {

using namespace wisp;
namespace fs = std::filesystem;

constexpr size_t k_target_size = size_t{64} << 20;

/// A tar of the first shared objects (by name) in the system library dir, up to ~64 MiB: real
/// ELF code and data, the typical content of a distroless layer.
const std::string& sample_tar() {
  static const std::string tar = [] {
    std::vector<fs::path> files;
    std::error_code ec;
    for (const auto& e : fs::directory_iterator("/usr/lib/x86_64-linux-gnu", ec))
      if (e.is_regular_file() && e.path().filename().string().find(".so") != std::string::npos)
        files.push_back(e.path());
    std::sort(files.begin(), files.end());
    std::string out;
    io::StringSink sink(out);
    io::TarWriter writer(sink);
    for (const auto& path : files) {
      if (out.size() >= k_target_size) break;
      auto content = read_file(path, k_target_size);
      if (!content) continue;
      io::TarEntry entry;
      entry.path = "usr/lib/" + path.filename().string();
      entry.size = content->size();
      entry.mode = 0755;
      (void)writer.add(entry, *content);
    }
    (void)writer.finish();
    return out;
  }();
  return tar;
}

/// Counts what it is given and drops it.
class CountingSink final : public io::Sink {
 public:
  Status write(std::string_view bytes) override {
    m_size += bytes.size();
    return {};
  }
  uint64_t size() const { return m_size; }

 private:
  uint64_t m_size = 0;
};

/// The tar fed in 64 KiB writes, as a tar producer would.
template <typename Write>
void feed(const std::string& tar, Write&& write) {
  for (size_t at = 0; at < tar.size(); at += 64 << 10) write(std::string_view(tar).substr(at, 64 << 10));
}

/// CPU seconds used by every thread of the process: on a shared machine, MB per CPU-second
/// says what a layer costs even when wall-clock time depends on the neighbours.
double process_cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

void report(benchmark::State& state, uint64_t in, uint64_t out, double cpu_seconds) {
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * in));
  state.counters["MB_per_cpu_s"] =
      static_cast<double>(state.iterations() * in) / 1e6 / std::max(cpu_seconds, 1e-9);
  state.counters["ratio"] = static_cast<double>(out) / static_cast<double>(in);
  state.SetLabel(fmt::format("{} MiB tar", in >> 20));
}

// range(0): 0 = gzip, 1 = zstd; range(1): worker threads (0 = hardware threads).
void BM_LayerWriter(benchmark::State& state) {
  const std::string& tar = sample_tar();
  oci::LayerOptions options;
  options.compression = state.range(0) == 0 ? oci::Compression::gzip : oci::Compression::zstd;
  options.threads = static_cast<size_t>(state.range(1));
  uint64_t out_size = 0;
  const double cpu_start = process_cpu_seconds();
  for (auto _ : state) {
    CountingSink sink;
    oci::LayerWriter writer(sink, options);
    feed(tar, [&](std::string_view piece) { (void)writer.write(piece); });
    auto result = writer.finish();
    if (!result) state.SkipWithError(result.error().message.c_str());
    out_size = sink.size();
  }
  report(state, tar.size(), out_size, process_cpu_seconds() - cpu_start);
}

void BM_Baseline_GzipWriterZlib6(benchmark::State& state) {
  const std::string& tar = sample_tar();
  uint64_t out_size = 0;
  const double cpu_start = process_cpu_seconds();
  for (auto _ : state) {
    CountingSink sink;
    io::HashSink diff_id(DigestAlg::sha256);
    io::GzipWriter gzip(sink, 6);
    feed(tar, [&](std::string_view piece) {
      (void)diff_id.write(piece);
      (void)gzip.write(piece);
    });
    (void)gzip.finish();
    benchmark::DoNotOptimize(diff_id.finish());
    out_size = sink.size();
  }
  report(state, tar.size(), out_size, process_cpu_seconds() - cpu_start);
}

void BM_Baseline_Sha256(benchmark::State& state) {
  const std::string& tar = sample_tar();
  const double cpu_start = process_cpu_seconds();
  for (auto _ : state) benchmark::DoNotOptimize(sha256(tar));
  report(state, tar.size(), tar.size(), process_cpu_seconds() - cpu_start);
}

BENCHMARK(BM_LayerWriter)
    ->ArgNames({"zstd", "threads"})
    ->Args({0, 1})
    ->Args({0, 0})
    ->Args({1, 1})
    ->Args({1, 0})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();
BENCHMARK(BM_Baseline_GzipWriterZlib6)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_Baseline_Sha256)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
