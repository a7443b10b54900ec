#include "api/field_errors.h"

#include <utility>

namespace drs::api {

void FieldErrors::Add(std::string path, std::string message) {
  const bool required = message == "required";
  causes_.push_back(FieldCause{.field = std::move(path),
                               .reason = required ? "FieldValueRequired" : "FieldValueInvalid",
                               .message = std::move(message)});
}

void FieldErrors::AddError(std::string path, const Error& error) {
  Add(std::move(path), error.message());
}

void FieldErrors::Merge(const FieldErrors& other) {
  causes_.insert(causes_.end(), other.causes_.begin(), other.causes_.end());
}

Status FieldErrors::ToStatus() const {
  if (causes_.empty()) return OkStatus();
  std::string message;
  for (const FieldCause& cause : causes_) {
    if (!message.empty()) message += "; ";
    message += cause.field + ": " + cause.message;
  }
  Error error = InvalidError(std::move(message));
  for (const FieldCause& cause : causes_) error.WithCause(cause);
  return std::move(error).MarkTerminal();
}

std::string JoinPath(std::string_view parent, std::string_view key) {
  if (parent.empty()) return std::string(key);
  std::string out(parent);
  out += '.';
  out += key;
  return out;
}

std::string IndexPath(std::string_view parent, std::size_t index) {
  return std::string(parent) + "[" + std::to_string(index) + "]";
}

}  // namespace drs::api
