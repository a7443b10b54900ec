#include "base/error.h"

namespace drs {

std::string_view ErrorCodeName(ErrorCode code) {
  switch (code) {
    case ErrorCode::kNotFound:
      return "NotFound";
    case ErrorCode::kAlreadyExists:
      return "AlreadyExists";
    case ErrorCode::kConflict:
      return "Conflict";
    case ErrorCode::kGone:
      return "Gone";
    case ErrorCode::kInvalid:
      return "Invalid";
    case ErrorCode::kUnauthenticated:
      return "Unauthenticated";
    case ErrorCode::kPermissionDenied:
      return "PermissionDenied";
    case ErrorCode::kResourceExhausted:
      return "ResourceExhausted";
    case ErrorCode::kUnavailable:
      return "Unavailable";
    case ErrorCode::kDeadlineExceeded:
      return "DeadlineExceeded";
    case ErrorCode::kCancelled:
      return "Cancelled";
    case ErrorCode::kFailedPrecondition:
      return "FailedPrecondition";
    case ErrorCode::kInternal:
      return "Internal";
  }
  return "Unknown";
}

Error& Error::WithContext(std::string what) & {
  context_.insert(0, "while " + what + ": ");
  return *this;
}

std::string Error::ToString() const {
  std::string out(ErrorCodeName(code_));
  out += ": ";
  out += context_;
  out += message_;
  if (!causes_.empty()) {
    out += " [";
    for (std::size_t i = 0; i < causes_.size(); ++i) {
      if (i > 0) out += "; ";
      out += causes_[i].field.empty() ? causes_[i].reason
                                      : causes_[i].field + ": " + causes_[i].reason;
    }
    out += "]";
  }
  return out;
}

std::ostream& operator<<(std::ostream& os, const Error& e) { return os << e.ToString(); }

Error NotFoundError(std::string message) { return {ErrorCode::kNotFound, std::move(message)}; }
Error InvalidError(std::string message) { return {ErrorCode::kInvalid, std::move(message)}; }
Error InternalError(std::string message) { return {ErrorCode::kInternal, std::move(message)}; }
Error UnavailableError(std::string message) {
  return {ErrorCode::kUnavailable, std::move(message)};
}
Error CancelledError(std::string message) { return {ErrorCode::kCancelled, std::move(message)}; }
Error DeadlineExceededError(std::string message) {
  return {ErrorCode::kDeadlineExceeded, std::move(message)};
}
Error FailedPreconditionError(std::string message) {
  return {ErrorCode::kFailedPrecondition, std::move(message)};
}

Error ResourceExhaustedError(std::string message) {
  return {ErrorCode::kResourceExhausted, std::move(message)};
}

}  // namespace drs
