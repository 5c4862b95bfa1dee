// LayerWriter: an ordered pipeline. The caller's thread fills a chunk, hands it to a worker,
// hashes it (overlapping with its compression) and writes compressed chunks out in sequence;
// workers only compress. A ring of 2 slots per worker bounds memory and lets buffers be reused.
#include "oci/layer_writer.h"

#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>
#include <vector>

#include "base/digest.h"
#include "base/encoding.h"
#include "oci/chunk_compressor.h"
#include "oci/media_types.h"

namespace wisp::oci {

namespace {

constexpr size_t k_default_chunk = size_t{1} << 20;
constexpr size_t k_slots_per_worker = 2;

std::string digest_string(Hasher& hasher) { return "sha256:" + hex_encode(hasher.finish()); }

}  // namespace

std::string_view layer_media_type(Compression compression) {
  switch (compression) {
    case Compression::gzip: return k_oci_layer_gzip;
    case Compression::zstd: return k_oci_layer_zstd;
    case Compression::none: return k_oci_layer_tar;
  }
  return k_oci_layer_tar;
}

struct LayerWriter::Impl {
  struct Slot {
    std::string input;
    std::string output;
    bool ready = false;  // output holds the compressed input (guarded by mutex)
  };

  io::Sink& out;
  Compression compression;
  int level;
  size_t chunk_size;
  size_t threads;

  Hasher diff_hasher{DigestAlg::sha256};
  Hasher blob_hasher{DigestAlg::sha256};
  uint64_t in_size = 0;
  uint64_t out_size = 0;
  std::string current;  // the chunk being filled
  std::optional<Error> error;
  bool finished = false;

  // Pipeline state: chunks [next_write, next_dispatch) are in flight in `slots`.
  std::vector<Slot> slots;
  uint64_t next_dispatch = 0;
  uint64_t next_write = 0;
  std::mutex mutex;
  std::condition_variable work_ready;
  std::condition_variable chunk_done;
  std::deque<uint64_t> queue;
  std::optional<Error> worker_error;
  bool stopping = false;
  std::vector<std::thread> workers;

  Impl(io::Sink& sink, const LayerOptions& o)
      : out(sink),
        compression(o.compression),
        level(o.level),
        chunk_size(o.chunk_size == 0 ? k_default_chunk : o.chunk_size),
        threads(o.threads != 0 ? o.threads : std::max(1u, std::thread::hardware_concurrency())) {
    current.reserve(chunk_size);
  }

  ~Impl() {
    {
      std::lock_guard lock(mutex);
      stopping = true;
    }
    work_ready.notify_all();
    for (auto& t : workers) t.join();
  }

  /// Remembers the first error so that every later call reports it.
  std::unexpected<Error> failed(Error e) {
    error = e;
    return std::unexpected(std::move(e));
  }

  void start_workers() {
    slots.resize(threads * k_slots_per_worker);
    for (size_t i = 0; i < threads; ++i) workers.emplace_back([this] { work(); });
  }

  void work() {
    ChunkCompressor compressor(compression, level);
    for (;;) {
      uint64_t seq;
      {
        std::unique_lock lock(mutex);
        work_ready.wait(lock, [&] { return stopping || !queue.empty(); });
        if (stopping) return;
        seq = queue.front();
        queue.pop_front();
      }
      Slot& slot = slots[seq % slots.size()];
      auto st = compressor.compress(slot.input, slot.output);
      {
        std::lock_guard lock(mutex);
        if (!st && !worker_error) worker_error = st.error();
        slot.ready = true;
      }
      chunk_done.notify_one();
    }
  }

  Status emit(std::string_view compressed) {
    blob_hasher.update(compressed);
    out_size += compressed.size();
    auto st = out.write(compressed);
    if (!st) return failed(st.error());
    return {};
  }

  /// Writes the oldest in-flight chunk, waiting for it when `wait` (else only if ready).
  /// Returns false when it was not ready.
  Result<bool> write_oldest(bool wait) {
    Slot& slot = slots[next_write % slots.size()];
    {
      std::unique_lock lock(mutex);
      if (!slot.ready && !wait) return false;
      chunk_done.wait(lock, [&] { return slot.ready; });
      if (worker_error) return failed(*worker_error);
    }
    TRY(emit(slot.output));
    ++next_write;
    return true;
  }

  Status drain_ready() {
    while (next_write < next_dispatch) {
      TRY_ASSIGN(bool written, write_oldest(false));
      if (!written) break;
    }
    return {};
  }

  /// Hands `current` (a whole chunk, or the last one) to the pipeline.
  Status dispatch() {
    if (compression == Compression::none) {
      diff_hasher.update(current);
      auto st = out.write(current);
      out_size += current.size();
      current.clear();
      if (!st) return failed(st.error());
      return {};
    }
    if (workers.empty()) start_workers();
    if (next_dispatch - next_write == slots.size()) TRY(write_oldest(true));
    Slot& slot = slots[next_dispatch % slots.size()];
    slot.input.swap(current);
    current.clear();
    current.reserve(chunk_size);
    {
      std::lock_guard lock(mutex);
      slot.ready = false;
      queue.push_back(next_dispatch);
    }
    work_ready.notify_one();
    ++next_dispatch;
    // The worker reads slot.input too; neither writes it until the chunk has been emitted.
    diff_hasher.update(slot.input);
    return drain_ready();
  }

  Status write(std::string_view bytes) {
    if (error) return std::unexpected(*error);
    if (finished) return fail(Errc::internal, "layer written after finish()");
    in_size += bytes.size();
    while (!bytes.empty()) {
      // A full chunk is dispatched only once more bytes come, so that a layer of one chunk
      // never starts threads.
      if (current.size() == chunk_size) TRY(dispatch());
      size_t take = std::min(chunk_size - current.size(), bytes.size());
      current.append(bytes.substr(0, take));
      bytes.remove_prefix(take);
    }
    return {};
  }

  Result<LayerResult> finish() {
    if (error) return std::unexpected(*error);
    if (finished) return fail(Errc::internal, "LayerWriter::finish() called twice");
    finished = true;
    LayerResult result;
    result.uncompressed_size = in_size;
    result.blob.media_type = std::string(layer_media_type(compression));
    if (compression == Compression::none) {
      if (!current.empty()) TRY(dispatch());
      result.diff_id = digest_string(diff_hasher);
      result.blob.digest = result.diff_id;
      result.blob.size = out_size;
      return result;
    }
    if (workers.empty()) {
      // Zero or one chunk: compress here (an empty layer still gets one member or frame).
      diff_hasher.update(current);
      std::string compressed;
      ChunkCompressor compressor(compression, level);
      auto st = compressor.compress(current, compressed);
      if (!st) return failed(st.error());
      TRY(emit(compressed));
    } else {
      if (!current.empty()) TRY(dispatch());
      while (next_write < next_dispatch) TRY(write_oldest(true));
    }
    result.diff_id = digest_string(diff_hasher);
    result.blob.digest = digest_string(blob_hasher);
    result.blob.size = out_size;
    return result;
  }
};

LayerWriter::LayerWriter(io::Sink& out, LayerOptions options)
    : m_impl(std::make_unique<Impl>(out, options)) {}

LayerWriter::~LayerWriter() = default;

Status LayerWriter::write(std::string_view bytes) { return m_impl->write(bytes); }

Result<LayerResult> LayerWriter::finish() { return m_impl->finish(); }

}  // namespace wisp::oci
