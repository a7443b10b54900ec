#include "sync/selection.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace drs::sync {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;

json Obj(std::string_view text) { return json::parse(text); }

kube::LabelSelector Selector(std::string_view text) {
  auto selector = kube::LabelSelector::Parse(text);
  EXPECT_TRUE(selector.ok()) << selector.error();
  return selector.ok() ? *selector : kube::LabelSelector();
}

struct Case {
  const char* name;
  json obj;
  // nullopt: copied; else a part of the skip reason.
  std::optional<std::string> reason;
};

void Check(const std::vector<Case>& cases, const SelectionOptions& options) {
  for (const Case& c : cases) {
    const auto reason = SkipReason(c.obj, options);
    if (!c.reason.has_value()) {
      EXPECT_EQ(reason, std::nullopt) << c.name;
    } else if (reason.has_value()) {
      EXPECT_THAT(*reason, HasSubstr(*c.reason)) << c.name;
    } else {
      ADD_FAILURE() << c.name << ": copied, expected skipped with \"" << *c.reason << "\"";
    }
  }
}

TEST(SelectionTest, UserObjectsAreCopied) {
  Check(
      {
          {"deployment", Obj(R"({"apiVersion": "apps/v1", "kind": "Deployment",
                                "metadata": {"name": "web", "namespace": "shop"}})"),
           std::nullopt},
          {"configmap", Obj(R"({"apiVersion": "v1", "kind": "ConfigMap",
                               "metadata": {"name": "cfg", "namespace": "shop"}})"),
           std::nullopt},
          {"opaque secret", Obj(R"({"apiVersion": "v1", "kind": "Secret", "type": "Opaque",
                                   "metadata": {"name": "db", "namespace": "shop"}})"),
           std::nullopt},
          {"helm release secret",
           Obj(R"({"apiVersion": "v1", "kind": "Secret", "type": "helm.sh/release.v1",
                   "metadata": {"name": "sh.helm.release.v1.shop.v3", "namespace": "shop"}})"),
           std::nullopt},
          {"named service account", Obj(R"({"apiVersion": "v1", "kind": "ServiceAccount",
                                           "metadata": {"name": "web", "namespace": "shop"}})"),
           std::nullopt},
          {"non-controller owner", Obj(R"({"apiVersion": "v1", "kind": "ConfigMap",
                   "metadata": {"name": "c", "namespace": "shop", "ownerReferences": [
                     {"apiVersion": "v1", "kind": "ConfigMap", "name": "o", "uid": "u"}]}})"),
           std::nullopt},
          {"claim owned by its StatefulSet",
           Obj(R"({"apiVersion": "v1", "kind": "PersistentVolumeClaim",
                   "metadata": {"name": "data-db-0", "namespace": "shop", "ownerReferences": [
                     {"apiVersion": "apps/v1", "kind": "StatefulSet", "name": "db", "uid": "u",
                      "controller": true, "blockOwnerDeletion": true}]}})"),
           std::nullopt},
          {"standalone running job", Obj(R"({"apiVersion": "batch/v1", "kind": "Job",
                   "metadata": {"name": "migrate", "namespace": "shop"},
                   "status": {"active": 1, "conditions": [
                     {"type": "Complete", "status": "False"}]}})"),
           std::nullopt},
          {"bare replicaset", Obj(R"({"apiVersion": "apps/v1", "kind": "ReplicaSet",
                                     "metadata": {"name": "legacy", "namespace": "shop"}})"),
           std::nullopt},
          {"ignore false", Obj(R"({"apiVersion": "v1", "kind": "ConfigMap",
                                  "metadata": {"name": "c", "labels": {"dr-syncer.io/ignore": "false"}}})"),
           std::nullopt},
          {"managed by Helm",
           Obj(R"({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c",
                   "labels": {"app.kubernetes.io/managed-by": "Helm"}}})"),
           std::nullopt},
      },
      {});
}

