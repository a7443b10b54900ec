#include "api/validation.h"

#include "api/cron.h"
#include "kube/label_validation.h"

namespace drs::api {
namespace {

constexpr std::size_t kMaxSubdomainLength = 253;
constexpr std::size_t kMaxLabelLength = 63;
constexpr std::size_t kMaxSecretKeyLength = 253;
// The CRDs' maxLength for schedules; it also bounds their CEL rule's cost.
constexpr std::size_t kMaxCronLength = 128;

bool IsLowerAlnum(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }
bool IsAlnum(char c) { return IsLowerAlnum(c) || (c >= 'A' && c <= 'Z'); }

// [a-z0-9]([-a-z0-9]*[a-z0-9])? — or with upper case too when `any_case`.
bool IsLabelShape(std::string_view s, bool any_case) {
  const auto alnum = [&](char c) { return any_case ? IsAlnum(c) : IsLowerAlnum(c); };
  if (s.empty() || !alnum(s.front()) || !alnum(s.back())) return false;
  for (char c : s) {
    if (!alnum(c) && c != '-') return false;
  }
  return true;
}

bool IsSubdomainShape(std::string_view s) {
  if (s.empty()) return false;
  std::size_t start = 0;
  while (true) {
    const std::size_t dot = s.find('.', start);
    const std::string_view part =
        s.substr(start, dot == std::string_view::npos ? dot : dot - start);
    if (!IsLabelShape(part, false)) return false;
    if (dot == std::string_view::npos) return true;
    start = dot + 1;
  }
}

std::string Quote(std::string_view s) { return "\"" + std::string(s) + "\""; }

}  // namespace

bool IsDnsSubdomain(std::string_view value) {
  return value.size() <= kMaxSubdomainLength && IsSubdomainShape(value);
}

bool IsDnsLabel(std::string_view value) {
  return value.size() <= kMaxLabelLength && IsLabelShape(value, false);
}

void CheckDnsSubdomain(FieldErrors& errors, const std::string& path, std::string_view value) {
  if (!IsDnsSubdomain(value)) {
    errors.Add(path,
               Quote(value) + " must be a lowercase RFC 1123 subdomain (at most 253 characters)");
  }
}

void CheckDnsLabel(FieldErrors& errors, const std::string& path, std::string_view value) {
  if (!IsDnsLabel(value)) {
    errors.Add(path, Quote(value) + " must be a lowercase RFC 1123 label (at most 63 characters)");
  }
}

void CheckSecretKey(FieldErrors& errors, const std::string& path, std::string_view value) {
  bool ok = !value.empty() && value.size() <= kMaxSecretKeyLength;
  for (char c : value) ok = ok && (IsAlnum(c) || c == '-' || c == '.' || c == '_');
  if (!ok) errors.Add(path, Quote(value) + " must be a Secret key ([-._a-zA-Z0-9]+)");
}

void CheckResourceType(FieldErrors& errors, const std::string& path, std::string_view value,
                       bool allow_star) {
  if (value == "*") {
    if (!allow_star) errors.Add(path, "\"*\" is not allowed here");
    return;
  }
  const std::size_t dot = value.find('.');
  const std::string_view resource = value.substr(0, dot);
  const bool ok = value.size() <= kMaxSubdomainLength && IsLabelShape(resource, true) &&
                  (dot == std::string_view::npos || IsSubdomainShape(value.substr(dot + 1)));
  if (!ok) {
    errors.Add(path, Quote(value) + " must be " + (allow_star ? "\"*\" or " : "") +
                         "a resource type like \"deployments\", \"deployments.apps\" or "
                         "\"widgets.example.com\"");
  }
}

void CheckCron(FieldErrors& errors, const std::string& path, std::string_view value) {
  if (value.size() > kMaxCronLength) {
    errors.Add(path, "must be at most " + std::to_string(kMaxCronLength) + " characters");
    return;
  }
  Status s = ValidateCron(value);
  if (!s.ok()) errors.AddError(path, s.error());
}

void CheckMinDuration(FieldErrors& errors, const std::string& path, Duration value, Duration min) {
  if (value < min) {
    errors.Add(path, "must be at least " + FormatDurationShort(min) + ", not " +
                         FormatDurationShort(value));
  }
}

void CheckLabelKey(FieldErrors& errors, const std::string& path, std::string_view key) {
  Status s = kube::ValidateLabelKey(key);
  if (!s.ok()) errors.AddError(path, s.error());
}

void CheckLabelValue(FieldErrors& errors, const std::string& path, std::string_view value) {
  Status s = kube::ValidateLabelValue(value);
  if (!s.ok()) errors.AddError(path, s.error());
}

}  // namespace drs::api
