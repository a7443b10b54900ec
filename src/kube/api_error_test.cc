#include "kube/api_error.h"

#include <optional>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace drs::kube {
namespace {

using nlohmann::json;
using std::chrono::seconds;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

// A metav1.Status body as the API server writes it.
std::string StatusBody(int code, std::string_view reason, std::string_view message,
                       json details = nullptr) {
  json status = {{"kind", "Status"},    {"apiVersion", "v1"}, {"metadata", json::object()},
                 {"status", "Failure"}, {"message", message}, {"reason", reason},
                 {"code", code}};
  if (!details.is_null()) status["details"] = std::move(details);
  return status.dump();
}

struct HttpCase {
  long http_status;
  std::string body;
  std::string_view retry_after_header;
  ErrorCode want_code;
  std::string_view want_reason;
  std::string_view want_message_part;
  std::optional<seconds> want_retry_after;
};

TEST(ErrorFromHttpTest, MapsStatusAndReasonToCodes) {
  const HttpCase cases[] = {
      {404, StatusBody(404, "NotFound", R"(configmaps "cfg" not found)"), "", ErrorCode::kNotFound,
       "NotFound", R"(configmaps "cfg" not found)", std::nullopt},
      {409, StatusBody(409, "AlreadyExists", "already exists"), "", ErrorCode::kAlreadyExists,
       "AlreadyExists", "already exists", std::nullopt},
      {409, StatusBody(409, "Conflict", "the object has been modified"), "", ErrorCode::kConflict,
       "Conflict", "has been modified", std::nullopt},
      {410, StatusBody(410, "Expired", "too old resource version"), "", ErrorCode::kGone, "Expired",
       "too old", std::nullopt},
      {410, "", "", ErrorCode::kGone, "Gone", "HTTP 410", std::nullopt},
      {400, StatusBody(400, "BadRequest", "bad"), "", ErrorCode::kInvalid, "BadRequest", "bad",
       std::nullopt},
      {401, "Unauthorized", "", ErrorCode::kUnauthenticated, "Unauthorized", "Unauthorized",
       std::nullopt},
      {403, StatusBody(403, "Forbidden", "cannot list"), "", ErrorCode::kPermissionDenied,
       "Forbidden", "cannot list", std::nullopt},
      {405, "", "", ErrorCode::kInvalid, "MethodNotAllowed", "HTTP 405", std::nullopt},
      {406, "", "", ErrorCode::kInvalid, "NotAcceptable", "HTTP 406", std::nullopt},
      {415, "", "", ErrorCode::kInvalid, "UnsupportedMediaType", "HTTP 415", std::nullopt},
      {429, StatusBody(429, "TooManyRequests", "slow down"), "3", ErrorCode::kResourceExhausted,
       "TooManyRequests", "slow down", seconds(3)},
      {429, StatusBody(429, "TooManyRequests", "x", {{"retryAfterSeconds", 7}}), "",
       ErrorCode::kResourceExhausted, "TooManyRequests", "x", seconds(7)},
      {429, "", "Wed, 21 Oct 2015 07:28:00 GMT", ErrorCode::kResourceExhausted, "TooManyRequests",
       "HTTP 429", std::nullopt},
      {500, StatusBody(500, "InternalError", "etcd"), "", ErrorCode::kUnavailable, "InternalError",
       "etcd", std::nullopt},
      {500, StatusBody(500, "ServerTimeout", "try again", {{"retryAfterSeconds", 2}}), "",
       ErrorCode::kDeadlineExceeded, "ServerTimeout", "try again", seconds(2)},
      {502, "<html>bad gateway</html>", "", ErrorCode::kUnavailable, "InternalError",
       "HTTP 502: <html>bad gateway</html>", std::nullopt},
      {503, "", " 10 ", ErrorCode::kUnavailable, "ServiceUnavailable", "HTTP 503", seconds(10)},
      {504, StatusBody(504, "Timeout", "timed out"), "", ErrorCode::kDeadlineExceeded, "Timeout",
       "timed out", std::nullopt},
      {504, "", "", ErrorCode::kDeadlineExceeded, "Timeout", "HTTP 504", std::nullopt},
      {413, "", "", ErrorCode::kInternal, "RequestEntityTooLarge", "HTTP 413", std::nullopt},
      {418, "", "", ErrorCode::kInternal, "Unknown", "HTTP 418", std::nullopt},
      {501, "", "", ErrorCode::kInternal, "InternalError", "HTTP 501", std::nullopt},
      {200, "", "", ErrorCode::kInternal, "Unknown", "where an error was expected", std::nullopt},
  };
  for (const HttpCase& c : cases) {
    SCOPED_TRACE(std::to_string(c.http_status) + " " + c.body);
    const Error e = ErrorFromHttp(c.http_status, c.body, c.retry_after_header);
    EXPECT_EQ(e.code(), c.want_code) << e;
    EXPECT_EQ(e.http_status(), c.http_status);
    EXPECT_EQ(e.reason(), c.want_reason);
    EXPECT_THAT(e.message(), HasSubstr(std::string(c.want_message_part)));
    EXPECT_EQ(e.retry_after(), c.want_retry_after);
    EXPECT_FALSE(e.terminal()) << "the runtime decides what is terminal";
  }
}

TEST(ErrorFromHttpTest, InvalidCarriesFieldCauses) {
  const json details = {
      {"name", "web"},
      {"kind", "Deployment"},
      {"causes",
       {{{"reason", "FieldValueInvalid"}, {"message", "must be >= 0"}, {"field", "spec.replicas"}},
        {{"reason", "FieldValueRequired"}, {"message", "Required value"}},
        "not a cause"}}};
  const Error e = ErrorFromHttp(
      422, StatusBody(422, "Invalid", R"(Deployment.apps "web" is invalid)", details), "");
  EXPECT_EQ(e.code(), ErrorCode::kInvalid);
  EXPECT_EQ(e.reason(), "Invalid");
  EXPECT_EQ(e.message(), R"(Deployment.apps "web" is invalid)");
  EXPECT_THAT(e.causes(),
              ElementsAre(FieldCause{"spec.replicas", "FieldValueInvalid", "must be >= 0"},
                          FieldCause{"", "FieldValueRequired", "Required value"}));
}

TEST(ErrorFromHttpTest, ApplyFieldManagerConflictIsConflictWithCauses) {
  const json details = {{"causes",
                         {{{"reason", "FieldManagerConflict"},
                           {"message", "conflict with \"kubectl\""},
                           {"field", ".spec.replicas"}}}}};
  const Error e =
      ErrorFromHttp(409, StatusBody(409, "Conflict", "Apply failed with 1 conflict", details), "");
  EXPECT_EQ(e.code(), ErrorCode::kConflict);
  ASSERT_EQ(e.causes().size(), 1U);
  EXPECT_EQ(e.causes()[0].reason, "FieldManagerConflict");
  EXPECT_EQ(e.causes()[0].field, ".spec.replicas");
}

TEST(ErrorFromHttpTest, HeaderRetryAfterWinsOverBody) {
  const Error e =
      ErrorFromHttp(429, StatusBody(429, "TooManyRequests", "x", {{"retryAfterSeconds", 9}}), "1");
  EXPECT_EQ(e.retry_after(), seconds(1));
}

TEST(ErrorFromHttpTest, MalformedRetryAfterIsIgnored) {
  for (std::string_view header : {"", "  ", "-1", "1.5", "5s", "99999999999999999999999", "0x10"}) {
    EXPECT_EQ(ErrorFromHttp(503, "", header).retry_after(), std::nullopt) << header;
  }
  EXPECT_EQ(ErrorFromHttp(503, "", "0").retry_after(), seconds(0));
  // retryAfterSeconds of 0 is what the server omits, so it is no hint.
  EXPECT_EQ(
      ErrorFromHttp(503, StatusBody(503, "", "", {{"retryAfterSeconds", 0}}), "").retry_after(),
      std::nullopt);
}

TEST(ErrorFromHttpTest, ToleratesMalformedBodies) {
  const struct {
    std::string body;
    std::string_view want_message_part;
  } cases[] = {
      {R"({"kind": "Status", "code": "x", "reason": 5, "message": ["m"], "details": 3})",
       "HTTP 404"},
      {R"({"kind": "Status", "details": {"causes": {"a": 1}, "retryAfterSeconds": "3"}})",
       "HTTP 404"},
      {R"({"error": "not found"})", R"(HTTP 404: {"error": "not found"})"},
      {R"({"kind": "Status", "message": )", R"(: {"kind": "Status", "message": )"},
      {"[1,2]", "HTTP 404: [1,2]"},
      {"line one\nline two\r\n", "HTTP 404: line one line two  "},
  };
  for (const auto& c : cases) {
    const Error e = ErrorFromHttp(404, c.body, "");
    EXPECT_EQ(e.code(), ErrorCode::kNotFound) << c.body;
    EXPECT_EQ(e.reason(), "NotFound") << c.body;
    EXPECT_THAT(e.message(), HasSubstr(std::string(c.want_message_part))) << c.body;
    EXPECT_TRUE(e.causes().empty());
    EXPECT_EQ(e.retry_after(), std::nullopt);
  }
}

TEST(ErrorFromHttpTest, LongBodiesAreTruncatedAtACharacterBoundary) {
  // 511 ASCII bytes then a 2-byte 'é' straddling the 512-byte limit.
  const std::string body = std::string(511, 'a') + "\xC3\xA9" + std::string(1000, 'b');
  const Error e = ErrorFromHttp(502, body, "");
  const std::string prefix = "the server responded with HTTP 502: ";
  EXPECT_EQ(e.message(), prefix + std::string(511, 'a') + "...");
  const Error ascii = ErrorFromHttp(502, std::string(2000, 'x'), "");
  EXPECT_EQ(ascii.message().size(), prefix.size() + 512 + 3);
}

TEST(ErrorFromHttpTest, BodyCodeFillsInWhenTransportHasNone) {
  const Error e = ErrorFromHttp(0, StatusBody(404, "NotFound", "gone"), "");
  EXPECT_EQ(e.code(), ErrorCode::kNotFound);
  EXPECT_EQ(e.http_status(), 404);
}

TEST(ErrorFromStatusObjectTest, WatchErrorsMapLikeHttp) {
  const struct {
    json status;
    ErrorCode want_code;
    int want_http;
    std::string_view want_reason;
    std::string_view want_message_part;
  } cases[] = {
      {json::parse(R"json({"kind":"Status","status":"Failure","code":410,"reason":"Expired",
                           "message":"too old resource version: 5 (10)"})json"),
       ErrorCode::kGone, 410, "Expired", "too old resource version"},
      {json::parse(R"({"kind":"Status","code":410})"), ErrorCode::kGone, 410, "Gone", "status 410"},
      {json::parse(R"({"kind":"Status","reason":"Expired"})"), ErrorCode::kGone, 0, "Expired",
       "status 0 Expired"},
      {json::parse(R"({"kind":"Status","reason":"NotFound"})"), ErrorCode::kNotFound, 404,
       "NotFound", "status 404 NotFound"},
      {json::parse(R"({"code":500,"reason":"InternalError","message":"boom"})"),
       ErrorCode::kUnavailable, 500, "InternalError", "boom"},
      {json::parse(R"({"code":403,"message":"forbidden"})"), ErrorCode::kPermissionDenied, 403,
       "Forbidden", "forbidden"},
      {json::object(), ErrorCode::kInternal, 0, "Unknown", "status 0"},
      {json("oops"), ErrorCode::kInternal, 0, "Unknown", "malformed Status object"},
      {json(), ErrorCode::kInternal, 0, "Unknown", "malformed Status object"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.status.dump());
    const Error e = ErrorFromStatusObject(c.status);
    EXPECT_EQ(e.code(), c.want_code) << e;
    EXPECT_EQ(e.http_status(), c.want_http);
    EXPECT_EQ(e.reason(), c.want_reason);
    EXPECT_THAT(e.message(), HasSubstr(std::string(c.want_message_part)));
  }
}

TEST(StandardReasonTest, FollowsKubernetes) {
  EXPECT_EQ(StandardReason(404), "NotFound");
  EXPECT_EQ(StandardReason(422), "Invalid");
  EXPECT_EQ(StandardReason(503), "ServiceUnavailable");
  EXPECT_EQ(StandardReason(599), "InternalError");
  EXPECT_EQ(StandardReason(418), "Unknown");
}

}  // namespace
}  // namespace drs::kube
