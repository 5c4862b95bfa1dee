#include "registry/retry.h"

#include <algorithm>
#include <thread>

#include "base/strings.h"

namespace wisp::registry {

void RetryPolicy::wait(Millis delay) const {
  if (delay.count() <= 0) return;
  if (sleep) sleep(delay);
  else std::this_thread::sleep_for(delay);
}

bool is_retryable_status(long status) {
  if (status == 408 || status == 429) return true;
  return status >= 500 && status <= 599 && status != 501 && status != 505;
}

bool is_retryable_error(const Error& error) { return error.code == Errc::network; }

std::optional<Millis> parse_retry_after(std::string_view value, std::time_t now) {
  value = trim(value);
  if (value.empty()) return std::nullopt;
  if (auto seconds = parse_u64(value)) {
    uint64_t capped = std::min<uint64_t>(*seconds, uint64_t{1} << 31);
    return Millis(static_cast<int64_t>(capped) * 1000);
  }
  std::tm tm{};
  std::string text(value);
  const char* end = strptime(text.c_str(), "%a, %d %b %Y %H:%M:%S GMT", &tm);
  if (!end || *end != '\0') return std::nullopt;
  std::time_t at = timegm(&tm);
  if (at <= now) return Millis(0);
  return Millis(static_cast<int64_t>(at - now) * 1000);
}

Millis backoff_delay(const RetryPolicy& policy, int attempt, std::optional<Millis> retry_after) {
  if (retry_after) return std::min(*retry_after, policy.max_retry_after);
  Millis delay = policy.initial_delay;
  for (int i = 1; i < attempt && delay < policy.max_delay; ++i) delay *= 2;
  return std::min(delay, policy.max_delay);
}

}  // namespace wisp::registry
