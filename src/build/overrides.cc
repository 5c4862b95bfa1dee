// apko's command-line changes to a configuration (internal/cli/build.go, pkg/build/lock.go).
#include <algorithm>
#include <set>

#include "build/image_config.h"

namespace wisp::build {
namespace {

// apko's sets.List(sets.New(config...).Insert(extra...)): a sorted union.
void union_sorted(std::vector<std::string>& list, const std::vector<std::string>& extra) {
  if (extra.empty()) return;
  std::set<std::string> all(list.begin(), list.end());
  all.insert(extra.begin(), extra.end());
  list.assign(all.begin(), all.end());
}

bool is_annotation_key(std::string_view key) {
  if (key.empty()) return false;
  return std::ranges::all_of(key, [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.';
  });
}

bool digits(std::string_view s, size_t pos, size_t n, int& out) {
  if (pos + n > s.size()) return false;
  out = 0;
  for (size_t i = pos; i < pos + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    out = out * 10 + (s[i] - '0');
  }
  return true;
}

// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
int64_t days_from_civil(int64_t y, int m, int d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const int64_t yoe = y - era * 400;
  const int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

int days_in_month(int y, int m) {
  static constexpr int k_days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return m == 2 && leap ? 29 : k_days[m - 1];
}

}  // namespace

Result<int64_t> parse_rfc3339(std::string_view s) {
  auto bad = [&] {
    return fail(Errc::usage, "'{}' is not an RFC 3339 date (e.g. 2024-01-02T03:04:05Z)", s);
  };
  int year, month, day, hour, minute, second;
  if (!digits(s, 0, 4, year) || s.size() < 20 || s[4] != '-' || !digits(s, 5, 2, month) ||
      s[7] != '-' || !digits(s, 8, 2, day) || s[10] != 'T' || !digits(s, 11, 2, hour) ||
      s[13] != ':' || !digits(s, 14, 2, minute) || s[16] != ':' || !digits(s, 17, 2, second))
    return bad();
  size_t pos = 19;
  if (s[pos] == '.' || s[pos] == ',') {  // fractional seconds, as Go accepts and we drop
    size_t start = ++pos;
    while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') ++pos;
    if (pos == start) return bad();
  }
  int64_t offset = 0;
  if (pos < s.size() && s[pos] == 'Z' && pos + 1 == s.size()) {
    // UTC
  } else if (pos < s.size() && (s[pos] == '+' || s[pos] == '-') && pos + 6 == s.size()) {
    int oh, om;
    if (!digits(s, pos + 1, 2, oh) || s[pos + 3] != ':' || !digits(s, pos + 4, 2, om) || oh > 23 ||
        om > 59)
      return bad();
    offset = (oh * 60 + om) * 60;
    if (s[pos] == '-') offset = -offset;
  } else {
    return bad();
  }
  if (month < 1 || month > 12 || day < 1 || day > days_in_month(year, month) || hour > 23 ||
      minute > 59 || second > 59)
    return bad();
  return days_from_civil(year, month, day) * 86400 + hour * 3600 + minute * 60 + second - offset;
}

Status apply_overrides(ImageConfig& config, const Overrides& overrides) {
  if (!overrides.archs.empty()) {
    TRY(parse_archs(overrides.archs));  // reject unknown names now, not at build time
    config.archs = overrides.archs;
  }
  union_sorted(config.contents.packages, overrides.package_append);
  union_sorted(config.contents.repositories, overrides.repository_append);
  union_sorted(config.contents.build_repositories, overrides.build_repository_append);
  union_sorted(config.contents.keyring, overrides.keyring_append);

  std::map<std::string, std::string> given;
  for (const std::string& raw : overrides.annotations) {
    size_t colon = raw.find(':');
    if (colon == std::string::npos)
      return fail(Errc::usage, "annotation '{}': expected key:value", raw);
    std::string key = raw.substr(0, colon);
    if (!is_annotation_key(key))
      return fail(Errc::usage, "annotation key '{}' is malformed (allowed: a-z 0-9 . -)", key);
    if (!given.emplace(key, raw.substr(colon + 1)).second)
      return fail(Errc::usage, "annotation '{}' is given more than once", key);
  }
  for (auto& [key, value] : given) config.annotations[key] = value;

  if (!overrides.build_date.empty()) {
    TRY_ASSIGN(int64_t date, parse_rfc3339(overrides.build_date));
    config.build_date = date;
  }
  return {};
}

}  // namespace wisp::build
