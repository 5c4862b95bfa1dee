// When and how long to wait before trying a registry request again: connection failures,
// 408, 429 and 5xx (except 501 and 505, which will not change) are retried with exponential
// backoff, and a Retry-After header (seconds or an HTTP date) replaces the computed delay, up
// to a cap so a hostile server cannot park the client.
#pragma once

#include <chrono>
#include <ctime>
#include <functional>
#include <optional>
#include <string_view>

#include "base/result.h"

namespace wisp::registry {

using Millis = std::chrono::milliseconds;

struct RetryPolicy {
  int attempts = 5;  // tries of one request, the first included; 1 = no retries
  Millis initial_delay{200};
  Millis max_delay{5000};
  Millis max_retry_after{60000};
  /// How to wait; tests substitute a recorder. Default: std::this_thread::sleep_for.
  std::function<void(Millis)> sleep;

  void wait(Millis delay) const;
};

/// Statuses worth another try: 408, 429, 500, 502, 503, 504 and other 5xx but 501/505.
bool is_retryable_status(long status);

/// Errors worth another try: Errc::network (connection refused or reset, timeouts, TLS
/// handshakes cut short).
bool is_retryable_error(const Error& error);

/// The delay a Retry-After value asks for: delta-seconds ("120") or an IMF-fixdate
/// ("Wed, 21 Oct 2015 07:28:00 GMT", relative to `now`; a past date is 0). nullopt when the
/// value is neither.
std::optional<Millis> parse_retry_after(std::string_view value, std::time_t now);

/// The delay before try number `attempt` + 1 (attempt >= 1): initial_delay * 2^(attempt-1)
/// capped at max_delay, or the Retry-After delay (capped at max_retry_after) when given.
Millis backoff_delay(const RetryPolicy& policy, int attempt, std::optional<Millis> retry_after);

}  // namespace wisp::registry
