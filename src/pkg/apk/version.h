// apk package versions (apk-format.md §4.1, §4.2): validity, ordering and constraint matching,
// with the behaviour of apk-tools' tokenizer, including its answers for invalid versions.
#pragma once

#include <cstdint>
#include <string_view>

#include "base/result.h"

namespace wisp::pkg::apk {

/// True when `v` follows apk's grammar
/// `digits{.digits}[letter]{_suffix[digits]}[~hexhash][-rN]`, suffix one of alpha, beta, pre,
/// rc, cvs, svn, git, hg, p. The empty string is invalid.
bool version_is_valid(std::string_view v);

enum class VersionOrder { less, equal, greater };

/// Orders two versions as apk does: <0, 0 or >0. Defined for every string: apk compares the
/// valid leading components and then lets an invalid component rank below the end of the
/// string ("1.0bc" < "1.0b", yet "1.0" < "1.0bc"); two strings that turn invalid at the same
/// component compare equal.
int compare_versions(std::string_view a, std::string_view b);

/// Like compare_versions, but returns 0 when `prefix` runs out first with all its components
/// equal to those of `version` (apk's `~`): "3.6.9" matches "3.6", "3.8" does not match "3.8.1".
int compare_versions_fuzzy(std::string_view version, std::string_view prefix);

/// compare_versions as an enum.
VersionOrder order_versions(std::string_view a, std::string_view b);

/// "<", "=" or ">", as `apk version -t` prints it.
std::string_view version_order_symbol(VersionOrder order);

/// A version constraint as a bitmask, like apk's: `<=` is less|equal, `~` is equal|fuzzy.
/// `any` (less|equal|greater) accepts every version; `checksum` (`><`) pins a package identity.
enum class Op : uint8_t {
  none = 0,
  less = 1,
  equal = 2,
  greater = 4,
  fuzzy = 8,
  checksum = 16,
  any = less | equal | greater,
};

constexpr Op operator|(Op a, Op b) { return Op(uint8_t(a) | uint8_t(b)); }
constexpr Op operator&(Op a, Op b) { return Op(uint8_t(a) & uint8_t(b)); }
/// True when every bit of `bits` is set in `op`.
constexpr bool has_all(Op op, Op bits) { return (op & bits) == bits; }
constexpr bool has_any(Op op, Op bits) { return (op & bits) != Op::none; }

/// Reads an operator written as a run of `<`, `>`, `=`, `~` the way apk does: each character
/// adds its bits (`~` adds equal|fuzzy), and `><` (or `<>`) is the checksum pin. Errc::bad_format
/// for an empty run, other characters, or a run that constrains nothing (`<>=`).
Result<Op> parse_op(std::string_view text);

/// The canonical spelling: "<", "<=", "<~", "~", "=", ">=", ">~", ">", "><", or "" for any.
/// Masks that parse_op never produces print as "?".
std::string_view op_string(Op op);

/// Whether `version` satisfies `op wanted`: `any` always; the ordering bits compare with
/// compare_versions (compare_versions_fuzzy when `fuzzy` is set) and accept when the result's
/// bit is in `op`. With `checksum`, `version` must be the package identity, equal byte for byte
/// to `wanted`.
bool version_matches(std::string_view version, Op op, std::string_view wanted);

}  // namespace wisp::pkg::apk
