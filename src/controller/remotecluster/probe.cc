#include "controller/remotecluster/probe.h"

#include <nlohmann/json.hpp>

namespace drs::controller {

std::pair<std::string, std::string> DescribeFailure(const Error& error, const std::string& server) {
  const std::string detail = error.ToString();
  switch (error.code()) {
    case ErrorCode::kUnauthenticated:
      return {"Unauthorized", "the API server at " + server +
                                  " rejected the kubeconfig's credentials (401): check that the "
                                  "token or client certificate is current"};
    case ErrorCode::kPermissionDenied:
      return {"Forbidden", "the API server at " + server + " denied the request: " + detail};
    case ErrorCode::kDeadlineExceeded:
      return {"Timeout", "no answer from " + server + " in time: " + detail};
    case ErrorCode::kFailedPrecondition:
      if (error.reason() == "TLSError") {
        return {"TLSError", "TLS with " + server +
                                " failed; check the kubeconfig's certificate-authority data and "
                                "server address: " +
                                detail};
      }
      break;
    case ErrorCode::kUnavailable:
      return {"ConnectionFailed", "cannot connect to " + server + ": " + detail};
    default:
      break;
  }
  return {"ProbeFailed", "probing " + server + " failed: " + detail};
}

ProbeResult Probe(const ClusterConnection& connection, std::stop_token stop,
                  std::chrono::milliseconds timeout) {
  ProbeResult result;
  auto fail = [&](const Error& error) {
    auto [reason, message] = DescribeFailure(error, connection.server());
    result.reachable = false;
    result.reason = std::move(reason);
    result.message = std::move(message);
    return result;
  };
  auto version =
      connection.rest().Send({.path = "/version", .timeout = timeout, .max_retries = 0}, stop);
  if (!version.ok()) return fail(version.error());
  auto doc = nlohmann::json::parse(version->body, nullptr, false);
  if (doc.is_object()) result.server_version = doc.value("gitVersion", "");

  // Discovery is open only to authenticated identities: a 401 here means the
  // credentials were refused. A plain GET keeps the probe free of writes
  // (a SelfSubjectReview would be a create in the source cluster's audit log).
  auto api = connection.rest().Send({.path = "/api", .timeout = timeout, .max_retries = 0}, stop);
  if (!api.ok()) return fail(api.error());
  result.reachable = true;
  return result;
}

}  // namespace drs::controller
