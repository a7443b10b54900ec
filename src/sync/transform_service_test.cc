// Services, Ingresses and HorizontalPodAutoscalers, from objects as the API
// server returns them.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "sync/sync_test_util.h"
#include "sync/transform.h"

namespace drs::sync {
namespace {

using nlohmann::json;
using testing::ExpectDesired;
using ::testing::HasSubstr;
using testing::MustTransform;
using testing::ShopOptions;

// What our labels and annotations add to a copy of shop/<name> with uid u-1.
json OursFor(std::string_view name) {
  return {{"labels",
           {{"app.kubernetes.io/managed-by", "dr-syncer"},
            {"dr-syncer.io/replication", "dr-system.shop"}}},
          {"annotations",
           {{"dr-syncer.io/source", "prod/shop/" + std::string(name)},
            {"dr-syncer.io/source-uid", "u-1"}}}};
}

const json kLoadBalancer = json::parse(R"({
  "apiVersion": "v1", "kind": "Service",
  "metadata": {"name": "web", "namespace": "shop", "uid": "u-1", "resourceVersion": "812",
               "finalizers": ["service.kubernetes.io/load-balancer-cleanup"]},
  "spec": {
    "type": "LoadBalancer", "selector": {"app": "web"},
    "ports": [{"name": "http", "protocol": "TCP", "port": 80, "targetPort": 8080, "nodePort": 31380},
              {"name": "https", "protocol": "TCP", "port": 443, "targetPort": 8443,
               "nodePort": 31443}],
    "clusterIP": "10.96.14.7", "clusterIPs": ["10.96.14.7"],
    "ipFamilies": ["IPv4"], "ipFamilyPolicy": "SingleStack",
    "externalTrafficPolicy": "Local", "healthCheckNodePort": 32001,
    "loadBalancerIP": "203.0.113.10", "allocateLoadBalancerNodePorts": true,
    "internalTrafficPolicy": "Cluster", "sessionAffinity": "None"
  },
  "status": {"loadBalancer": {"ingress": [{"ip": "203.0.113.10", "ipMode": "VIP"}]}}
})");

TEST(TransformServiceTest, LoadBalancerLosesAllocations) {
  json want = json::parse(R"({
    "apiVersion": "v1", "kind": "Service",
    "metadata": {"name": "web", "namespace": "shop-dr"},
    "spec": {
      "type": "LoadBalancer", "selector": {"app": "web"},
      "ports": [{"name": "http", "protocol": "TCP", "port": 80, "targetPort": 8080},
                {"name": "https", "protocol": "TCP", "port": 443, "targetPort": 8443}],
      "ipFamilyPolicy": "SingleStack",
      "externalTrafficPolicy": "Local", "allocateLoadBalancerNodePorts": true,
      "internalTrafficPolicy": "Cluster", "sessionAffinity": "None"
    }
  })");
  want["metadata"].update(OursFor("web"));
  ExpectDesired(MustTransform(kLoadBalancer, ShopOptions()), want);
}

TEST(TransformServiceTest, PreserveOptions) {
  TransformOptions options = ShopOptions();
  options.preserve_node_ports = true;
  options.preserve_load_balancer_ip = true;
  const json spec = MustTransform(kLoadBalancer, options).object["spec"];
  EXPECT_EQ(spec["ports"][0]["nodePort"], 31380);
  EXPECT_EQ(spec["ports"][1]["nodePort"], 31443);
  EXPECT_EQ(spec["healthCheckNodePort"], 32001);
  EXPECT_EQ(spec["loadBalancerIP"], "203.0.113.10");
  // Allocated per cluster whatever the options say.
  EXPECT_FALSE(spec.contains("clusterIP"));
  EXPECT_FALSE(spec.contains("clusterIPs"));
  EXPECT_FALSE(spec.contains("ipFamilies"));
}

