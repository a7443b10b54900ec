#pragma once
// Error: the value every expected failure in dr-syncer is reported with.
// It carries a canonical code, a message, the HTTP status and Kubernetes
// reason when an API server said so, field causes (422 Invalid), a
// Retry-After hint (429/503), and context added while propagating
// ("while applying apps/v1 Deployment shop/web").
//
// Thread-safety: a value type; distinct objects may be used concurrently.

#include <chrono>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

namespace drs {

enum class ErrorCode {
  kNotFound,
  kAlreadyExists,
  kConflict,            // stale resourceVersion or a field-manager conflict
  kGone,                // 410: resourceVersion too old, relist
  kInvalid,             // 422 and other rejected input
  kUnauthenticated,     // 401
  kPermissionDenied,    // 403
  kResourceExhausted,   // 429, quotas
  kUnavailable,         // 5xx, connection refused or reset
  kDeadlineExceeded,    // timeouts
  kCancelled,           // a stop was requested
  kFailedPrecondition,  // the world is not in the state the operation needs
  kInternal,            // a bug or an impossible answer
};

std::string_view ErrorCodeName(ErrorCode code);

// One field-level reason from a Kubernetes Status's details.causes.
struct FieldCause {
  std::string field;
  std::string reason;
  std::string message;
  friend bool operator==(const FieldCause&, const FieldCause&) = default;
};

class Error {
 public:
  Error(ErrorCode code, std::string message) : code_(code), message_(std::move(message)) {}

  ErrorCode code() const { return code_; }
  const std::string& message() const { return message_; }
  int http_status() const { return http_status_; }       // 0 when no HTTP response
  const std::string& reason() const { return reason_; }  // e.g. "AlreadyExists"
  const std::vector<FieldCause>& causes() const { return causes_; }
  std::optional<std::chrono::seconds> retry_after() const { return retry_after_; }
  // Terminal errors are not retried by the runtime (bad input, a rule broken).
  bool terminal() const { return terminal_; }

  Error& WithHttpStatus(int status) & {
    http_status_ = status;
    return *this;
  }
  Error&& WithHttpStatus(int status) && { return std::move(WithHttpStatus(status)); }
  Error& WithReason(std::string reason) & {
    reason_ = std::move(reason);
    return *this;
  }
  Error&& WithReason(std::string reason) && { return std::move(WithReason(std::move(reason))); }
  Error& WithCause(FieldCause cause) & {
    causes_.push_back(std::move(cause));
    return *this;
  }
  Error&& WithCause(FieldCause cause) && { return std::move(WithCause(std::move(cause))); }
  Error& WithRetryAfter(std::chrono::seconds d) & {
    retry_after_ = d;
    return *this;
  }
  Error&& WithRetryAfter(std::chrono::seconds d) && { return std::move(WithRetryAfter(d)); }
  Error& MarkTerminal() & {
    terminal_ = true;
    return *this;
  }
  Error&& MarkTerminal() && { return std::move(MarkTerminal()); }

  // Adds an outer layer of context: "while <what>". The newest is printed first.
  Error& WithContext(std::string what) &;
  Error&& WithContext(std::string what) && { return std::move(WithContext(std::move(what))); }

  // "<Code>: while <outer>: while <inner>: <message> [field: reason; ...]"
  std::string ToString() const;

 private:
  ErrorCode code_;
  std::string message_;
  std::string context_;  // "while a: while b: " — kept pre-joined, it is only printed
  std::string reason_;
  int http_status_ = 0;
  std::vector<FieldCause> causes_;
  std::optional<std::chrono::seconds> retry_after_;
  bool terminal_ = false;
};

std::ostream& operator<<(std::ostream& os, const Error& e);

// Shorthands for the common codes.
Error NotFoundError(std::string message);
Error InvalidError(std::string message);
Error InternalError(std::string message);
Error UnavailableError(std::string message);
Error CancelledError(std::string message);
Error DeadlineExceededError(std::string message);
Error FailedPreconditionError(std::string message);
Error ResourceExhaustedError(std::string message);

}  // namespace drs
