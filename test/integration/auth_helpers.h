#pragma once
// Test-only helpers for the authentication tests against the test bed:
// kubeconfigs written from parts, clients built from them, and the identity
// the API server sees (a SelfSubjectReview). Header-only so the tests need no
// library of their own.

#include <functional>
#include <memory>
#include <string>
#include <utility>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "base/clock.h"
#include "base/result.h"
#include "kubeclient/kubeconfig.h"
#include "kubeclient/rest_client.h"

namespace drs::testing {

// A one-context kubeconfig. JSON is YAML, so the parser reads it as kubectl
// would read the same document written as YAML.
inline std::string KubeconfigText(nlohmann::json cluster, nlohmann::json user) {
  using nlohmann::json;
  return json{{"apiVersion", "v1"},
              {"kind", "Config"},
              {"clusters", json::array({{{"name", "bed"}, {"cluster", std::move(cluster)}}})},
              {"users", json::array({{{"name", "me"}, {"user", std::move(user)}}})},
              {"contexts",
               json::array({{{"name", "ctx"}, {"context", {{"cluster", "bed"}, {"user", "me"}}}}})},
              {"current-context", "ctx"}}
      .dump(2);
}

// A client for `kubeconfig_text`; fails the test and returns null if the
// kubeconfig or the client is refused.
// `adjust`, if given, edits the config before the client is made.
inline std::unique_ptr<kubeclient::RestClient> ClientFromKubeconfig(
    const std::string& kubeconfig_text, kubeclient::RetryPolicy retry = {},
    const std::function<void(kubeclient::RestConfig&)>& adjust = {}) {
  auto config = kubeclient::ParseKubeconfig(kubeconfig_text, {.source = "test kubeconfig"});
  if (!config.ok()) {
    ADD_FAILURE() << config.error();
    return nullptr;
  }
  if (adjust) adjust(*config);
  auto client = kubeclient::RestClient::Create(std::move(config).value(), RealClock::Get(), retry);
  if (!client.ok()) {
    ADD_FAILURE() << client.error();
    return nullptr;
  }
  return std::move(client).value();
}

// The bearer token in a kubeconfig `scripts/testbed serviceaccount` wrote.
inline std::string TokenOf(const std::string& kubeconfig_path) {
  auto config = kubeclient::LoadKubeconfigFile(kubeconfig_path, "");
  if (!config.ok()) {
    ADD_FAILURE() << config.error();
    return {};
  }
  EXPECT_FALSE(config->bearer_token.empty()) << kubeconfig_path << " holds no token";
  return std::string(config->bearer_token.reveal());
}

// status.userInfo of a SelfSubjectReview: who the API server says we are.
inline Result<nlohmann::json> WhoAmI(kubeclient::RestClient& client) {
  auto response = client.Send(
      {.verb = "POST",
       .path = "/apis/authentication.k8s.io/v1/selfsubjectreviews",
       .body = R"({"apiVersion":"authentication.k8s.io/v1","kind":"SelfSubjectReview"})"});
  if (!response.ok()) return std::move(response).error();
  const auto review = nlohmann::json::parse(response->body, nullptr, false);
  if (!review.is_object() || !review.contains("status")) {
    return InternalError("not a SelfSubjectReview: " + response->body);
  }
  return review["status"].value("userInfo", nlohmann::json::object());
}

// The username alone, or the error's text (so a mismatch prints why).
inline std::string UsernameOf(kubeclient::RestClient& client) {
  auto who = WhoAmI(client);
  if (!who.ok()) return "error: " + who.error().ToString();
  return who->value("username", "");
}

}  // namespace drs::testing