TEST(TransformServiceTest, HeadlessStaysHeadless) {
  const json headless = json::parse(R"({
    "apiVersion": "v1", "kind": "Service",
    "metadata": {"name": "db", "namespace": "shop", "uid": "u-1"},
    "spec": {"clusterIP": "None", "clusterIPs": ["None"], "type": "ClusterIP",
             "ipFamilies": ["IPv4"], "ipFamilyPolicy": "SingleStack",
             "publishNotReadyAddresses": true, "selector": {"app": "db"},
             "ports": [{"name": "pg", "port": 5432, "protocol": "TCP", "targetPort": 5432}]},
    "status": {"loadBalancer": {}}
  })");
  json want = json::parse(R"({
    "apiVersion": "v1", "kind": "Service",
    "metadata": {"name": "db", "namespace": "shop-dr"},
    "spec": {"clusterIP": "None", "clusterIPs": ["None"], "type": "ClusterIP",
             "ipFamilyPolicy": "SingleStack",
             "publishNotReadyAddresses": true, "selector": {"app": "db"},
             "ports": [{"name": "pg", "port": 5432, "protocol": "TCP", "targetPort": 5432}]}
  })");
  want["metadata"].update(OursFor("db"));
  ExpectDesired(MustTransform(headless, ShopOptions()), want);
}

TEST(TransformServiceTest, ExternalNameFollowsTheNamespace) {
  const json external = json::parse(R"({
    "apiVersion": "v1", "kind": "Service",
    "metadata": {"name": "payments", "namespace": "shop", "uid": "u-1"},
    "spec": {"type": "ExternalName", "externalName": "api.shop.svc.cluster.local",
             "sessionAffinity": "None"},
    "status": {"loadBalancer": {}}
  })");
  json want = json::parse(R"({
    "apiVersion": "v1", "kind": "Service",
    "metadata": {"name": "payments", "namespace": "shop-dr"},
    "spec": {"type": "ExternalName", "externalName": "api.shop-dr.svc.cluster.local",
             "sessionAffinity": "None"}
  })");
  want["metadata"].update(OursFor("payments"));
  ExpectDesired(MustTransform(external, ShopOptions()), want);
}

const json kIngress = json::parse(R"({
  "apiVersion": "networking.k8s.io/v1", "kind": "Ingress",
  "metadata": {"name": "web", "namespace": "shop", "uid": "u-1", "resourceVersion": "90",
               "generation": 2,
               "annotations": {"cert-manager.io/cluster-issuer": "letsencrypt",
                               "kubernetes.io/ingress.class": "nginx"}},
  "spec": {
    "ingressClassName": "nginx",
    "tls": [{"hosts": ["shop.example.com"], "secretName": "web-tls"}],
    "rules": [{"host": "shop.example.com", "http": {"paths": [
      {"path": "/", "pathType": "Prefix",
       "backend": {"service": {"name": "web", "port": {"number": 80}}}}]}}]
  },
  "status": {"loadBalancer": {"ingress": [{"ip": "203.0.113.10"}]}}
})");

TEST(TransformServiceTest, IngressCarriedWhole) {
  json want = kIngress;
  want.erase("status");
  want["metadata"] = {{"name", "web"}, {"namespace", "shop-dr"}};
  want["metadata"].update(OursFor("web"));
  want["metadata"]["annotations"].update(kIngress["metadata"]["annotations"]);
  ExpectDesired(MustTransform(kIngress, ShopOptions()), want);
}

TEST(TransformServiceTest, IngressOptions) {
  TransformOptions options = ShopOptions();
  options.preserve_ingress_annotations = false;
  options.preserve_ingress_tls = false;
  options.preserve_ingress_class = false;
  json want = kIngress;
  want.erase("status");
  want["spec"].erase("tls");
  want["spec"].erase("ingressClassName");
  want["metadata"] = {{"name", "web"}, {"namespace", "shop-dr"}};
  want["metadata"].update(OursFor("web"));
  ExpectDesired(MustTransform(kIngress, options), want);

  // Only the class goes: its annotation too, the others stay.
  options = ShopOptions();
  options.preserve_ingress_class = false;
  const json out = MustTransform(kIngress, options).object;
  EXPECT_FALSE(out["spec"].contains("ingressClassName"));
  EXPECT_FALSE(out["metadata"]["annotations"].contains("kubernetes.io/ingress.class"));
  EXPECT_EQ(out["metadata"]["annotations"]["cert-manager.io/cluster-issuer"], "letsencrypt");
  EXPECT_TRUE(out["spec"].contains("tls"));
}

