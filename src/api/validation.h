#pragma once
// Field rules shared by our kinds' Validate() functions. Each mirrors a
// pattern or CEL rule in deploy/crds/ and records a failure under `path`.
//
// Thread-safety: pure functions.

#include <string>
#include <string_view>

#include "api/duration.h"
#include "api/field_errors.h"

namespace drs::api {

// Object names most kinds use (Secrets, PriorityClasses): lowercase RFC 1123
// subdomain, at most 253 characters.
void CheckDnsSubdomain(FieldErrors& errors, const std::string& path, std::string_view value);
// Namespace names: lowercase RFC 1123 label, at most 63 characters.
void CheckDnsLabel(FieldErrors& errors, const std::string& path, std::string_view value);
// A key of a Secret's data: [-._a-zA-Z0-9]+, at most 253 characters.
void CheckSecretKey(FieldErrors& errors, const std::string& path, std::string_view value);
// A type in resourceTypes and friends: "*", or a resource as kubectl takes
// it — plural, singular, kind or short name, any case — optionally
// qualified by its group: "deployments", "Deployment", "deployments.apps",
// "widgets.example.com". Discovery resolves it at sync time. `allow_star`
// says whether "*" is allowed.
void CheckResourceType(FieldErrors& errors, const std::string& path, std::string_view value,
                       bool allow_star);
void CheckCron(FieldErrors& errors, const std::string& path, std::string_view value);
// `value` >= `min`; the message says "at least <min>".
void CheckMinDuration(FieldErrors& errors, const std::string& path, Duration value, Duration min);
void CheckLabelKey(FieldErrors& errors, const std::string& path, std::string_view key);
void CheckLabelValue(FieldErrors& errors, const std::string& path, std::string_view value);

// The same checks as predicates, for callers that only need a yes/no.
bool IsDnsSubdomain(std::string_view value);
bool IsDnsLabel(std::string_view value);

}  // namespace drs::api
