#include "base/log.h"

#include <atomic>
#include <cstdio>
#include <mutex>

namespace wisp::log {

namespace {
std::atomic<Level> g_level{Level::warn};
std::mutex g_mutex;
}  // namespace

void set_level(Level new_level) { g_level = new_level; }
Level level() { return g_level; }

void write(Level msg_level, std::string_view message) {
  static constexpr std::string_view k_prefix[] = {"error: ", "warning: ", "", "debug: "};
  std::lock_guard lock(g_mutex);
  fmt::print(stderr, "wisp: {}{}\n", k_prefix[static_cast<int>(msg_level)], message);
}

void write_note(std::string_view message) {
  std::lock_guard lock(g_mutex);
  fmt::print(stderr, "wisp: note: {}\n", message);
}

}  // namespace wisp::log
