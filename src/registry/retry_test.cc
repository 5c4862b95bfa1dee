#include "registry/retry.h"

#include <gtest/gtest.h>

namespace wisp::registry {
namespace {

TEST(Retry, WhichStatusesAndErrors) {
  for (long s : {408L, 429L, 500L, 502L, 503L, 504L, 599L}) EXPECT_TRUE(is_retryable_status(s)) << s;
  for (long s : {200L, 201L, 400L, 401L, 403L, 404L, 416L, 501L, 505L}) EXPECT_FALSE(is_retryable_status(s)) << s;
  EXPECT_TRUE(is_retryable_error(Error{Errc::network, "reset"}));
  EXPECT_FALSE(is_retryable_error(Error{Errc::unauthorized, "no"}));
  EXPECT_FALSE(is_retryable_error(Error{Errc::digest_mismatch, "no"}));
}

TEST(Retry, RetryAfterSecondsAndDates) {
  EXPECT_EQ(parse_retry_after("120", 0), Millis(120000));
  EXPECT_EQ(parse_retry_after(" 0 ", 0), Millis(0));
  // Wed, 21 Oct 2015 07:28:00 GMT = 1445412480
  EXPECT_EQ(parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT", 1445412470), Millis(10000));
  EXPECT_EQ(parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT", 1445412490), Millis(0));
  EXPECT_FALSE(parse_retry_after("", 0));
  EXPECT_FALSE(parse_retry_after("soon", 0));
  EXPECT_FALSE(parse_retry_after("-5", 0));
  EXPECT_FALSE(parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT trailing", 0));
}

TEST(Retry, BackoffDoublesUpToTheCapAndRetryAfterWins) {
  RetryPolicy p;
  p.initial_delay = Millis(100);
  p.max_delay = Millis(1000);
  p.max_retry_after = Millis(5000);
  EXPECT_EQ(backoff_delay(p, 1, std::nullopt), Millis(100));
  EXPECT_EQ(backoff_delay(p, 2, std::nullopt), Millis(200));
  EXPECT_EQ(backoff_delay(p, 4, std::nullopt), Millis(800));
  EXPECT_EQ(backoff_delay(p, 5, std::nullopt), Millis(1000));
  EXPECT_EQ(backoff_delay(p, 60, std::nullopt), Millis(1000));
  EXPECT_EQ(backoff_delay(p, 1, Millis(3000)), Millis(3000));
  EXPECT_EQ(backoff_delay(p, 1, Millis(999999)), Millis(5000));
  std::vector<Millis> waited;
  p.sleep = [&](Millis m) { waited.push_back(m); };
  p.wait(Millis(7));
  p.wait(Millis(0));
  EXPECT_EQ(waited, std::vector<Millis>{Millis(7)});
}

}  // namespace
}  // namespace wisp::registry