TEST(SelectionTest, ClusterMadeAndControlledObjectsAreSkipped) {
  Check(
      {
          {"token secret",
           Obj(R"({"apiVersion": "v1", "kind": "Secret", "type": "kubernetes.io/service-account-token",
                   "metadata": {"name": "web-token-x1", "namespace": "shop"}})"),
           "ServiceAccount token Secret"},
          {"root ca", Obj(R"({"apiVersion": "v1", "kind": "ConfigMap",
                             "metadata": {"name": "kube-root-ca.crt", "namespace": "shop"}})"),
           "kube-root-ca.crt"},
          {"default sa", Obj(R"({"apiVersion": "v1", "kind": "ServiceAccount",
                                "metadata": {"name": "default", "namespace": "shop"}})"),
           "default ServiceAccount"},
          {"endpoints",
           Obj(R"({"apiVersion": "v1", "kind": "Endpoints", "metadata": {"name": "web"}})"),
           "Endpoints are made by the cluster"},
          {"endpointslice", Obj(R"({"apiVersion": "discovery.k8s.io/v1", "kind": "EndpointSlice",
                   "metadata": {"name": "web-abc"}})"),
           "EndpointSlices"},
          {"core event",
           Obj(R"({"apiVersion": "v1", "kind": "Event", "metadata": {"name": "e.1"}})"), "Events"},
          {"events.k8s.io event",
           Obj(R"({"apiVersion": "events.k8s.io/v1", "kind": "Event", "metadata": {"name": "e.1"}})"),
           "Events"},
          {"lease", Obj(R"({"apiVersion": "coordination.k8s.io/v1", "kind": "Lease",
                           "metadata": {"name": "leader"}})"),
           "Leases"},
          {"controllerrevision", Obj(R"({"apiVersion": "apps/v1", "kind": "ControllerRevision",
                   "metadata": {"name": "db-7d9f"}})"),
           "ControllerRevisions"},
          {"csi capacity", Obj(R"({"apiVersion": "storage.k8s.io/v1", "kind": "CSIStorageCapacity",
                                  "metadata": {"name": "csisc-1"}})"),
           "CSI drivers"},
          {"pod metrics", Obj(R"({"apiVersion": "metrics.k8s.io/v1beta1", "kind": "PodMetrics",
                                 "metadata": {"name": "web-1"}})"),
           "metrics.k8s.io"},
          {"our replication", Obj(R"({"apiVersion": "dr-syncer.io/v1alpha1", "kind": "Replication",
                                     "metadata": {"name": "shop"}})"),
           "dr-syncer's own objects"},
          {"owned pod", Obj(R"({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "web-5d-x",
                   "ownerReferences": [{"apiVersion": "apps/v1", "kind": "ReplicaSet",
                     "name": "web-5d", "uid": "u", "controller": true}]}})"),
           "managed by its controller ReplicaSet web-5d"},
          {"owned replicaset",
           Obj(R"({"apiVersion": "apps/v1", "kind": "ReplicaSet", "metadata": {"name": "web-5d",
                   "ownerReferences": [{"apiVersion": "apps/v1", "kind": "Deployment",
                     "name": "web", "uid": "u", "controller": true}]}})"),
           "managed by its controller Deployment web"},
          {"job of a cronjob",
           Obj(R"({"apiVersion": "batch/v1", "kind": "Job", "metadata": {"name": "report-28",
                   "ownerReferences": [{"apiVersion": "batch/v1", "kind": "CronJob",
                     "name": "report", "uid": "u", "controller": true}]}})"),
           "managed by its controller CronJob report"},
          {"operator-made secret",
           Obj(R"({"apiVersion": "v1", "kind": "Secret", "type": "kubernetes.io/tls",
                   "metadata": {"name": "web-tls", "ownerReferences": [
                     {"apiVersion": "cert-manager.io/v1", "kind": "Certificate", "name": "web",
                      "uid": "u", "controller": true}]}})"),
           "managed by its controller Certificate web"},
          {"bare pod", Obj(R"({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "debug"}})"),
           "bare Pods are not copied"},
          {"completed job",
           Obj(R"({"apiVersion": "batch/v1", "kind": "Job", "metadata": {"name": "migrate"},
                   "status": {"succeeded": 1, "conditions": [
                     {"type": "SuccessCriteriaMet", "status": "True"},
                     {"type": "Complete", "status": "True"}]}})"),
           "a finished Job"},
          {"failed job",
           Obj(R"({"apiVersion": "batch/v1", "kind": "Job", "metadata": {"name": "migrate"},
                   "status": {"failed": 6, "conditions": [{"type": "Failed", "status": "True"}]}})"),
           "a finished Job"},
      },
      {});
}

