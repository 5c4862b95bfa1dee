// RFC 3339 times as OCI configs, history entries and annotations carry them.
#include <algorithm>

#include <fmt/format.h>

#include "oci/objects.h"

namespace wisp::oci {

namespace {

struct CivilDate {
  int64_t year;
  unsigned month, day;
};

/// Days since 1970-01-01 to a proleptic Gregorian date (H. Hinnant's civil_from_days).
CivilDate civil_from_days(int64_t days) {
  days += 719468;
  const int64_t era = (days >= 0 ? days : days - 146096) / 146097;
  const auto doe = static_cast<unsigned>(days - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned day = doy - (153 * mp + 2) / 5 + 1;
  const unsigned month = mp < 10 ? mp + 3 : mp - 9;
  const int64_t year = static_cast<int64_t>(yoe) + era * 400 + (month <= 2 ? 1 : 0);
  return {year, month, day};
}

bool digits(std::string_view s, size_t at, size_t count, unsigned& value) {
  if (s.size() < at + count) return false;
  value = 0;
  for (size_t i = at; i < at + count; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    value = value * 10 + static_cast<unsigned>(s[i] - '0');
  }
  return true;
}

bool is_leap(unsigned year) { return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0; }

}  // namespace

std::string rfc3339_utc(int64_t unix_seconds) {
  // 0000-01-01T00:00:00Z .. 9999-12-31T23:59:59Z, the years four digits can hold.
  constexpr int64_t k_min = -62167219200;
  constexpr int64_t k_max = 253402300799;
  unix_seconds = std::clamp(unix_seconds, k_min, k_max);
  int64_t days = unix_seconds / 86400;
  int64_t rest = unix_seconds % 86400;
  if (rest < 0) {
    rest += 86400;
    --days;
  }
  CivilDate date = civil_from_days(days);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z", date.year, date.month, date.day,
                     rest / 3600, rest / 60 % 60, rest % 60);
}

bool is_rfc3339(std::string_view s) {
  static constexpr unsigned k_month_days[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  unsigned year, month, day, hour, minute, second;
  if (!digits(s, 0, 4, year) || s.size() < 19 || s[4] != '-' || !digits(s, 5, 2, month) ||
      s[7] != '-' || !digits(s, 8, 2, day) || (s[10] != 'T' && s[10] != 't') ||
      !digits(s, 11, 2, hour) || s[13] != ':' || !digits(s, 14, 2, minute) || s[16] != ':' ||
      !digits(s, 17, 2, second))
    return false;
  if (month < 1 || month > 12 || day < 1 || day > k_month_days[month - 1] ||
      (month == 2 && day == 29 && !is_leap(year)) || hour > 23 || minute > 59 || second > 59)
    return false;
  size_t at = 19;
  if (at < s.size() && s[at] == '.') {
    size_t start = ++at;
    while (at < s.size() && s[at] >= '0' && s[at] <= '9') ++at;
    if (at == start || at - start > 9) return false;
  }
  if (at >= s.size()) return false;
  if (s[at] == 'Z' || s[at] == 'z') return at + 1 == s.size();
  if (s[at] != '+' && s[at] != '-') return false;
  unsigned off_hour, off_minute;
  return s.size() == at + 6 && digits(s, at + 1, 2, off_hour) && s[at + 3] == ':' &&
         digits(s, at + 4, 2, off_minute) && off_hour <= 23 && off_minute <= 59;
}

}  // namespace wisp::oci
