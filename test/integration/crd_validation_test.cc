// Our CRDs (deploy/crds/) on a real kube-apiserver: the server refuses what
// they forbid with 422 naming the field, stores what they default, serves
// the status subresource, printer columns, short names and categories, and
// warns on the deprecated NamespaceMapping. Every object the server refuses
// is refused by the C++ decode + Validate too, and every object it stores
// decodes to what the C++ decoder makes of the object as sent: the
// controller reads what the server stored.

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include "api/group.h"
#include "api/namespace_mapping.h"
#include "api/remote_cluster.h"
#include "api/replication.h"
#include "base/rfc3339.h"
#include "kube/object.h"
#include "support/clients.h"

namespace drs::testing {
namespace {

using kubeclient::PatchOptions;
using nlohmann::json;
using ::testing::HasSubstr;

const kube::GroupVersionResource kCrds{"apiextensions.k8s.io", "v1", "customresourcedefinitions"};

// YAML to JSON with the types Kubernetes' YAML decoder gives plain scalars
// (quoted scalars stay strings). Enough for our CRD files.
json YamlToJson(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Map: {
      json out = json::object();
      for (const auto& kv : node) out[kv.first.as<std::string>()] = YamlToJson(kv.second);
      return out;
    }
    case YAML::NodeType::Sequence: {
      json out = json::array();
      for (const auto& item : node) out.push_back(YamlToJson(item));
      return out;
    }
    case YAML::NodeType::Scalar: {
      const std::string text = node.Scalar();
      if (node.Tag() == "!") return text;  // quoted
      if (text == "true") return true;
      if (text == "false") return false;
      if (text == "null" || text == "~") return nullptr;
      if (!text.empty() && text.find_first_not_of("-0123456789") == std::string::npos &&
          text != "-") {
        return std::stoll(text);
      }
      return text;
    }
    default:
      return nullptr;
  }
}

json LoadCrd(const std::string& file) {
  const std::string path = SourceDir() + "/deploy/crds/" + file;
  std::ifstream in(path);
  EXPECT_TRUE(in.good()) << path;
  std::stringstream text;
  text << in.rdbuf();
  return YamlToJson(YAML::Load(text.str()));
}

bool Established(const json& crd) {
  for (const json& c : crd.value("status", json::object()).value("conditions", json::array())) {
    if (c.value("type", "") == "Established" && c.value("status", "") == "True") return true;
  }
  return false;
}

class CrdValidationTest : public ::testing::Test {
 protected:
  // Cluster-scoped and shared with other tests that may install them too:
  // server-side apply with force is idempotent whoever came first.
  static void SetUpTestSuite() {
    std::string error;
    ASSERT_TRUE(Testbed::Load(&bed_, &error)) << error;
    ClusterClients c = ClientsFor(bed_.Cluster("source").kubeconfig);
    ASSERT_NE(c.dynamic, nullptr);
    for (const char* file : {"dr-syncer.io_remoteclusters.yaml", "dr-syncer.io_replications.yaml",
                             "dr-syncer.io_namespacemappings.yaml"}) {
      const json crd = LoadCrd(file);
      auto applied = c.dynamic->Apply(kCrds, "", crd,
                                      PatchOptions{.field_manager = "drs-test", .force = true});
      ASSERT_TRUE(applied.ok()) << file << ": " << applied.error();
      const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
      while (true) {
        auto got = c.dynamic->Get(kCrds, "", kube::Name(crd));
        if (got.ok() && Established(*got)) break;
        ASSERT_LT(std::chrono::steady_clock::now(), deadline) << file << " never Established";
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
      }
    }
  }

  void SetUp() override {
    c_ = ClientsFor(bed_.Cluster("source").kubeconfig);
    ASSERT_NE(c_.dynamic, nullptr);
    ns_ = UniqueNamespace("crd");
    CreateNamespace(c_, ns_);
  }

