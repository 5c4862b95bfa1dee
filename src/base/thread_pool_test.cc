#include "base/thread_pool.h"

#include <gtest/gtest.h>

#include <atomic>

namespace wisp {

TEST(ThreadPool, RunsEveryTask) {
  ThreadPool pool(3);
  std::atomic<int> sum{0};
  for (int i = 1; i <= 100; ++i) pool.submit([&, i] { sum += i; });
  pool.wait();
  EXPECT_EQ(sum, 5050);
}

TEST(ParallelFor, VisitsEachIndexOnce) {
  std::vector<std::atomic<int>> hits(1000);
  parallel_for(hits.size(), [&](size_t i) { hits[i]++; }, 4);
  for (auto& h : hits) EXPECT_EQ(h, 1);
}

}  // namespace wisp
