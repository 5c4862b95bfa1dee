// One concurrency vocabulary: a fixed pool of workers and a data-parallel for-each on top.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace wisp {

class ThreadPool {
 public:
  /// `threads` == 0 means one per hardware thread.
  explicit ThreadPool(size_t threads = 0);
  ~ThreadPool();
  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;

  void submit(std::function<void()> task);
  /// Blocks until every submitted task has finished.
  void wait();
  size_t size() const { return m_workers.size(); }

 private:
  void run();
  std::vector<std::thread> m_workers;
  std::deque<std::function<void()>> m_tasks;
  std::mutex m_mutex;
  std::condition_variable m_work_ready;
  std::condition_variable m_all_done;
  size_t m_in_flight = 0;
  bool m_stopping = false;
};

/// Calls fn(i) for i in [0, count) on up to `threads` threads (0 = hardware threads).
/// Runs inline when count <= 1 or threads == 1.
void parallel_for(size_t count, const std::function<void(size_t)>& fn, size_t threads = 0);

}  // namespace wisp