  // Creating right after Established can race the new resource's handler
  // being wired; a NotFound then is retried for a few seconds.
  Result<json> Create(const kube::GroupVersionResource& gvr, const json& object) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (true) {
      auto r = c_.dynamic->Create(gvr, ns_, object);
      if (r.ok() || r.error().code() != ErrorCode::kNotFound ||
          std::chrono::steady_clock::now() > deadline) {
        return r;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  }

  json Rc(const std::string& name, json spec) const {
    return {{"apiVersion", "dr-syncer.io/v1alpha1"},
            {"kind", "RemoteCluster"},
            {"metadata", {{"name", name}, {"namespace", ns_}}},
            {"spec", std::move(spec)}};
  }
  json Repl(const std::string& name, json spec) const {
    return {{"apiVersion", "dr-syncer.io/v1alpha1"},
            {"kind", "Replication"},
            {"metadata", {{"name", name}, {"namespace", ns_}}},
            {"spec", std::move(spec)}};
  }

  // GET with the Table representation kubectl uses for `kubectl get`.
  json Table(const std::string& resource) {
    kubeclient::RestRequest req;
    req.path = "/apis/dr-syncer.io/v1alpha1/namespaces/" + ns_ + "/" + resource;
    req.accept = "application/json;as=Table;v=v1;g=meta.k8s.io";
    auto r = c_.rest->Send(req);
    EXPECT_TRUE(r.ok()) << r.error();
    return r.ok() ? json::parse(r->body) : json::object();
  }

  static Testbed bed_;
  ClusterClients c_;
  std::string ns_;
};

Testbed CrdValidationTest::bed_;

std::vector<std::string> ColumnNames(const json& table) {
  std::vector<std::string> names;
  for (const json& c : table.at("columnDefinitions")) names.push_back(c.at("name"));
  return names;
}

// The cell of `column` in the row of object `name`.
json Cell(const json& table, const std::string& name, const std::string& column) {
  const auto names = ColumnNames(table);
  const auto col = std::find(names.begin(), names.end(), column) - names.begin();
  for (const json& row : table.at("rows")) {
    if (row.at("object").at("metadata").at("name") == name) {
      return row.at("cells").at(static_cast<std::size_t>(col));
    }
  }
  ADD_FAILURE() << "no row for " << name;
  return nullptr;
}

TEST_F(CrdValidationTest, RemoteClusterDefaultsAreTheDecodersDefaults) {
  const json sent = Rc("prod", {{"kubeconfigSecretRef", {{"name", "prod-kubeconfig"}}}});
  auto created = Create(api::kRemoteClusters, sent);
  ASSERT_TRUE(created.ok()) << created.error();
  auto stored = c_.dynamic->Get(api::kRemoteClusters, ns_, "prod");
  ASSERT_TRUE(stored.ok()) << stored.error();

  auto from_sent = api::RemoteClusterFromJson(sent);
  auto from_stored = api::RemoteClusterFromJson(*stored);
  ASSERT_TRUE(from_sent.ok() && from_stored.ok());
  EXPECT_EQ(from_stored->spec, from_sent->spec);
  // Field by field: the server wrote every default; only the secret's
  // namespace is ours to fill in.
  json expected = api::ToJson(from_sent->spec);
  expected["kubeconfigSecretRef"].erase("namespace");
  EXPECT_EQ(stored->at("spec"), expected);
  EXPECT_EQ(from_stored->metadata.generation, 1);
  EXPECT_FALSE(from_stored->metadata.uid.empty());
}

TEST_F(CrdValidationTest, ReplicationDefaultsAreTheDecodersDefaults) {
  const json single = Repl("single", {{"destinationCluster", "dr"},
                                      {"sourceNamespace", "shop"},
                                      {"destinationNamespace", "shop"}});
  const json selected =
      Repl("selected", {{"sourceCluster", "prod"},
                        {"namespaceSelector", {{"matchLabels", {{"dr", "on"}}}}},
                        {"destinationNamespacePattern", "dr-{namespace}"},
                        {"replicationMode", "Continuous"},
                        {"pvcConfig", {{"syncData", true}, {"dataSyncConfig", json::object()}}}});
  for (const json& sent : {single, selected}) {
    const std::string name = kube::Name(sent);
    auto created = Create(api::kReplications, sent);
    ASSERT_TRUE(created.ok()) << name << ": " << created.error();
    auto stored = c_.dynamic->Get(api::kReplications, ns_, name);
    ASSERT_TRUE(stored.ok());
    auto from_sent = api::ReplicationFromJson(sent);
    auto from_stored = api::ReplicationFromJson(*stored);
    ASSERT_TRUE(from_sent.ok() && from_stored.ok()) << name;
    EXPECT_EQ(from_stored->spec, from_sent->spec) << name;
    EXPECT_EQ(stored->at("spec"), api::ToJson(from_sent->spec)) << name;
    EXPECT_TRUE(api::Validate(from_stored->spec).ok()) << name;
  }
}

struct InvalidCase {
  std::string what;
  json spec;
  std::string field;  // what the server's and our message must name
};

TEST_F(CrdValidationTest, InvalidReplicationsAreRefusedNamingTheField) {
  const json base = {{"destinationCluster", "dr"}, {"sourceNamespace", "shop"}};
  const auto with = [&](json patch) {
    json spec = base;
    spec.merge_patch(patch);
    return spec;
  };
  const InvalidCase cases[] = {
      {"bad cron", with({{"schedule", "61 * * * *"}}), "spec.schedule"},
      {"reversed cron range", with({{"schedule", "0 5-1 * * *"}}), "spec.schedule"},
      {"both namespace fields", with({{"namespaceSelector", {{"matchLabels", {{"a", "b"}}}}}}),
       "spec.namespaceSelector"},
      {"neither namespace field", {{"destinationCluster", "dr"}}, "spec.sourceNamespace"},
      {"bad enum", with({{"replicationMode", "Sometimes"}}), "spec.replicationMode"},
      {"duplicate storage class mapping",
       with({{"pvcConfig",
              {{"storageClassMappings",
                json::array({{{"from", "gp2"}, {"to", "a"}}, {{"from", "gp2"}, {"to", "b"}}})}}}}),
       "spec.pvcConfig.storageClassMappings[1]"},
      {"empty storage class mapping",
       with(
           {{"pvcConfig", {{"storageClassMappings", json::array({{{"from", ""}, {"to", "a"}}})}}}}),
       "spec.pvcConfig.storageClassMappings[0].from"},
      {"bad access mode",
       with(
           {{"pvcConfig",
             {{"accessModeMappings", json::array({{{"from", "ReadWriteOnce"}, {"to", "RWX"}}})}}}}),
       "spec.pvcConfig.accessModeMappings[0].to"},
      {"bad duration", with({{"continuous", {{"backgroundSyncInterval", "5 minutes"}}}}),
       "spec.continuous.backgroundSyncInterval"},
      {"backoff too short", with({{"retryConfig", {{"initialBackoff", "10ms"}}}}),
       "spec.retryConfig.initialBackoff"},
      {"max below initial backoff",
       with({{"retryConfig", {{"initialBackoff", "10m"}, {"maxBackoff", "5m"}}}}),
       "spec.retryConfig.maxBackoff"},
      {"maxDeletePercent 150", with({{"prune", {{"maxDeletePercent", 150}}}}),
       "spec.prune.maxDeletePercent"},
      {"rsync option not allowed",
       with({{"pvcConfig", {{"dataSyncConfig", {{"rsyncOptions", {"--rsh=sh"}}}}}}}),
       "spec.pvcConfig.dataSyncConfig.rsyncOptions[0]"},
      {"same cluster and namespace", {{"sourceNamespace", "shop"}}, "same cluster"},
      {"pattern without namespace selector",
       with({{"destinationNamespacePattern", "dr-{namespace}"}}),
       "spec.destinationNamespacePattern"},
      {"empty namespace selector",
       {{"destinationCluster", "dr"}, {"namespaceSelector", json::object()}},
       "spec.namespaceSelector"},
      {"resource type with a space", with({{"resourceTypes", {"config maps"}}}),
       "spec.resourceTypes[0]"},
  };
  for (const InvalidCase& c : cases) {
    SCOPED_TRACE(c.what);
    const json object = Repl("bad", c.spec);
    auto r = Create(api::kReplications, object);
    ASSERT_FALSE(r.ok()) << "the server accepted it";
    EXPECT_EQ(r.error().code(), ErrorCode::kInvalid);
    EXPECT_EQ(r.error().http_status(), 422);
    EXPECT_THAT(r.error().message(), HasSubstr(c.field));
    // The controller's decoder + validation refuses it too, naming the field.
    auto decoded = api::ReplicationFromJson(object);
    const Status ours = decoded.ok() ? api::Validate(decoded->spec) : Status(decoded.error());
    ASSERT_FALSE(ours.ok()) << "the C++ validation accepted it";
    EXPECT_THAT(ours.error().message(), HasSubstr(c.field));
  }
}

TEST_F(CrdValidationTest, InvalidRemoteClustersAreRefusedNamingTheField) {
  const json ref = {{"name", "kc"}};
  const InvalidCase cases[] = {
      {"no secret name",
       {{"kubeconfigSecretRef", json::object()}},
       "spec.kubeconfigSecretRef.name"},
      {"bad cron",
       {{"kubeconfigSecretRef", ref}, {"defaultSchedule", "@every 5m"}},
       "spec.defaultSchedule"},
      {"probe too often",
       {{"kubeconfigSecretRef", ref}, {"probeInterval", "100ms"}},
       "spec.probeInterval"},
      {"zero qps", {{"kubeconfigSecretRef", ref}, {"qps", 0}}, "spec.qps"},
      {"ssh port",
       {{"kubeconfigSecretRef", ref}, {"pvcSync", {{"agent", {{"sshPort", 70000}}}}}},
       "spec.pvcSync.agent.sshPort"},
      {"key rotation",
       {{"kubeconfigSecretRef", ref}, {"pvcSync", {{"keyRotationInterval", "30m"}}}},
       "spec.pvcSync.keyRotationInterval"},
  };
  for (const InvalidCase& c : cases) {
    SCOPED_TRACE(c.what);
    const json object = Rc("bad", c.spec);
    auto r = Create(api::kRemoteClusters, object);
    ASSERT_FALSE(r.ok()) << "the server accepted it";
    EXPECT_EQ(r.error().http_status(), 422);
    EXPECT_THAT(r.error().message(), HasSubstr(c.field));
    auto decoded = api::RemoteClusterFromJson(object);
    const Status ours = decoded.ok() ? api::Validate(decoded->spec) : Status(decoded.error());
    ASSERT_FALSE(ours.ok()) << "the C++ validation accepted it";
    EXPECT_THAT(ours.error().message(), HasSubstr(c.field));
  }
}

TEST_F(CrdValidationTest, StatusSubresourceAndSpecAreWrittenSeparately) {
  auto created = Create(api::kReplications,
                        Repl("web", {{"destinationCluster", "dr"}, {"sourceNamespace", "shop"}}));
  ASSERT_TRUE(created.ok()) << created.error();
  auto repl = api::ReplicationFromJson(*created);
  ASSERT_TRUE(repl.ok());

  api::ReplicationStatus status;
  status.phase = api::ReplicationPhase::kSynced;
  status.observed_generation = repl->metadata.generation;
  status.source = api::DescribeSource(repl->spec);
  status.destination = api::DescribeDestination(repl->spec);
  status.last_sync_time = ParseRfc3339("2026-01-01T10:00:00Z").value();
  status.next_sync_time = ParseRfc3339("2026-01-01T10:05:00Z").value();
  status.counts = api::SyncCounts{.total = 3, .created = 3};
  ASSERT_TRUE(api::SetCondition(status.conditions,
                                {.type = std::string(api::kConditionReady),
                                 .status = api::ConditionStatus::kTrue,
                                 .reason = "Synced"},
                                ParseRfc3339("2026-01-01T10:00:00Z").value()));
  json with_status = *created;
  with_status["status"] = api::ToJson(status);
  with_status["spec"]["paused"] = true;  // the status endpoint must ignore this
  auto updated = c_.dynamic->UpdateStatus(api::kReplications, ns_, with_status);
  ASSERT_TRUE(updated.ok()) << updated.error();
  EXPECT_EQ(updated->at("spec").at("paused"), false);
  EXPECT_EQ(kube::Generation(*updated), 1);
  auto read_back = api::ReplicationFromJson(*updated);
  ASSERT_TRUE(read_back.ok()) << read_back.error();
  EXPECT_EQ(read_back->status, status);

  // And the main resource ignores status.
  json with_spec = *updated;
  with_spec["spec"]["paused"] = true;
  with_spec["status"]["phase"] = "Failed";
  auto spec_updated = c_.dynamic->Update(api::kReplications, ns_, with_spec);
  ASSERT_TRUE(spec_updated.ok()) << spec_updated.error();
  EXPECT_EQ(spec_updated->at("spec").at("paused"), true);
  EXPECT_EQ(spec_updated->at("status").at("phase"), "Synced");
  EXPECT_EQ(kube::Generation(*spec_updated), 2);

  // A status the schema forbids is refused on the status endpoint too.
  json bad_status = *spec_updated;
  bad_status["status"]["phase"] = "Happy";
  auto refused = c_.dynamic->UpdateStatus(api::kReplications, ns_, bad_status);
  ASSERT_FALSE(refused.ok());
  EXPECT_THAT(refused.error().message(), HasSubstr("status.phase"));
}

TEST_F(CrdValidationTest, PrinterColumnsShowStatus) {
  auto rc = Create(api::kRemoteClusters, Rc("prod", {{"kubeconfigSecretRef", {{"name", "kc"}}}}));
  ASSERT_TRUE(rc.ok()) << rc.error();
  api::RemoteClusterStatus rc_status;
  rc_status.server_version = "v1.36.3";
  rc_status.agents = api::AgentCounts{.desired = 3, .ready = 2};
  ASSERT_TRUE(api::SetCondition(rc_status.conditions,
                                {.type = std::string(api::kConditionReady),
                                 .status = api::ConditionStatus::kTrue,
                                 .reason = "Reachable"},
                                RealClock::Get().WallNow()));
  json rc_obj = *rc;
  rc_obj["status"] = api::ToJson(rc_status);
  ASSERT_TRUE(c_.dynamic->UpdateStatus(api::kRemoteClusters, ns_, rc_obj).ok());

  const json rc_table = Table("remoteclusters");
  EXPECT_THAT(ColumnNames(rc_table),
              ::testing::ElementsAre("Name", "Ready", "Version", "Agents", "Age", "Message"));
  EXPECT_EQ(Cell(rc_table, "prod", "Ready"), "True");
  EXPECT_EQ(Cell(rc_table, "prod", "Version"), "v1.36.3");
  EXPECT_EQ(Cell(rc_table, "prod", "Agents"), "2/3");

  auto repl = Create(api::kReplications, Repl("web", {{"sourceCluster", "prod"},
                                                      {"destinationCluster", "dr"},
                                                      {"sourceNamespace", "shop"},
                                                      {"replicationMode", "Manual"}}));
  ASSERT_TRUE(repl.ok()) << repl.error();
  auto decoded = api::ReplicationFromJson(*repl);
  ASSERT_TRUE(decoded.ok());
  api::ReplicationStatus status;
  status.phase = api::ReplicationPhase::kPaused;
  status.source = api::DescribeSource(decoded->spec);
  status.destination = api::DescribeDestination(decoded->spec);
  status.next_sync_time = ParseRfc3339("2026-01-01T10:05:00Z").value();
  json repl_obj = *repl;
  repl_obj["status"] = api::ToJson(status);
  ASSERT_TRUE(c_.dynamic->UpdateStatus(api::kReplications, ns_, repl_obj).ok());

  const json table = Table("replications");
  EXPECT_THAT(ColumnNames(table),
              ::testing::ElementsAre("Name", "Source", "Destination", "Mode", "Phase", "Last Sync",
                                     "Next Sync", "Age", "Paused", "Message"));
  EXPECT_EQ(Cell(table, "web", "Source"), "prod/shop");
  EXPECT_EQ(Cell(table, "web", "Destination"), "dr/shop");
  EXPECT_EQ(Cell(table, "web", "Mode"), "Manual");
  EXPECT_EQ(Cell(table, "web", "Phase"), "Paused");
  EXPECT_EQ(Cell(table, "web", "Next Sync"), "2026-01-01T10:05:00Z");
}

TEST_F(CrdValidationTest, ShortNamesAndCategoryAreServed) {
  // Discovery documents catch up with a new CRD shortly after Established.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  auto rc = c_.discovery->Resolve("remoteclusters.dr-syncer.io");
  while (!rc.ok() && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    c_.discovery->Invalidate();
    rc = c_.discovery->Resolve("remoteclusters.dr-syncer.io");
  }
  ASSERT_TRUE(rc.ok()) << rc.error();
  EXPECT_EQ(rc->gvr(), api::kRemoteClusters);
  EXPECT_TRUE(rc->namespaced);
  EXPECT_THAT(rc->short_names, ::testing::ElementsAre("rc"));
  EXPECT_THAT(rc->subresources, ::testing::Contains("status"));
  // "rc" is also core's ReplicationController short name, and the core
  // group wins (kubectl warns); docs/api.md says to use rc.dr-syncer.io.
  auto bare_rc = c_.discovery->Resolve("rc");
  ASSERT_TRUE(bare_rc.ok()) << bare_rc.error();
  EXPECT_EQ(bare_rc->resource, "replicationcontrollers");
  auto repl = c_.discovery->Resolve("repl");
  ASSERT_TRUE(repl.ok()) << repl.error();
  EXPECT_EQ(repl->gvr(), api::kReplications);
  for (const char* name : {"remoteclusters", "replications", "namespacemappings"}) {
    auto r = c_.discovery->Resolve(std::string(name) + ".dr-syncer.io");
    ASSERT_TRUE(r.ok()) << name;
    EXPECT_THAT(r->categories, ::testing::Contains("dr-syncer")) << name;
  }
}

TEST_F(CrdValidationTest, NamespaceMappingIsDeprecatedAndConvertsToAValidReplication) {
  const json nm = {{"apiVersion", "dr-syncer.io/v1alpha1"},
                   {"kind", "NamespaceMapping"},
                   {"metadata", {{"name", "legacy"}, {"namespace", ns_}}},
                   {"spec",
                    {{"sourceCluster", "prod"},
                     {"destinationCluster", "dr"},
                     {"sourceNamespace", "shop"},
                     {"destinationNamespace", "shop"},
                     {"schedule", "*/15 * * * *"},
                     {"resourceTypes", {"ConfigMaps", "deployments"}},
                     {"immutableResourceConfig", {{"defaultHandling", "RecreateWithPodDrain"}}},
                     {"continuous", json::object()},  // gets the Go-era default 1h from the CRD
                     {"failureHandling", {{"defaultMode", "RetryAndWait"}}}}}};
  kubeclient::RestRequest req;
  req.verb = "POST";
  req.path = "/apis/dr-syncer.io/v1alpha1/namespaces/" + ns_ + "/namespacemappings";
  req.body = nm.dump();
  auto created = c_.rest->Send(req);
  ASSERT_TRUE(created.ok()) << created.error();
  const std::string* warning = created->Header("warning");
  ASSERT_NE(warning, nullptr);
  EXPECT_THAT(*warning, HasSubstr("NamespaceMapping is deprecated; use Replication"));

  // The stored object (with the Go-era defaults its CRD applies) converts
  // into a Replication the server accepts.
  const json stored = json::parse(created->body);
  auto replication = api::ReplicationFromNamespaceMapping(stored);
  ASSERT_TRUE(replication.ok()) << replication.error();
  auto made = Create(api::kReplications, *replication);
  ASSERT_TRUE(made.ok()) << made.error();
  EXPECT_EQ(made->at("spec").at("immutableResourceConfig").at("defaultHandling"), "Recreate");
  EXPECT_EQ(kube::OwnerReferences(*made).at(0).uid, kube::Uid(stored));
  auto decoded = api::ReplicationFromJson(*made);
  ASSERT_TRUE(decoded.ok());
  EXPECT_EQ(decoded->spec.continuous.background_sync_interval, std::chrono::hours(1));
}

}  // namespace
}  // namespace drs::testing
