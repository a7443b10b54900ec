#include "api/replication.h"

#include <functional>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "base/rfc3339.h"

namespace drs::api {
namespace {

using nlohmann::json;
using std::chrono::minutes;
using std::chrono::seconds;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

json Object(json spec) {
  return {{"apiVersion", "dr-syncer.io/v1alpha1"},
          {"kind", "Replication"},
          {"metadata", {{"name", "shop"}, {"namespace", "dr-system"}, {"generation", 2}}},
          {"spec", std::move(spec)}};
}

ReplicationSpec Decode(const json& spec) {
  auto s = ReplicationSpecFromJson(spec);
  EXPECT_TRUE(s.ok()) << s.error();
  return s.value_or(ReplicationSpec{});
}

// Exactly what kube-apiserver v1.36 stored for {destinationCluster: dr,
// sourceNamespace: shop} with our CRD (read back with kubectl), plus the
// destinationNamespace the decoder defaults.
constexpr std::string_view kServerStoredMinimal = R"({
  "continuous": {"backgroundSyncInterval": "5m", "debounce": "250ms"},
  "destinationCluster": "dr",
  "immutableResourceConfig": {"defaultHandling": "NoChange"},
  "ingressConfig": {"preserveAnnotations": true, "preserveBackends": true, "preserveTLS": true},
  "namespaceConfig": {"createNamespace": true, "preserveAnnotations": true,
                      "preserveLabels": true},
  "paused": false,
  "prune": {"enabled": false, "maxDeletePercent": 50},
  "pvcConfig": {"dataSyncConfig": {"concurrentSyncs": 2, "mountUnattachedVolumes": false,
                                   "samplePercent": 10, "skipUnchanged": true,
                                   "timeout": "30m", "verificationMode": "none"},
                "preserveVolumeAttributes": false, "syncData": false,
                "syncPersistentVolumes": false},
  "replicationMode": "Scheduled",
  "retryConfig": {"backoffMultiplier": 200, "initialBackoff": "5s", "maxBackoff": "5m",
                  "maxRetries": 5},
  "scaleToZero": true,
  "serviceConfig": {"preserveLoadBalancerIP": false, "preserveNodePorts": false},
  "sourceNamespace": "shop",
  "destinationNamespace": "shop",
  "syncCRDs": false
})";

TEST(ReplicationTest, MinimalSpecGetsTheServersDefaults) {
  const ReplicationSpec s = Decode({{"destinationCluster", "dr"}, {"sourceNamespace", "shop"}});
  EXPECT_EQ(s.destination_namespace, "shop");
  EXPECT_EQ(s.replication_mode, ReplicationMode::kScheduled);
  EXPECT_EQ(s.continuous.background_sync_interval, minutes(5));
  EXPECT_EQ(s.continuous.debounce, std::chrono::milliseconds(250));
  EXPECT_TRUE(s.scale_to_zero);
  EXPECT_EQ(s.pvc_config.data_sync_config.concurrent_syncs, 2);
  EXPECT_EQ(s.pvc_config.data_sync_config.timeout, minutes(30));
  EXPECT_TRUE(s.pvc_config.data_sync_config.skip_unchanged);
  EXPECT_EQ(s.retry_config.initial_backoff, seconds(5));
  EXPECT_EQ(s.prune.max_delete_percent, 50);
  EXPECT_FALSE(s.label_selector.has_value());
  EXPECT_TRUE(Validate(s).ok()) << Validate(s).error();
  EXPECT_EQ(ToJson(s), json::parse(kServerStoredMinimal));
  // The server's form decodes to the same value.
  EXPECT_EQ(Decode(json::parse(kServerStoredMinimal)), s);
}