TEST(SelectionTest, MarkersAndDeletion) {
  Check(
      {
          {"ignore label", Obj(R"({"apiVersion": "v1", "kind": "ConfigMap",
                                  "metadata": {"name": "c", "labels": {"dr-syncer.io/ignore": "true"}}})"),
           "dr-syncer.io/ignore"},
          {"ignore annotation, any case", Obj(R"({"apiVersion": "v1", "kind": "ConfigMap",
                   "metadata": {"name": "c", "annotations": {"dr-syncer.io/ignore": "True"}}})"),
           "dr-syncer.io/ignore"},
          {"a DR copy",
           Obj(R"({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web",
                   "labels": {"app.kubernetes.io/managed-by": "dr-syncer"}}})"),
           "a DR copy made by dr-syncer"},
          {"being deleted",
           Obj(R"({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c",
                   "deletionTimestamp": "2024-05-01T10:00:00Z", "finalizers": ["x/y"]}})"),
           "being deleted"},
      },
      {});
}

TEST(SelectionTest, ExcludeRules) {
  SelectionOptions options;
  options.exclude = {
      {"Secret", "tmp-*"},          {"configmaps", "cache-?"}, {"deployments.apps", "canary"},
      {"Widget.example.com", "w*"}, {"*", "scratch"},          {"ingress", "internal"}};
  const json secret =
      Obj(R"({"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "tmp-1"}})");
  Check(
      {
          {"kind rule", secret, "excluded by the rule {kind: Secret, namePattern: tmp-*}"},
          {"kind rule, other name",
           Obj(R"({"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "db"}})"),
           std::nullopt},
          {"resource rule",
           Obj(R"({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "cache-a"}})"),
           "configmaps"},
          {"resource rule, glob miss",
           Obj(R"({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "cache-ab"}})"),
           std::nullopt},
          {"resource.group rule",
           Obj(R"({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "canary"}})"),
           "deployments.apps"},
          {"resource.group rule, other group",
           Obj(R"({"apiVersion": "example.com/v1", "kind": "Deployment",
                   "metadata": {"name": "canary"}})"),
           std::nullopt},
          {"Kind.group rule",
           Obj(R"({"apiVersion": "example.com/v1", "kind": "Widget", "metadata": {"name": "w1"}})"),
           "Widget.example.com"},
          {"wildcard kind",
           Obj(R"({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "scratch"}})"),
           "{kind: *, namePattern: scratch}"},
          {"kind in any case", Obj(R"({"apiVersion": "networking.k8s.io/v1", "kind": "Ingress",
                   "metadata": {"name": "internal"}})"),
           "ingress"},
      },
      options);
}

TEST(SelectionTest, ExcludeRuleByListedResourceName) {
  SelectionOptions options;
  options.exclude = {{"endpointsconfigs", "*"}};
  const json obj = Obj(R"({"apiVersion": "example.com/v1", "kind": "EndpointsConfig",
                           "metadata": {"name": "x"}})");
  // The guess ("endpointsconfigs") and the listed name agree here...
  EXPECT_NE(SkipReason(obj, options), std::nullopt);
  // ...and the listed name wins when the engine knows it.
  EXPECT_EQ(SkipReason(obj, options, "epconfigs"), std::nullopt);
  options.exclude = {{"epconfigs", "*"}};
  EXPECT_NE(SkipReason(obj, options, "epconfigs"), std::nullopt);
}

