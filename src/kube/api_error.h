#pragma once
// Decoding API server failures into drs::Error: the HTTP status, the
// metav1.Status body when there is one (reason, message, field causes,
// retryAfterSeconds) and the Retry-After header. This is the only place that
// knows which HTTP answers mean which ErrorCode; whether an error is retried
// or terminal is decided later, in one place, by the runtime.
//
// Mapping (the reason in the body refines the status code):
//   404 NotFound; 409 AlreadyExists when the reason says so, else Conflict
//   (stale resourceVersion or a server-side-apply field manager conflict);
//   410 or reason Expired/Gone: Gone; 400, 422, 405, 406, 415: Invalid;
//   401 Unauthenticated; 403 PermissionDenied; 429 ResourceExhausted;
//   500, 502, 503 Unavailable; 504 or reason Timeout/ServerTimeout:
//   DeadlineExceeded; anything else Internal.
// The error always carries the HTTP status and a reason: the body's, or the
// standard Kubernetes reason for the status code. Field causes and a
// Retry-After hint are attached whenever the server sent them.
//
// Thread-safety: pure functions.

#include <string_view>

#include <nlohmann/json.hpp>

#include "base/error.h"

namespace drs::kube {

// `body` may be a metav1.Status, any other JSON, text or HTML (from proxies
// and load balancers), or empty; non-Status bodies are quoted, truncated, in
// the message. `retry_after_header` is the raw Retry-After value or "": only
// the delay-seconds form is understood, an HTTP-date is ignored.
Error ErrorFromHttp(long http_status, std::string_view body, std::string_view retry_after_header);

// The Status object of a watch ERROR event. There the code is the HTTP code
// the request would have had: 410 means the watch's resourceVersion is too
// old, so the reflector must relist (kGone).
Error ErrorFromStatusObject(const nlohmann::json& status);

// The metav1.StatusReason Kubernetes uses for an HTTP status code, e.g.
// 404 -> "NotFound", 422 -> "Invalid", other 5xx -> "InternalError",
// otherwise "Unknown".
std::string_view StandardReason(int http_status);

}  // namespace drs::kube
