#include "base/thread_pool.h"

#include <algorithm>
#include <atomic>

namespace wisp {

ThreadPool::ThreadPool(size_t threads) {
  if (threads == 0) threads = std::max(1u, std::thread::hardware_concurrency());
  m_workers.reserve(threads);
  for (size_t i = 0; i < threads; ++i) m_workers.emplace_back([this] { run(); });
}

ThreadPool::~ThreadPool() {
  {
    std::lock_guard lock(m_mutex);
    m_stopping = true;
  }
  m_work_ready.notify_all();
  for (auto& worker : m_workers) worker.join();
}

void ThreadPool::submit(std::function<void()> task) {
  {
    std::lock_guard lock(m_mutex);
    m_tasks.push_back(std::move(task));
    ++m_in_flight;
  }
  m_work_ready.notify_one();
}

void ThreadPool::wait() {
  std::unique_lock lock(m_mutex);
  m_all_done.wait(lock, [this] { return m_in_flight == 0; });
}

void ThreadPool::run() {
  for (;;) {
    std::function<void()> task;
    {
      std::unique_lock lock(m_mutex);
      m_work_ready.wait(lock, [this] { return m_stopping || !m_tasks.empty(); });
      if (m_tasks.empty()) return;
      task = std::move(m_tasks.front());
      m_tasks.pop_front();
    }
    task();
    std::lock_guard lock(m_mutex);
    if (--m_in_flight == 0) m_all_done.notify_all();
  }
}

void parallel_for(size_t count, const std::function<void(size_t)>& fn, size_t threads) {
  if (threads == 0) threads = std::max(1u, std::thread::hardware_concurrency());
  threads = std::min(threads, count);
  if (threads <= 1) {
    for (size_t i = 0; i < count; ++i) fn(i);
    return;
  }
  std::atomic<size_t> next{0};
  std::vector<std::thread> workers;
  workers.reserve(threads);
  for (size_t t = 0; t < threads; ++t) {
    workers.emplace_back([&] {
      for (size_t i = next++; i < count; i = next++) fn(i);
    });
  }
  for (auto& worker : workers) worker.join();
}

}  // namespace wisp