TEST(ReplicationTest, FullSpecRoundTrips) {
  const json spec = json::parse(R"({
    "sourceCluster": "prod", "destinationCluster": "dr",
    "namespaceSelector": {"matchLabels": {"dr": "on"},
                          "matchExpressions": [{"key": "tier", "operator": "In",
                                                "values": ["a", "b"]}]},
    "destinationNamespacePattern": "dr-{namespace}",
    "replicationMode": "Continuous", "schedule": "@hourly",
    "continuous": {"backgroundSyncInterval": "1h", "debounce": "500ms"},
    "paused": true,
    "resourceTypes": ["*"], "excludeResourceTypes": ["secrets", "events.events.k8s.io"],
    "labelSelector": {"matchExpressions": [{"key": "skip", "operator": "DoesNotExist"}]},
    "exclude": [{"kind": "ConfigMap", "namePattern": "tmp-*"}],
    "namespaceScopedResources": ["widgets.example.com"],
    "scaleToZero": false,
    "immutableResourceConfig": {"defaultHandling": "Recreate",
                                "resourceOverrides": {"statefulsets.apps": "NoChange"}},
    "syncCRDs": true,
    "namespaceConfig": {"createNamespace": false, "preserveLabels": false,
                        "preserveAnnotations": true},
    "serviceConfig": {"preserveNodePorts": true, "preserveLoadBalancerIP": true},
    "ingressConfig": {"preserveAnnotations": false, "preserveTLS": false,
                      "preserveBackends": false},
    "pvcConfig": {
      "storageClassMappings": [{"from": "gp2", "to": "standard"}],
      "accessModeMappings": [{"from": "ReadWriteOnce", "to": "ReadWriteMany"}],
      "preserveVolumeAttributes": true, "syncPersistentVolumes": true, "syncData": true,
      "dataSyncConfig": {"concurrentSyncs": 4, "bandwidthLimit": 10240,
                         "excludePaths": ["/cache", "*.tmp"],
                         "rsyncOptions": ["--checksum", "--compress-level=3"],
                         "verificationMode": "sample", "samplePercent": 25,
                         "timeout": "2h", "mountUnattachedVolumes": true,
                         "skipUnchanged": false}},
    "retryConfig": {"maxRetries": 3, "initialBackoff": "10s", "maxBackoff": "10m",
                    "backoffMultiplier": 150},
    "prune": {"enabled": true, "maxDeletePercent": 20}
  })");
  const ReplicationSpec s = Decode(spec);
  EXPECT_TRUE(Validate(s).ok()) << Validate(s).error();
  ASSERT_TRUE(s.namespace_selector.has_value());
  EXPECT_TRUE(s.namespace_selector->Matches({{"dr", "on"}, {"tier", "a"}}));
  EXPECT_FALSE(s.namespace_selector->Matches({{"dr", "on"}}));
  EXPECT_EQ(s.immutable_resource_config.resource_overrides.at("statefulsets.apps"),
            ImmutableHandling::kNoChange);
  EXPECT_EQ(s.pvc_config.data_sync_config.verification_mode, VerificationMode::kSample);
  EXPECT_FALSE(s.pvc_config.data_sync_config.skip_unchanged);
  EXPECT_EQ(s.continuous.debounce, std::chrono::milliseconds(500));
  EXPECT_EQ(ToJson(s), spec);
  EXPECT_EQ(Decode(ToJson(s)), s);
}

