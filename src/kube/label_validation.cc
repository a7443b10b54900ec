#include "kube/label_validation.h"

#include <string>

namespace drs::kube {
namespace {

// Limits from k8s.io/apimachinery/pkg/util/validation.
constexpr std::size_t kMaxNameLength = 63;
constexpr std::size_t kMaxPrefixLength = 253;

bool IsAlnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}
bool IsLowerAlnum(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }

// The reason `s` is not a label name part (or non-empty value), or "".
std::string NameProblem(std::string_view s) {
  if (s.size() > kMaxNameLength)
    return "must be at most " + std::to_string(kMaxNameLength) + " characters";
  if (!IsAlnum(s.front()) || !IsAlnum(s.back())) {
    return "must begin and end with an alphanumeric character";
  }
  for (char c : s) {
    if (!IsAlnum(c) && c != '-' && c != '_' && c != '.') {
      return "may contain only alphanumerics, '-', '_' and '.'";
    }
  }
  return "";
}

// The reason `s` is not a DNS-1123 subdomain, or "".
std::string PrefixProblem(std::string_view s) {
  constexpr std::string_view kRule =
      "must be a lowercase DNS subdomain (dot-separated [a-z0-9-] labels, alphanumeric at both "
      "ends)";
  if (s.size() > kMaxPrefixLength)
    return "must be at most " + std::to_string(kMaxPrefixLength) + " characters";
  while (true) {
    const std::string_view label = s.substr(0, s.find('.'));
    if (label.empty() || !IsLowerAlnum(label.front()) || !IsLowerAlnum(label.back())) {
      return std::string(kRule);
    }
    for (char c : label) {
      if (!IsLowerAlnum(c) && c != '-') return std::string(kRule);
    }
    if (label.size() == s.size()) return "";
    s.remove_prefix(label.size() + 1);
  }
}

Error KeyError(std::string_view key, std::string_view problem) {
  return InvalidError("invalid label key \"" + std::string(key) + "\": " + std::string(problem));
}

}  // namespace

Status ValidateLabelKey(std::string_view key) {
  const std::size_t slash = key.find('/');
  std::string_view name = key;
  if (slash != std::string_view::npos) {
    const std::string_view prefix = key.substr(0, slash);
    name = key.substr(slash + 1);
    if (prefix.empty()) return KeyError(key, "prefix part must not be empty");
    if (const std::string problem = PrefixProblem(prefix); !problem.empty()) {
      return KeyError(key, "prefix part " + problem);
    }
  }
  if (name.empty()) return KeyError(key, "name part must not be empty");
  if (const std::string problem = NameProblem(name); !problem.empty()) {
    return KeyError(key, "name part " + problem);
  }
  return OkStatus();
}

Status ValidateLabelValue(std::string_view value) {
  if (value.empty()) return OkStatus();
  if (const std::string problem = NameProblem(value); !problem.empty()) {
    return InvalidError("invalid label value \"" + std::string(value) + "\": " + problem);
  }
  return OkStatus();
}

}  // namespace drs::kube