const json kHpa = json::parse(R"({
  "apiVersion": "autoscaling/v2", "kind": "HorizontalPodAutoscaler",
  "metadata": {"name": "web", "namespace": "shop", "uid": "u-1", "resourceVersion": "4"},
  "spec": {
    "scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": "web"},
    "minReplicas": 3, "maxReplicas": 12,
    "metrics": [{"type": "Resource", "resource": {"name": "cpu",
                 "target": {"type": "Utilization", "averageUtilization": 70}}}],
    "behavior": {"scaleDown": {"stabilizationWindowSeconds": 300, "selectPolicy": "Max",
                               "policies": [{"type": "Percent", "value": 100, "periodSeconds": 15}]},
                 "scaleUp": {"stabilizationWindowSeconds": 0, "selectPolicy": "Max",
                             "policies": [{"type": "Pods", "value": 4, "periodSeconds": 15}]}}
  },
  "status": {"currentReplicas": 3, "desiredReplicas": 3,
             "conditions": [{"type": "ScalingActive", "status": "True"}]}
})");

TEST(TransformServiceTest, HpaNeverScales) {
  json want = json::parse(R"({
    "apiVersion": "autoscaling/v2", "kind": "HorizontalPodAutoscaler",
    "metadata": {"name": "web", "namespace": "shop-dr"},
    "spec": {
      "scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": "web"},
      "minReplicas": 1, "maxReplicas": 12,
      "metrics": [{"type": "Resource", "resource": {"name": "cpu",
                   "target": {"type": "Utilization", "averageUtilization": 70}}}],
      "behavior": {"scaleDown": {"stabilizationWindowSeconds": 300, "selectPolicy": "Disabled",
                                 "policies": [{"type": "Percent", "value": 100, "periodSeconds": 15}]},
                   "scaleUp": {"stabilizationWindowSeconds": 0, "selectPolicy": "Disabled",
                               "policies": [{"type": "Pods", "value": 4, "periodSeconds": 15}]}}
    }
  })");
  want["metadata"].update(OursFor("web"));
  want["metadata"]["annotations"]["dr-syncer.io/original-min-replicas"] = "3";
  want["metadata"]["annotations"]["dr-syncer.io/original-behavior"] =
      kHpa["spec"]["behavior"].dump();
  ExpectDesired(MustTransform(kHpa, ShopOptions()), want);
}

TEST(TransformServiceTest, HpaWithoutBehaviorOrHighMinimum) {
  json source = kHpa;
  source["spec"].erase("behavior");
  source["spec"]["minReplicas"] = 1;
  const json out = MustTransform(source, ShopOptions()).object;
  EXPECT_EQ(out["spec"]["behavior"], json::parse(R"({"scaleUp": {"selectPolicy": "Disabled"},
                                                     "scaleDown": {"selectPolicy": "Disabled"}})"));
  EXPECT_EQ(out["spec"]["minReplicas"], 1);
  EXPECT_EQ(out["metadata"]["annotations"]["dr-syncer.io/original-behavior"], "");
  EXPECT_FALSE(out["metadata"]["annotations"].contains("dr-syncer.io/original-min-replicas"));

  source["spec"]["behavior"] = "fast";
  auto bad = Transform(source, ShopOptions());
  ASSERT_FALSE(bad.ok());
  EXPECT_THAT(
      bad.error().message(),
      HasSubstr("autoscaling/v2 HorizontalPodAutoscaler shop/web: spec.behavior is not an object"));
}

TEST(TransformServiceTest, HpaV1LosesOnlyItsStatusAnnotations) {
  const json v1 = json::parse(R"({
    "apiVersion": "autoscaling/v1", "kind": "HorizontalPodAutoscaler",
    "metadata": {"name": "web", "namespace": "shop", "uid": "u-1",
                 "annotations": {
                   "autoscaling.alpha.kubernetes.io/conditions": "[{\"type\":\"AbleToScale\"}]",
                   "autoscaling.alpha.kubernetes.io/current-metrics": "[]"}},
    "spec": {"scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": "web"},
             "minReplicas": 2, "maxReplicas": 5, "targetCPUUtilizationPercentage": 80},
    "status": {"currentReplicas": 2, "desiredReplicas": 2}
  })");
  json want = v1;
  want.erase("status");
  want["metadata"] = {{"name", "web"}, {"namespace", "shop-dr"}};
  want["metadata"].update(OursFor("web"));
  ExpectDesired(MustTransform(v1, ShopOptions()), want);
}

}  // namespace
}  // namespace drs::sync
