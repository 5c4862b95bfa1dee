#include "pkg/deb/version.h"

#include <climits>

namespace wisp::pkg::deb {
namespace {

bool is_blank(char c) { return c == ' ' || c == '\t'; }
bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

// dpkg separates hard errors (the version is refused) from warnings (dpkg compares it anyway,
// and so does compare_versions); parse_version refuses both.
enum class Verdict { ok, warning, error };

struct Parsed {
  Version version;
  Verdict verdict = Verdict::ok;
  std::string_view problem;
};

Parsed fail_with(Verdict verdict, std::string_view problem) {
  Parsed p;
  p.verdict = verdict;
  p.problem = problem;
  return p;
}

// The structure of dpkg's parseversion. The epoch is stricter than dpkg's strtol: only digits
// (dpkg also takes "+1:" and "-0:", which no real version uses).
Parsed parse_lax(std::string_view text) {
  size_t begin = 0;
  while (begin < text.size() && is_blank(text[begin])) ++begin;
  size_t end = text.size();
  while (end > begin && is_blank(text[end - 1])) --end;
  std::string_view s = text.substr(begin, end - begin);
  if (s.empty()) return fail_with(Verdict::error, "version string is empty");
  for (char c : s) {
    if (is_blank(c)) return fail_with(Verdict::error, "version string has embedded spaces");
  }

  Parsed p;
  size_t colon = s.find(':');
  if (colon != std::string_view::npos) {
    std::string_view epoch = s.substr(0, colon);
    if (epoch.empty()) return fail_with(Verdict::error, "epoch in version is empty");
    uint64_t value = 0;
    for (char c : epoch) {
      if (!is_digit(c)) return fail_with(Verdict::error, "epoch in version is not number");
      value = value * 10 + static_cast<uint64_t>(c - '0');
      if (value > INT_MAX) return fail_with(Verdict::error, "epoch in version is too big");
    }
    s.remove_prefix(colon + 1);
    if (s.empty()) return fail_with(Verdict::error, "nothing after colon in version number");
    p.version.epoch = value;
  }

  size_t hyphen = s.rfind('-');
  std::string_view upstream = s;
  std::string_view revision;
  if (hyphen != std::string_view::npos) {
    upstream = s.substr(0, hyphen);
    revision = s.substr(hyphen + 1);
    if (revision.empty()) return fail_with(Verdict::error, "revision number is empty");
  }
  if (upstream.empty()) return fail_with(Verdict::error, "version number is empty");
  p.version.upstream = std::string(upstream);
  p.version.revision = std::string(revision);

  if (!is_digit(upstream.front())) {
    p.verdict = Verdict::warning;
    p.problem = "version number does not start with digit";
    return p;
  }
  for (char c : upstream) {
    if (!is_digit(c) && !is_alpha(c) && std::string_view(".-+~:").find(c) == std::string_view::npos) {
      p.verdict = Verdict::warning;
      p.problem = "invalid character in version number";
      return p;
    }
  }
  for (char c : revision) {
    if (!is_digit(c) && !is_alpha(c) && std::string_view(".+~").find(c) == std::string_view::npos) {
      p.verdict = Verdict::warning;
      p.problem = "invalid character in revision number";
      return p;
    }
  }
  return p;
}

// Rank of a character in a non-digit run: '~' first, then the end of the run (and digits),
// then letters, then everything else.
int order(std::string_view s, size_t i) {
  if (i >= s.size()) return 0;
  char c = s[i];
  if (is_digit(c)) return 0;
  if (is_alpha(c)) return static_cast<unsigned char>(c);
  if (c == '~') return -1;
  return static_cast<unsigned char>(c) + 256;
}

// dpkg's verrevcmp. Digit runs compare numerically at any length: leading zeros skipped, then
// the longer run wins, else the first differing digit.
int compare_part(std::string_view a, std::string_view b) {
  size_t i = 0;
  size_t j = 0;
  while (i < a.size() || j < b.size()) {
    while ((i < a.size() && !is_digit(a[i])) || (j < b.size() && !is_digit(b[j]))) {
      int ac = order(a, i);
      int bc = order(b, j);
      if (ac != bc) return ac < bc ? -1 : 1;
      ++i;
      ++j;
    }
    while (i < a.size() && a[i] == '0') ++i;
    while (j < b.size() && b[j] == '0') ++j;
    int first_diff = 0;
    while (i < a.size() && is_digit(a[i]) && j < b.size() && is_digit(b[j])) {
      if (first_diff == 0 && a[i] != b[j]) first_diff = a[i] < b[j] ? -1 : 1;
      ++i;
      ++j;
    }
    if (i < a.size() && is_digit(a[i])) return 1;
    if (j < b.size() && is_digit(b[j])) return -1;
    if (first_diff != 0) return first_diff;
  }
  return 0;
}

Version lax_version(std::string_view text) {
  Parsed p = parse_lax(text);
  if (p.verdict != Verdict::error) return std::move(p.version);
  Version v;
  v.upstream = std::string(text);
  return v;
}

}  // namespace

Result<Version> parse_version(std::string_view text) {
  Parsed p = parse_lax(text);
  if (p.verdict != Verdict::ok) return fail(Errc::bad_format, "version '{}': {}", text, p.problem);
  return std::move(p.version);
}

bool version_is_valid(std::string_view text) { return parse_lax(text).verdict == Verdict::ok; }

int compare_versions(const Version& a, const Version& b) {
  if (a.epoch != b.epoch) return a.epoch < b.epoch ? -1 : 1;
  if (int r = compare_part(a.upstream, b.upstream); r != 0) return r;
  return compare_part(a.revision, b.revision);
}

int compare_versions(std::string_view a, std::string_view b) {
  return compare_versions(lax_version(a), lax_version(b));
}

}  // namespace wisp::pkg::deb
