// Errors are values: every fallible call returns Result<T> = std::expected<T, Error>.
// An Error carries a stable code (for exit codes and tests) and a message that gains
// context on its way up ("reading x.apk: control member: bad gzip header").
#pragma once

#include <expected>
#include <string>
#include <string_view>
#include <utility>

#include <fmt/format.h>

namespace wisp {

enum class Errc {
  io,               // the OS said no (open, read, write, rename)
  not_found,        // a file, key, package or blob does not exist
  bad_format,       // bytes that do not parse
  bad_signature,    // a signature that does not verify, or no trusted key
  digest_mismatch,  // content whose hash is not the one promised
  too_large,        // a size limit protecting against bombs
  unsafe_path,      // path traversal, absolute paths, symlink escapes
  unsatisfiable,    // the resolver found no solution
  conflict,         // two inputs claim the same thing (file conflicts between packages)
  usage,            // the user asked for something malformed
  unsupported,      // valid but not handled by wisp
  network,          // transport failures
  unauthorized,     // credentials refused
  internal,         // a bug in wisp
};

std::string_view errc_name(Errc code);

struct Error {
  Errc code = Errc::internal;
  std::string message;

  /// Returns this error with `context` prepended: "context: message".
  Error wrap(std::string_view context) const&;
  Error wrap(std::string_view context) &&;
};

template <typename T>
using Result = std::expected<T, Error>;
using Status = std::expected<void, Error>;

inline std::unexpected<Error> fail(Errc code, std::string message) {
  return std::unexpected(Error{code, std::move(message)});
}

template <typename... Args>
std::unexpected<Error> fail(Errc code, fmt::format_string<Args...> format, Args&&... args) {
  return std::unexpected(Error{code, fmt::format(format, std::forward<Args>(args)...)});
}

/// Adds context to the error of a result, leaving a value untouched.
template <typename T>
Result<T> with_context(Result<T>&& result, std::string_view context) {
  if (!result) return std::unexpected(std::move(result).error().wrap(context));
  return std::move(result);
}

}  // namespace wisp

#define WISP_CAT_(a, b) a##b
#define WISP_CAT(a, b) WISP_CAT_(a, b)

/// TRY(expr): return the error of `expr` (a Result) from the enclosing function.
#define TRY(expr)                                                     \
  do {                                                                \
    auto&& wisp_try_result_ = (expr);                                 \
    if (!wisp_try_result_)                                            \
      return std::unexpected(std::move(wisp_try_result_).error());    \
  } while (false)

/// TRY_CTX(expr, context...): like TRY, with fmt-formatted context prepended.
#define TRY_CTX(expr, ...)                                                                  \
  do {                                                                                      \
    auto&& wisp_try_result_ = (expr);                                                       \
    if (!wisp_try_result_)                                                                  \
      return std::unexpected(std::move(wisp_try_result_).error().wrap(fmt::format(__VA_ARGS__))); \
  } while (false)

#define WISP_TRY_ASSIGN_IMPL_(tmp, decl, expr)                   \
  auto tmp = (expr);                                             \
  if (!tmp) return std::unexpected(std::move(tmp).error());      \
  decl = std::move(*tmp)

/// TRY_ASSIGN(auto x, expr): declare x from the value of `expr` or return its error.
#define TRY_ASSIGN(decl, expr) WISP_TRY_ASSIGN_IMPL_(WISP_CAT(wisp_try_tmp_, __LINE__), decl, expr)

#define WISP_TRY_ASSIGN_CTX_IMPL_(tmp, decl, expr, ...)                                    \
  auto tmp = (expr);                                                                       \
  if (!tmp) return std::unexpected(std::move(tmp).error().wrap(fmt::format(__VA_ARGS__))); \
  decl = std::move(*tmp)

/// TRY_ASSIGN_CTX(auto x, expr, context...): TRY_ASSIGN with context on failure.
#define TRY_ASSIGN_CTX(decl, expr, ...) \
  WISP_TRY_ASSIGN_CTX_IMPL_(WISP_CAT(wisp_try_tmp_, __LINE__), decl, expr, __VA_ARGS__)
