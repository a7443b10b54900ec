#pragma once
// Finds the test bed that integration and e2e tests run against: the
// clusters `scripts/testbed up` described in <DRS_TESTBED_DIR>/testbed.json.
// A test that needs the bed fails loudly when it is missing, never skips, so
// a green run always means the tests ran against real API servers.

#include <map>
#include <string>
#include <string_view>

namespace drs::testing {

// One cluster of the bed: where its API server listens and the admin
// identity's files. Plain data; copy freely.
struct TestbedCluster {
  std::string name;
  std::string server;       // https://127.0.0.1:<port>
  std::string dir;          // the cluster's folder in the bed
  std::string kubeconfig;   // admin kubeconfig (system:masters)
  std::string ca;           // the cluster's own CA certificate (PEM file)
  std::string client_cert;  // admin client certificate (PEM file)
  std::string client_key;   // admin client key (PEM file)
  std::string audit_log;    // JSON lines, one audit event each
};

// The bed as a whole. Immutable after Load; thread-safe to read.
class Testbed {
 public:
  // Reads $DRS_TESTBED_DIR/testbed.json. On failure returns false and says
  // why in *error (the variable unset, the file missing or malformed).
  static bool Load(Testbed* out, std::string* error);

  // REQUIRES: the cluster exists (it aborts the test with a message if not).
  const TestbedCluster& Cluster(std::string_view name) const;
  const std::string& kubernetes_version() const { return kubernetes_version_; }
  const std::string& kubectl() const { return kubectl_; }

 private:
  std::map<std::string, TestbedCluster, std::less<>> clusters_;
  std::string kubernetes_version_;
  std::string kubectl_;
};

// A namespace name no other test (or earlier run) uses: PREFIX-<random>.
std::string UniqueNamespace(std::string_view prefix);

}  // namespace drs::testing
