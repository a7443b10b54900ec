#include "kube/api_error.h"

#include <charconv>
#include <chrono>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <vector>

namespace drs::kube {
namespace {

using nlohmann::json;

// Proxies answer with whole HTML pages; the message keeps the start, enough
// to recognise the page, without flooding logs.
constexpr std::size_t kMaxQuotedBodyBytes = 512;
// HTTP status codes have three digits; anything else is not one.
constexpr long kMinHttpStatus = 100;
constexpr long kMaxHttpStatus = 999;

struct StatusReasonEntry {
  int code;
  std::string_view reason;
};

// metav1.StatusReason values (k8s.io/apimachinery/pkg/apis/meta/v1/types.go)
// as the API server pairs them with status codes.
constexpr StatusReasonEntry kStandardReasons[] = {
    {400, "BadRequest"},
    {401, "Unauthorized"},
    {403, "Forbidden"},
    {404, "NotFound"},
    {405, "MethodNotAllowed"},
    {406, "NotAcceptable"},
    {409, "Conflict"},
    {410, "Gone"},
    {413, "RequestEntityTooLarge"},
    {415, "UnsupportedMediaType"},
    {422, "Invalid"},
    {429, "TooManyRequests"},
    {500, "InternalError"},
    {503, "ServiceUnavailable"},
    {504, "Timeout"},
};
constexpr int kFirstServerError = 500;
constexpr int kFirstClientError = 400;

// What a metav1.Status says; every field optional.
struct DecodedStatus {
  int code = 0;
  std::string reason;
  std::string message;
  std::vector<FieldCause> causes;
  std::optional<std::chrono::seconds> retry_after;
};

const json* Child(const json& j, std::string_view key) {
  if (!j.is_object()) return nullptr;
  const auto it = j.find(key);
  return it == j.end() ? nullptr : &*it;
}

std::string StringField(const json& j, std::string_view key) {
  const json* v = Child(j, key);
  return v != nullptr && v->is_string() ? v->get<std::string>() : std::string();
}

// An integer field that fits an int; nullopt otherwise.
std::optional<int> IntField(const json& j, std::string_view key) {
  const json* v = Child(j, key);
  if (v == nullptr || !v->is_number_integer()) return std::nullopt;
  if (v->is_number_unsigned()) {
    const auto u = v->get<std::uint64_t>();
    if (u > static_cast<std::uint64_t>(std::numeric_limits<int>::max())) return std::nullopt;
    return static_cast<int>(u);
  }
  const auto i = v->get<std::int64_t>();
  if (i < std::numeric_limits<int>::min() || i > std::numeric_limits<int>::max()) {
    return std::nullopt;
  }
  return static_cast<int>(i);
}

bool IsStatusObject(const json& j) {
  return StringField(j, "kind") == "Status" || StringField(j, "status") == "Failure";
}

DecodedStatus DecodeStatus(const json& status) {
  DecodedStatus out;
  out.code = IntField(status, "code").value_or(0);
  out.reason = StringField(status, "reason");
  out.message = StringField(status, "message");
  const json* details = Child(status, "details");
  if (details == nullptr) return out;
  // The API server omits retryAfterSeconds when it is 0, so only positive
  // values are hints.
  if (const auto seconds = IntField(*details, "retryAfterSeconds"); seconds && *seconds > 0) {
    out.retry_after = std::chrono::seconds(*seconds);
  }
  const json* causes = Child(*details, "causes");
  if (causes == nullptr || !causes->is_array()) return out;
  for (const json& cause : *causes) {
    if (!cause.is_object()) continue;
    out.causes.push_back(
        {StringField(cause, "field"), StringField(cause, "reason"), StringField(cause, "message")});
  }
  return out;
}

// The delay-seconds form of Retry-After (RFC 9110 10.2.3); an HTTP-date or
// garbage yields nullopt.
std::optional<std::chrono::seconds> ParseRetryAfter(std::string_view header) {
  constexpr std::string_view kWhitespace = " \t";
  const std::size_t first = header.find_first_not_of(kWhitespace);
  if (first == std::string_view::npos) return std::nullopt;
  header = header.substr(first, header.find_last_not_of(kWhitespace) - first + 1);
  std::int64_t seconds = 0;
  const auto [end, ec] = std::from_chars(header.data(), header.data() + header.size(), seconds);
  if (ec != std::errc() || end != header.data() + header.size() || seconds < 0) {
    return std::nullopt;
  }
  return std::chrono::seconds(seconds);
}

// The start of a body, cut at a UTF-8 character boundary, on one line.
std::string QuoteBody(std::string_view body) {
  constexpr unsigned char kContinuationMask = 0xC0;
  constexpr unsigned char kContinuationBits = 0x80;
  std::size_t cut = body.size();
  if (cut > kMaxQuotedBodyBytes) {
    cut = kMaxQuotedBodyBytes;
    while (cut > 0 &&
           (static_cast<unsigned char>(body[cut]) & kContinuationMask) == kContinuationBits) {
      --cut;
    }
  }
  constexpr unsigned char kDelete = 0x7F;
  constexpr std::string_view kEllipsis = "...";
  std::string out;
  out.reserve(cut + kEllipsis.size());
  for (char c : body.substr(0, cut)) {
    // Control characters (newlines above all) would split or garble log lines.
    const auto byte = static_cast<unsigned char>(c);
    out += (byte < ' ' || byte == kDelete) ? ' ' : c;
  }
  if (cut < body.size()) out += kEllipsis;
  return out;
}

ErrorCode CodeFor(int http_status, std::string_view reason) {
  if (reason == "Expired" || reason == "Gone") return ErrorCode::kGone;
  if (reason == "Timeout" || reason == "ServerTimeout") return ErrorCode::kDeadlineExceeded;
  switch (http_status) {
    case 400:
    case 405:
    case 406:
    case 415:
    case 422:
      return ErrorCode::kInvalid;
    case 401:
      return ErrorCode::kUnauthenticated;
    case 403:
      return ErrorCode::kPermissionDenied;
    case 404:
      return ErrorCode::kNotFound;
    case 409:
      return reason == "AlreadyExists" ? ErrorCode::kAlreadyExists : ErrorCode::kConflict;
    case 410:
      return ErrorCode::kGone;
    case 429:
      return ErrorCode::kResourceExhausted;
    case 500:
    case 502:
    case 503:
      return ErrorCode::kUnavailable;
    case 504:
      return ErrorCode::kDeadlineExceeded;
    default:
      return ErrorCode::kInternal;
  }
}

// The code a standard reason implies, for Status objects that carry no code.
int CodeForReason(std::string_view reason) {
  for (const auto& entry : kStandardReasons) {
    if (entry.reason == reason) return entry.code;
  }
  return 0;
}

Error BuildError(int http_status, DecodedStatus status, std::string fallback_message,
                 std::optional<std::chrono::seconds> header_retry_after) {
  if (status.reason.empty()) status.reason = std::string(StandardReason(http_status));
  Error error(CodeFor(http_status, status.reason),
              status.message.empty() ? std::move(fallback_message) : std::move(status.message));
  error.WithHttpStatus(http_status).WithReason(std::move(status.reason));
  for (FieldCause& cause : status.causes) error.WithCause(std::move(cause));
  // The header is what HTTP clients honour; details.retryAfterSeconds is the
  // same hint for clients that only see the body.
  if (const auto retry_after = header_retry_after ? header_retry_after : status.retry_after) {
    error.WithRetryAfter(*retry_after);
  }
  return error;
}

}  // namespace

std::string_view StandardReason(int http_status) {
  for (const auto& entry : kStandardReasons) {
    if (entry.code == http_status) return entry.reason;
  }
  return http_status >= kFirstServerError ? "InternalError" : "Unknown";
}

Error ErrorFromHttp(long http_status, std::string_view body, std::string_view retry_after_header) {
  const int code = http_status >= kMinHttpStatus && http_status <= kMaxHttpStatus
                       ? static_cast<int>(http_status)
                       : 0;
  std::string summary = "the server responded with HTTP " + std::to_string(http_status);
  if (code > 0 && code < kFirstClientError) summary += " where an error was expected";
  DecodedStatus status;
  const json parsed = json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (IsStatusObject(parsed)) {
    status = DecodeStatus(parsed);
  } else if (!body.empty()) {
    summary += ": " + QuoteBody(body);
  }
  // Trust the transport's status; the body's code only fills in when the
  // transport had none.
  return BuildError(code > 0 ? code : status.code, std::move(status), std::move(summary),
                    ParseRetryAfter(retry_after_header));
}

Error ErrorFromStatusObject(const json& status) {
  if (!status.is_object()) {
    // Replace invalid UTF-8 rather than throw: the text is only for the message.
    const std::string text = status.dump(-1, ' ', false, json::error_handler_t::replace);
    return InternalError("malformed Status object in a watch event: " + QuoteBody(text))
        .WithReason(std::string(StandardReason(0)));
  }
  DecodedStatus decoded = DecodeStatus(status);
  const int code = decoded.code > 0 ? decoded.code : CodeForReason(decoded.reason);
  std::string summary = "the server reported status " + std::to_string(code);
  if (!decoded.reason.empty()) summary += " " + decoded.reason;
  return BuildError(code, std::move(decoded), std::move(summary), std::nullopt);
}

}  // namespace drs::kube
