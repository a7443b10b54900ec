#include "testbed.h"

#include <cstdlib>
#include <fstream>
#include <random>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace drs::testing {

bool Testbed::Load(Testbed* out, std::string* error) {
  const char* dir = std::getenv("DRS_TESTBED_DIR");
  if (dir == nullptr || *dir == '\0') {
    *error =
        "DRS_TESTBED_DIR is not set; run integration tests through ctest (which starts "
        "the bed) or point it at a bed made by `scripts/testbed up`";
    return false;
  }
  const std::string path = std::string(dir) + "/testbed.json";
  std::ifstream in(path);
  if (!in) {
    *error = "cannot read " + path + "; is the test bed up?";
    return false;
  }
  try {
    const auto doc = nlohmann::json::parse(in);
    out->kubernetes_version_ = doc.at("kubernetesVersion").get<std::string>();
    out->kubectl_ = doc.at("kubectl").get<std::string>();
    for (const auto& [name, c] : doc.at("clusters").items()) {
      out->clusters_[name] = TestbedCluster{
          .name = name,
          .server = c.at("server").get<std::string>(),
          .dir = c.at("dir").get<std::string>(),
          .kubeconfig = c.at("kubeconfig").get<std::string>(),
          .ca = c.at("ca").get<std::string>(),
          .client_cert = c.at("clientCert").get<std::string>(),
          .client_key = c.at("clientKey").get<std::string>(),
          .audit_log = c.at("auditLog").get<std::string>(),
      };
    }
  } catch (const nlohmann::json::exception& e) {
    *error = path + ": " + e.what();
    return false;
  }
  return true;
}

const TestbedCluster& Testbed::Cluster(std::string_view name) const {
  auto it = clusters_.find(name);
  if (it == clusters_.end()) {
    ADD_FAILURE() << "the test bed has no cluster named '" << name << "'";
    std::abort();
  }
  return it->second;
}

std::string UniqueNamespace(std::string_view prefix) {
  static constexpr std::string_view kAlphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
  static constexpr int kSuffixLength = 8;  // 36^8 names: collisions are not a concern
  std::random_device seed;
  std::mt19937 gen(seed());
  std::uniform_int_distribution<std::size_t> pick(0, kAlphabet.size() - 1);
  std::string name(prefix);
  name += '-';
  for (int i = 0; i < kSuffixLength; ++i) {
    name += kAlphabet[pick(gen)];
  }
  return name;
}

}  // namespace drs::testing
