#pragma once
// Result<T> and Status: expected failures as values. Result<T> has the shape
// of std::expected<T, Error> (which GCC 12's C++20 does not have); Status is
// Result<void>. Both are [[nodiscard]].
//
//   Result<Config> Load(...);                 // return a Config or an Error
//   DRS_ASSIGN_OR_RETURN(auto cfg, Load(p));  // propagate the error
//   DRS_RETURN_IF_ERROR(client.Delete(...));
//
// Thread-safety: value types.

#include <cstdlib>
#include <optional>
#include <utility>
#include <variant>

#include "base/error.h"

namespace drs {

namespace internal {
// Calling value() on an error is a programming bug, not an input problem.
[[noreturn]] void DieOnBadResultAccess(const Error& error);
}  // namespace internal

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}      // NOLINT(google-explicit-constructor)
  Result(Error error) : v_(std::move(error)) {}  // NOLINT(google-explicit-constructor)

  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }

  // REQUIRES: ok().
  T& value() & {
    Check();
    return std::get<0>(v_);
  }
  const T& value() const& {
    Check();
    return std::get<0>(v_);
  }
  T&& value() && {
    Check();
    return std::get<0>(std::move(v_));
  }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T&& operator*() && { return std::move(*this).value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

  // REQUIRES: !ok().
  const Error& error() const& { return std::get<1>(v_); }
  Error& error() & { return std::get<1>(v_); }
  Error&& error() && { return std::get<1>(std::move(v_)); }

  T value_or(T fallback) const& { return ok() ? std::get<0>(v_) : std::move(fallback); }

 private:
  void Check() const {
    if (!ok()) internal::DieOnBadResultAccess(std::get<1>(v_));
  }
  std::variant<T, Error> v_;
};

class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(Error error) : error_(std::move(error)) {}  // NOLINT(google-explicit-constructor)

  bool ok() const { return !error_.has_value(); }
  explicit operator bool() const { return ok(); }
  // REQUIRES: !ok().
  const Error& error() const& { return *error_; }
  Error& error() & { return *error_; }
  Error&& error() && { return *std::move(error_); }

 private:
  std::optional<Error> error_;
};

inline Status OkStatus() { return {}; }

}  // namespace drs

#define DRS_CONCAT_INNER_(a, b) a##b
#define DRS_CONCAT_(a, b) DRS_CONCAT_INNER_(a, b)

// Returns the error of a Status or Result expression from the enclosing function.
#define DRS_RETURN_IF_ERROR(expr)            \
  do {                                       \
    auto drs_status_ = (expr);               \
    if (!drs_status_.ok()) {                 \
      return std::move(drs_status_).error(); \
    }                                        \
  } while (false)

// Evaluates a Result expression; on success assigns its value to LHS (which
// may declare a variable), else returns the error from the enclosing function.
#define DRS_ASSIGN_OR_RETURN(lhs, expr) \
  DRS_ASSIGN_OR_RETURN_IMPL_(DRS_CONCAT_(drs_result_, __LINE__), lhs, expr)
#define DRS_ASSIGN_OR_RETURN_IMPL_(tmp, lhs, expr) \
  auto tmp = (expr);                               \
  if (!tmp.ok()) {                                 \
    return std::move(tmp).error();                 \
  }                                                \
  lhs = std::move(tmp).value()
