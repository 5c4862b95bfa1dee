// Dependency atoms (`D:`, world, install_if) and provides (`p:`) — apk-format.md §4.3, §5.1.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "pkg/apk/version.h"

namespace wisp::pkg::apk {

/// A provided name, optionally versioned: `so:libc.so.6`, `cmd:sh=1.36.1-r2`.
struct Provide {
  std::string name;
  std::string version;  // empty: an unversioned ("virtual") provide

  bool operator==(const Provide&) const = default;
};

/// One atom `[!]name[@tag][op version]`.
struct Dependency {
  std::string name;
  std::string tag;     // repository tag, without the '@'; empty for none
  Op op = Op::any;     // Op::any exactly when `version` is empty
  std::string version; // a valid version, or the identity (Q1...) for Op::checksum
  bool conflict = false;

  bool operator==(const Dependency&) const = default;

  /// Whether a package `name`-`version` matches the name and the version constraint, ignoring
  /// `conflict`. For a `><` pin, `identity` (the package's `C:` value) must equal `version`.
  bool matches(std::string_view pkg_name, std::string_view pkg_version,
               std::string_view identity = {}) const;
  /// Whether a provide matches. An unversioned provide matches only an atom without a version
  /// constraint (the provide promises no version); a versioned one is compared like a package.
  /// A `><` pin never matches a provide (it names a package identity).
  bool matches(const Provide& provide) const;

  /// Whether installing the package keeps this atom true: matches() for a dependency; for a
  /// conflict (`!name...`), that the package does *not* match (packages of other names do not
  /// matter, so they satisfy a conflict and not a dependency — as in apk).
  bool satisfied_by(std::string_view pkg_name, std::string_view pkg_version,
                    std::string_view identity = {}) const;
  bool satisfied_by(const Provide& provide) const;
};

/// Characters apk allows in a package's own name: letters, digits and `+ - . _`.
bool is_valid_package_name(std::string_view name);
/// Names in atoms and provides may also contain `: / , [ ]` (namespaces: `so:`, `cmd:`, `pc:`,
/// `py3.10:`, and paths such as `/bin/sh`).
bool is_valid_dependency_name(std::string_view name);

/// Parses `[!]name[@tag][op version]` (apk's order). apko's `name=version@tag` (tag last) is
/// accepted too and means the same; format_dependency writes apk's order. The operator is read
/// by parse_op; a version must be valid (version_is_valid) except after `><`, where it is an
/// identity. Errc::bad_format, naming the atom, for an empty or bad name, an empty or bad tag, an
/// operator without a version, an invalid version, or two tags.
Result<Dependency> parse_dependency(std::string_view atom);

/// `[!]name[@tag][op version]`; parse_dependency(format_dependency(d)) == d for parsed atoms.
std::string format_dependency(const Dependency& dep);

/// Parses atoms separated by spaces, tabs or newlines; the first bad atom fails the whole list.
Result<std::vector<Dependency>> parse_dependencies(std::string_view text);

/// Parses `name` or `name=version` (the only forms a package may provide). Errc::bad_format
/// for a bad name, another operator, a tag, a `!`, or an invalid version.
Result<Provide> parse_provide(std::string_view text);

std::string format_provide(const Provide& provide);

/// Parses provides separated by whitespace; the first bad one fails the list.
Result<std::vector<Provide>> parse_provides(std::string_view text);

}  // namespace wisp::pkg::apk