TEST(ReplicationTest, DecodingNamesMistypedFieldsAndBadEnums) {
  auto r = ReplicationFromJson(Object(json::parse(R"({
    "sourceNamespace": "shop", "replicationMode": "Sometimes", "paused": "yes",
    "continuous": {"debounce": "soon"},
    "immutableResourceConfig": {"resourceOverrides": {"services": "Explode"}},
    "pvcConfig": {"storageClassMappings": [{"from": "a"}],
                  "dataSyncConfig": {"verificationMode": "FULL"}},
    "exclude": [{"kind": "Secret"}],
    "labelSelector": {"matchExpressions": [{"key": "a", "operator": "Near"}]}
  })")));
  ASSERT_FALSE(r.ok());
  const std::string m = r.error().message();
  EXPECT_THAT(m, HasSubstr("spec.replicationMode: unsupported value \"Sometimes\" (want one of "
                           "Scheduled, Continuous, Manual)"));
  EXPECT_THAT(m, HasSubstr("spec.paused: must be a boolean"));
  EXPECT_THAT(m, HasSubstr("spec.continuous.debounce: invalid duration \"soon\""));
  EXPECT_THAT(m, HasSubstr("spec.immutableResourceConfig.resourceOverrides.services: unsupported"));
  EXPECT_THAT(m, HasSubstr("spec.pvcConfig.storageClassMappings[0].to: required"));
  EXPECT_THAT(m, HasSubstr("spec.pvcConfig.dataSyncConfig.verificationMode: unsupported value"));
  EXPECT_THAT(m, HasSubstr("spec.exclude[0].namePattern: required"));
  EXPECT_THAT(m,
              HasSubstr("spec.labelSelector: invalid label selector: matchExpressions[0]: unknown "
                        "operator \"Near\""));
  EXPECT_FALSE(ReplicationFromJson(json::parse(R"({"metadata": {}})")).ok());
}

TEST(ReplicationTest, DecodesMetadataAndTriggerAnnotation) {
  json obj = Object({{"sourceNamespace", "shop"}, {"destinationCluster", "dr"}});
  obj["metadata"]["annotations"] = {{std::string(kSyncNowAnnotation), "t-1"}};
  auto r = ReplicationFromJson(obj);
  ASSERT_TRUE(r.ok()) << r.error();
  EXPECT_EQ(r->metadata.name, "shop");
  EXPECT_EQ(r->metadata.generation, 2);
  EXPECT_EQ(r->metadata.annotations.at("dr-syncer.io/sync-now"), "t-1");
}

// Every rule of the CRD, one case each, from a valid spec.
TEST(ReplicationTest, ValidateNamesTheBrokenRule) {
  const auto base = [] {
    ReplicationSpec s;
    s.destination_cluster = "dr";
    s.source_namespace = "shop";
    s.destination_namespace = "shop";
    return s;
  };
  const auto selector = [](ReplicationSpec& s, std::string_view text) {
    s.source_namespace.clear();
    s.destination_namespace.clear();
    s.namespace_selector = kube::LabelSelector::Parse(text).value();
  };
  const struct {
    std::function<void(ReplicationSpec&)> mutate;
    std::string_view message_part;
  } cases[] = {
      {[](auto& s) { s.source_namespace.clear(); },
       "spec: exactly one of spec.sourceNamespace and spec.namespaceSelector must be set"},
      {[](auto& s) { s.namespace_selector = kube::LabelSelector::Parse("a=b").value(); },
       "spec: exactly one of spec.sourceNamespace and spec.namespaceSelector"},
      {[&](auto& s) {
         selector(s, "a=b");
         s.destination_namespace = "x";
       },
       "spec.destinationNamespace: only with spec.sourceNamespace"},
      {[](auto& s) { s.destination_namespace_pattern = "dr-{namespace}"; },
       "spec.destinationNamespacePattern: only with spec.namespaceSelector"},
      {[&](auto& s) {
         selector(s, "a=b");
         s.destination_namespace_pattern = "dr-ns";
       },
       "spec.destinationNamespacePattern: must contain {namespace}"},
      {[&](auto& s) {
         selector(s, "a=b");
         s.destination_namespace_pattern = "DR-{namespace}";
       },
       "spec.destinationNamespacePattern: must contain {namespace}"},
      {[&](auto& s) { selector(s, ""); }, "spec.namespaceSelector: must select by at least one"},
      {[](auto& s) { s.destination_cluster.clear(); },
       "spec: source and destination are the same cluster"},
      {[&](auto& s) {
         selector(s, "a=b");
         s.destination_cluster.clear();
       },
       "spec: source and destination are the same cluster"},
      {[](auto& s) { s.source_cluster = "Prod"; }, "spec.sourceCluster: \"Prod\" must be"},
      {[](auto& s) { s.destination_cluster = "dr_1"; }, "spec.destinationCluster"},
      {[](auto& s) { s.source_namespace = "a.b"; }, "spec.sourceNamespace: \"a.b\" must be"},
      {[](auto& s) { s.destination_namespace = std::string(64, 'a'); },
       "spec.destinationNamespace"},
      {[](auto& s) { s.schedule = "*/5 * * *"; }, "spec.schedule: invalid cron schedule"},
      {[](auto& s) { s.continuous.background_sync_interval = seconds(30); },
       "spec.continuous.backgroundSyncInterval: must be at least 1m, not 30s"},
      {[](auto& s) { s.continuous.debounce = minutes(2); },
       "spec.continuous.debounce: must be at most 1m"},
      {[](auto& s) {
         s.resource_types = {"deployments", "not valid"};
       },
       "spec.resourceTypes[1]: \"not valid\" must be \"*\" or a resource type"},
      {[](auto& s) { s.resource_types.assign(257, "pods"); },
       "spec.resourceTypes: must have at most 256 items"},
      {[](auto& s) { s.exclude_resource_types = {"*"}; },
       "spec.excludeResourceTypes[0]: \"*\" is not allowed here"},
      {[](auto& s) { s.namespace_scoped_resources = {".example.com"}; },
       "spec.namespaceScopedResources[0]"},
      {[](auto& s) {
         s.exclude = {{"Secret", "a b"}};
       },
       "spec.exclude[0].namePattern: \"a b\" must be a name glob"},
      {[](auto& s) {
         s.exclude = {{"", "x"}};
       },
       "spec.exclude[0].kind"},
      {[](auto& s) {
         s.immutable_resource_config.resource_overrides["*"] = ImmutableHandling::kRecreate;
       },
       "spec.immutableResourceConfig.resourceOverrides.*"},
      {[](auto& s) {
         s.pvc_config.storage_class_mappings = {{"a", "b"}, {"a", "c"}};
       },
       "spec.pvcConfig.storageClassMappings[1]: duplicate from \"a\""},
      {[](auto& s) {
         s.pvc_config.storage_class_mappings = {{"", "b"}};
       },
       "spec.pvcConfig.storageClassMappings[0].from"},
      {[](auto& s) {
         s.pvc_config.storage_class_mappings = {{"a", "B"}};
       },
       "spec.pvcConfig.storageClassMappings[0].to"},
      {[](auto& s) {
         s.pvc_config.access_mode_mappings = {{"ReadWriteOnce", "RWX"}};
       },
       "spec.pvcConfig.accessModeMappings[0].to: unsupported value \"RWX\""},
      {[](auto& s) {
         s.pvc_config.access_mode_mappings = {{"ReadWriteOnce", "ReadWriteMany"},
                                              {"ReadWriteOnce", "ReadOnlyMany"}};
       },
       "spec.pvcConfig.accessModeMappings[1]: duplicate from"},
      {[](auto& s) { s.pvc_config.data_sync_config.concurrent_syncs = 0; },
       "spec.pvcConfig.dataSyncConfig.concurrentSyncs: must be between 1 and 32, not 0"},
      {[](auto& s) { s.pvc_config.data_sync_config.bandwidth_limit = -1; },
       "spec.pvcConfig.dataSyncConfig.bandwidthLimit: must not be negative"},
      {[](auto& s) {
         s.pvc_config.data_sync_config.exclude_paths = {"ok", "bad\npath"};
       },
       "spec.pvcConfig.dataSyncConfig.excludePaths[1]"},
      {[](auto& s) {
         s.pvc_config.data_sync_config.rsync_options = {"-c", "--rsh=sh"};
       },
       "spec.pvcConfig.dataSyncConfig.rsyncOptions[1]: rsync option \"--rsh=sh\" is not allowed"},
      {[](auto& s) { s.pvc_config.data_sync_config.sample_percent = 0; },
       "spec.pvcConfig.dataSyncConfig.samplePercent"},
      {[](auto& s) { s.pvc_config.data_sync_config.timeout = seconds(59); },
       "spec.pvcConfig.dataSyncConfig.timeout: must be at least 1m"},
      {[](auto& s) { s.retry_config.max_retries = -1; }, "spec.retryConfig.maxRetries"},
      {[](auto& s) { s.retry_config.initial_backoff = std::chrono::milliseconds(10); },
       "spec.retryConfig.initialBackoff: must be at least 1s"},
      {[](auto& s) { s.retry_config.initial_backoff = minutes(10); },
       "spec.retryConfig.maxBackoff: must be at least spec.retryConfig.initialBackoff"},
      {[](auto& s) { s.retry_config.backoff_multiplier = 50; },
       "spec.retryConfig.backoffMultiplier: must be between 100 and 1000"},
      {[](auto& s) { s.prune.max_delete_percent = 150; },
       "spec.prune.maxDeletePercent: must be between 0 and 100, not 150"},
  };
  for (const auto& c : cases) {
    ReplicationSpec s = base();
    ASSERT_TRUE(Validate(s).ok());
    c.mutate(s);
    const Status status = Validate(s);
    ASSERT_FALSE(status.ok()) << c.message_part;
    EXPECT_EQ(status.error().code(), ErrorCode::kInvalid);
    EXPECT_THAT(status.error().message(), HasSubstr(c.message_part));
  }
}

TEST(ReplicationTest, SameClusterIsFineWhenNamespacesDiffer) {
  ReplicationSpec s = Decode({{"sourceNamespace", "shop"}, {"destinationNamespace", "shop-dr"}});
  EXPECT_TRUE(Validate(s).ok());
  s = Decode({{"namespaceSelector", {{"matchLabels", {{"dr", "on"}}}}},
              {"destinationNamespacePattern", "{namespace}-dr"}});
  EXPECT_TRUE(Validate(s).ok()) << Validate(s).error();
}

TEST(ReplicationTest, DestinationNamespaces) {
  ReplicationSpec single = Decode({{"sourceNamespace", "shop"}, {"destinationCluster", "dr"}});
  EXPECT_EQ(DestinationNamespaceFor(single, "shop").value(), "shop");
  single.destination_namespace = "shop-dr";
  EXPECT_EQ(DestinationNamespaceFor(single, "shop").value(), "shop-dr");

  ReplicationSpec selected = Decode(
      {{"namespaceSelector", {{"matchLabels", {{"dr", "on"}}}}}, {"destinationCluster", "dr"}});
  EXPECT_EQ(DestinationNamespaceFor(selected, "web").value(), "web");
  selected.destination_namespace_pattern = "dr-{namespace}";
  EXPECT_EQ(DestinationNamespaceFor(selected, "web").value(), "dr-web");
  auto too_long = DestinationNamespaceFor(selected, std::string(62, 'a'));
  ASSERT_FALSE(too_long.ok());
  EXPECT_THAT(too_long.error().message(), HasSubstr("is not a namespace name"));

  EXPECT_EQ(DescribeSource(single), "(local)/shop");
  EXPECT_EQ(DescribeDestination(single), "dr/shop-dr");
  selected.source_cluster = "prod";
  EXPECT_EQ(DescribeSource(selected), "prod/{dr=on}");
  EXPECT_EQ(DescribeDestination(selected), "dr/dr-{namespace}");
}

TEST(ReplicationTest, EffectiveDefaultsComeFromTheClusters) {
  ReplicationSpec s;
  RemoteClusterSpec source, destination;
  EXPECT_EQ(EffectiveSchedule(s, nullptr, nullptr), "*/5 * * * *");
  EXPECT_THAT(EffectiveResourceTypes(s, nullptr, nullptr), ElementsAre("*"));
  destination.default_schedule = "@daily";
  destination.default_resource_types = {"configmaps"};
  EXPECT_EQ(EffectiveSchedule(s, &source, &destination), "@daily");
  EXPECT_THAT(EffectiveResourceTypes(s, &source, &destination), ElementsAre("configmaps"));
  source.default_schedule = "@hourly";
  source.default_resource_types = {"secrets"};
  EXPECT_EQ(EffectiveSchedule(s, &source, &destination), "@hourly");
  EXPECT_THAT(EffectiveResourceTypes(s, &source, &destination), ElementsAre("secrets"));
  s.schedule = "0 * * * *";
  s.resource_types = {"deployments"};
  EXPECT_EQ(EffectiveSchedule(s, &source, &destination), "0 * * * *");
  EXPECT_THAT(EffectiveResourceTypes(s, &source, &destination), ElementsAre("deployments"));
}

TEST(ReplicationTest, LabelSelectorToJsonRoundTrips) {
  const auto selector = kube::LabelSelector::Parse("a=1,c in (x,y),!d,e").value();
  const json j = LabelSelectorToJson(selector);
  EXPECT_EQ(j.at("matchLabels"), json({{"a", "1"}}));
  EXPECT_EQ(j.at("matchExpressions").size(), 3U);
  EXPECT_EQ(kube::LabelSelector::FromJson(j).value(), selector);
  // metav1 has no "!=": it becomes NotIn, which selects the same objects.
  const json not_equals = LabelSelectorToJson(kube::LabelSelector::Parse("b!=2").value());
  EXPECT_EQ(not_equals,
            json::parse(R"({"matchExpressions":[{"key":"b","operator":"NotIn","values":["2"]}]})"));
  EXPECT_EQ(LabelSelectorToJson(kube::LabelSelector()), json::object());
}

TEST(ReplicationTest, StatusRoundTripsAndCapsFailures) {
  ReplicationStatus s;
  s.phase = ReplicationPhase::kDegraded;
  s.observed_generation = 2;
  s.source = "prod/shop";
  s.destination = "dr/shop";
  s.last_sync_time = ParseRfc3339("2026-01-01T10:00:00Z").value();
  s.last_successful_sync_time = ParseRfc3339("2026-01-01T09:00:00Z").value();
  s.next_sync_time = ParseRfc3339("2026-01-01T10:05:00Z").value();
  s.last_sync_duration = std::chrono::milliseconds(2500);
  s.last_handled_trigger = "t-1";
  s.counts = SyncCounts{.total = 10, .created = 1, .updated = 2, .unchanged = 5, .failed = 2};
  s.remembered_scales = {{.kind = "Deployment", .ns = "shop", .name = "web", .replicas = 3}};
  s.pvcs = {{.ns = "shop",
             .name = "data",
             .phase = PvcSyncPhase::kSynced,
             .last_sync_time = ParseRfc3339("2026-01-01T10:00:00Z").value(),
             .bytes = 1 << 20,
             .files = 12,
             .duration = seconds(42),
             .message = "ok",
             .source_digest = "sha256:" + std::string(64, 'a'),
             .destination_digest = "sha256:" + std::string(64, 'b')}};
  s.message = "2 objects failed";
  ASSERT_TRUE(SetCondition(s.conditions,
                           {.type = std::string(kConditionSynced),
                            .status = ConditionStatus::kFalse,
                            .reason = "ObjectsFailed"},
                           ParseRfc3339("2026-01-01T10:00:00Z").value()));
  for (int i = 0; i < 25; ++i) {
    s.failures.push_back({.kind = "ConfigMap",
                          .ns = "shop",
                          .name = "c" + std::to_string(i),
                          .reason = "Forbidden"});
  }
  const json j = ToJson(s);
  EXPECT_EQ(j.at("phase"), "Degraded");
  EXPECT_EQ(j.at("lastSyncDuration"), "2s500ms");
  EXPECT_EQ(j.at("failures").size(), kMaxReportedFailures);
  EXPECT_EQ(j.at("pvcs")[0].at("duration"), "42s");
  EXPECT_EQ(j.at("pvcs")[0].at("sourceDigest"), "sha256:" + std::string(64, 'a'));
  EXPECT_EQ(j.at("pvcs")[0].at("destinationDigest"), "sha256:" + std::string(64, 'b'));
  auto back = ReplicationStatusFromJson(j);
  ASSERT_TRUE(back.ok()) << back.error();
  s.failures.resize(kMaxReportedFailures);
  EXPECT_EQ(*back, s);
  EXPECT_EQ(ToJson(ReplicationStatus{}), json::object());
  EXPECT_FALSE(ReplicationStatusFromJson(json::parse(R"({"phase": "Happy"})")).ok());
}

}  // namespace
}  // namespace drs::api