TEST(SelectionTest, LabelSelector) {
  SelectionOptions options;
  options.label_selector = Selector("tier in (front,back),!dr-skip");
  Check(
      {
          {"match", Obj(R"({"apiVersion": "v1", "kind": "ConfigMap",
                           "metadata": {"name": "a", "labels": {"tier": "front"}}})"),
           std::nullopt},
          {"value miss", Obj(R"({"apiVersion": "v1", "kind": "ConfigMap",
                                "metadata": {"name": "a", "labels": {"tier": "db"}}})"),
           "labels do not match the selector \"!dr-skip,tier in (back,front)\""},
          {"no labels",
           Obj(R"({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "a"}})"),
           "labels do not match"},
      },
      options);
}

TEST(SelectionTest, FirstReasonWins) {
  SelectionOptions options;
  options.exclude = {{"*", "*"}};
  // Deletion is reported before the exclude rule, and cluster-made before it.
  EXPECT_EQ(SkipReason(Obj(R"({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "a",
                             "deletionTimestamp": "2024-05-01T10:00:00Z"}})"),
                       options),
            "being deleted");
  EXPECT_THAT(SkipReason(Obj(R"({"apiVersion": "v1", "kind": "Event", "metadata": {"name": "e"}})"),
                         options)
                  .value_or(""),
              HasSubstr("Events"));
}

TEST(SelectionTest, MalformedObjectsDoNotThrow) {
  const json cases[] = {json(),
                        json(5),
                        json::array(),
                        json::parse(R"({"metadata": 3})"),
                        json::parse(R"({"kind": 1, "apiVersion": [], "status": "x",
                                        "metadata": {"ownerReferences": "x", "labels": 1}})"),
                        json::parse(R"({"apiVersion": "batch/v1", "kind": "Job",
                                        "status": {"conditions": [1, {"type": 2}]}})")};
  SelectionOptions options;
  options.label_selector = Selector("a");
  for (const json& obj : cases) {
    EXPECT_NO_THROW((void)SkipReason(obj, options)) << obj.dump();
  }
}

TEST(SelectionTest, SystemResourceTypes) {
  const struct {
    kube::GroupResource type;
    bool system;
  } cases[] = {
      {{"", "events"}, true},
      {{"events.k8s.io", "events"}, true},
      {{"", "endpoints"}, true},
      {{"discovery.k8s.io", "endpointslices"}, true},
      {{"coordination.k8s.io", "leases"}, true},
      {{"", "pods"}, true},
      {{"", "pods/log"}, true},
      {{"", "serviceaccounts/token"}, true},
      {{"", "bindings"}, true},
      {{"", "componentstatuses"}, true},
      {{"apps", "controllerrevisions"}, true},
      {{"authorization.k8s.io", "localsubjectaccessreviews"}, true},
      {{"authorization.k8s.io", "selfsubjectrulesreviews"}, true},
      {{"authentication.k8s.io", "tokenreviews"}, true},
      {{"metrics.k8s.io", "pods"}, true},
      {{"dr-syncer.io", "replications"}, true},
      {{"storage.k8s.io", "csistoragecapacities"}, true},
      {{"apps", "replicasets"}, false},
      {{"batch", "jobs"}, false},
      {{"apps", "deployments"}, false},
      {{"", "secrets"}, false},
      {{"", "configmaps"}, false},
      {{"", "persistentvolumeclaims"}, false},
      {{"example.com", "events"}, false},  // a custom resource that shares a name
      {{"example.com", "widgets"}, false},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(IsSystemResourceType(c.type), c.system) << c.type.ToString();
  }
}

TEST(SelectionTest, GuessResource) {
  const std::pair<std::string_view, std::string_view> cases[] = {
      {"Deployment", "deployments"},
      {"Ingress", "ingresses"},
      {"NetworkPolicy", "networkpolicies"},
      {"ConfigMap", "configmaps"},
      {"", ""}};
  for (const auto& [kind, resource] : cases) EXPECT_EQ(GuessResource(kind), resource) << kind;
}

}  // namespace
}  // namespace drs::sync
