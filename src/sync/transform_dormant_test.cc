// DaemonSets, CronJobs and Jobs kept dormant, from objects as the API server
// returns them.
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

const json kDaemonSet = json::parse(R"({
  "apiVersion": "apps/v1", "kind": "DaemonSet",
  "metadata": {"name": "log-shipper", "namespace": "shop", "uid": "u-ds", "generation": 2,
               "resourceVersion": "100",
               "annotations": {"deprecated.daemonset.template.generation": "2"}},
  "spec": {
    "selector": {"matchLabels": {"app": "log-shipper"}},
    "updateStrategy": {"type": "RollingUpdate",
                       "rollingUpdate": {"maxUnavailable": 1, "maxSurge": 0}},
    "revisionHistoryLimit": 10,
    "template": {"metadata": {"creationTimestamp": null, "labels": {"app": "log-shipper"}},
                 "spec": {"nodeSelector": {"kubernetes.io/os": "linux"},
                          "containers": [{"name": "fluent-bit", "image": "fluent/fluent-bit:3.0"}]}}
  },
  "status": {"currentNumberScheduled": 3, "desiredNumberScheduled": 3, "numberReady": 3}
})");

TEST(TransformDormantTest, DaemonSetDormant) {
  const DesiredObject out = MustTransform(kDaemonSet, ShopOptions());
  ExpectDesired(out, json::parse(R"({
    "apiVersion": "apps/v1", "kind": "DaemonSet",
    "metadata": {"name": "log-shipper", "namespace": "shop-dr",
      "labels": {"app.kubernetes.io/managed-by": "dr-syncer",
                 "dr-syncer.io/replication": "dr-system.shop"},
      "annotations": {"dr-syncer.io/dormant": "true", "dr-syncer.io/source": "prod/shop/log-shipper",
                      "dr-syncer.io/source-uid": "u-ds"}},
    "spec": {
      "selector": {"matchLabels": {"app": "log-shipper"}},
      "updateStrategy": {"type": "RollingUpdate",
                         "rollingUpdate": {"maxUnavailable": 1, "maxSurge": 0}},
      "revisionHistoryLimit": 10,
      "template": {"metadata": {"labels": {"app": "log-shipper"}},
                   "spec": {"nodeSelector": {"kubernetes.io/os": "linux",
                                             "dr-syncer.io/dormant": "true"},
                            "containers": [{"name": "fluent-bit", "image": "fluent/fluent-bit:3.0"}]}}
    }
  })"));
  EXPECT_EQ(out.original_replicas, std::nullopt);
}

TEST(TransformDormantTest, DaemonSetActivity) {
  const struct {
    const char* name;
    bool scale_to_zero;
    const char* scale_override;  // nullptr: none
    bool dormant;
  } cases[] = {
      {"default", true, nullptr, true}, {"scale_to_zero off", false, nullptr, false},
      {"override 0", false, "0", true}, {"override 1", true, "1", false},
      {"override 7", true, "7", false},
  };
  for (const auto& c : cases) {
    json source = kDaemonSet;
    source["spec"]["template"]["spec"].erase("nodeSelector");
    if (c.scale_override != nullptr) {
      source["metadata"]["annotations"]["dr-syncer.io/scale-override"] = c.scale_override;
    }
    TransformOptions options = ShopOptions();
    options.scale_to_zero = c.scale_to_zero;
    const json out = MustTransform(source, options).object;
    const json& pod_spec = out["spec"]["template"]["spec"];
    EXPECT_EQ(pod_spec.contains("nodeSelector"), c.dormant) << c.name;
    if (c.dormant) {
      EXPECT_EQ(pod_spec["nodeSelector"], json({{"dr-syncer.io/dormant", "true"}})) << c.name;
    }
    EXPECT_EQ(out["metadata"]["annotations"].contains("dr-syncer.io/dormant"), c.dormant) << c.name;
  }
  json broken = kDaemonSet;
  broken["spec"]["template"]["spec"]["nodeSelector"] = json::array();
  auto out = Transform(broken, ShopOptions());
  ASSERT_FALSE(out.ok());
  EXPECT_THAT(out.error().message(), HasSubstr("nodeSelector is not an object"));
}

const json kCronJob = json::parse(R"({
  "apiVersion": "batch/v1", "kind": "CronJob",
  "metadata": {"name": "report", "namespace": "shop", "uid": "u-cj", "resourceVersion": "55"},
  "spec": {
    "schedule": "0 3 * * *", "concurrencyPolicy": "Forbid", "suspend": false,
    "successfulJobsHistoryLimit": 3, "failedJobsHistoryLimit": 1,
    "jobTemplate": {
      "metadata": {"creationTimestamp": null},
      "spec": {"backoffLimit": 2,
               "template": {"metadata": {"creationTimestamp": null},
                            "spec": {"restartPolicy": "OnFailure",
                                     "containers": [{"name": "report", "image": "shop/report:2",
                                                     "env": [{"name": "API",
                                                              "value": "http://api.shop.svc"}]}]}}}
    }
  },
  "status": {"lastScheduleTime": "2024-05-02T03:00:00Z",
             "lastSuccessfulTime": "2024-05-02T03:00:41Z"}
})");

TEST(TransformDormantTest, CronJobSuspended) {
  ExpectDesired(MustTransform(kCronJob, ShopOptions()), json::parse(R"({
    "apiVersion": "batch/v1", "kind": "CronJob",
    "metadata": {"name": "report", "namespace": "shop-dr",
      "labels": {"app.kubernetes.io/managed-by": "dr-syncer",
                 "dr-syncer.io/replication": "dr-system.shop"},
      "annotations": {"dr-syncer.io/original-suspend": "false", "dr-syncer.io/source": "prod/shop/report",
                      "dr-syncer.io/source-uid": "u-cj"}},
    "spec": {
      "schedule": "0 3 * * *", "concurrencyPolicy": "Forbid", "suspend": true,
      "successfulJobsHistoryLimit": 3, "failedJobsHistoryLimit": 1,
      "jobTemplate": {
        "spec": {"backoffLimit": 2,
                 "template": {"spec": {"restartPolicy": "OnFailure",
                                       "containers": [{"name": "report", "image": "shop/report:2",
                                                       "env": [{"name": "API",
                                                                "value": "http://api.shop-dr.svc"}]}]}}}
      }
    }
  })"));
}

TEST(TransformDormantTest, SuspendRecordsTheSourceValue) {
  const struct {
    const char* name;
    json suspend;  // null: absent
    bool scale_to_zero;
    const char* scale_override;
    json want_suspend;  // null: absent
    const char* want_original;
  } cases[] = {
      {"running, dormant", false, true, nullptr, true, "false"},
      {"absent, dormant", nullptr, true, nullptr, true, "false"},
      {"suspended at source", true, true, nullptr, true, "true"},
      {"kept running", false, false, nullptr, false, "false"},
      {"kept absent", nullptr, false, nullptr, nullptr, "false"},
      {"kept suspended", true, false, nullptr, true, "true"},
      {"override wakes it", false, true, "1", false, "false"},
      {"override 0 suspends", false, false, "0", true, "false"},
  };
  for (const auto& c : cases) {
    json source = kCronJob;
    if (c.suspend.is_null()) {
      source["spec"].erase("suspend");
    } else {
      source["spec"]["suspend"] = c.suspend;
    }
    if (c.scale_override != nullptr) {
      source["metadata"]["labels"]["dr-syncer.io/scale-override"] = c.scale_override;
    }
    TransformOptions options = ShopOptions();
    options.scale_to_zero = c.scale_to_zero;
    const json out = MustTransform(source, options).object;
    EXPECT_EQ(out["spec"].contains("suspend") ? out["spec"]["suspend"] : json(), c.want_suspend)
        << c.name;
    EXPECT_EQ(out["metadata"]["annotations"]["dr-syncer.io/original-suspend"], c.want_original)
        << c.name;
  }
  json broken = kCronJob;
  broken["spec"]["suspend"] = "yes";
  auto out = Transform(broken, ShopOptions());
  ASSERT_FALSE(out.ok());
  EXPECT_THAT(out.error().message(),
              HasSubstr("batch/v1 CronJob shop/report: spec.suspend is not a boolean"));
}

const json kJob = json::parse(R"({
  "apiVersion": "batch/v1", "kind": "Job",
  "metadata": {
    "name": "migrate", "namespace": "shop", "uid": "3f2b9c1e-aaaa-4bbb-8ccc-0123456789ab",
    "resourceVersion": "300", "generation": 1,
    "labels": {"app": "migrate",
               "batch.kubernetes.io/controller-uid": "3f2b9c1e-aaaa-4bbb-8ccc-0123456789ab",
               "batch.kubernetes.io/job-name": "migrate",
               "controller-uid": "3f2b9c1e-aaaa-4bbb-8ccc-0123456789ab", "job-name": "migrate"}
  },
  "spec": {
    "parallelism": 1, "completions": 1, "backoffLimit": 6, "completionMode": "NonIndexed",
    "suspend": false, "podReplacementPolicy": "TerminatingOrFailed",
    "selector": {"matchLabels": {
      "batch.kubernetes.io/controller-uid": "3f2b9c1e-aaaa-4bbb-8ccc-0123456789ab"}},
    "template": {
      "metadata": {"creationTimestamp": null, "labels": {
        "app": "migrate",
        "batch.kubernetes.io/controller-uid": "3f2b9c1e-aaaa-4bbb-8ccc-0123456789ab",
        "batch.kubernetes.io/job-name": "migrate",
        "controller-uid": "3f2b9c1e-aaaa-4bbb-8ccc-0123456789ab", "job-name": "migrate"}},
      "spec": {"restartPolicy": "Never",
               "containers": [{"name": "migrate", "image": "shop/migrate:7"}]}
    }
  },
  "status": {"active": 1, "startTime": "2024-05-02T03:00:00Z", "ready": 0, "terminating": 0,
             "uncountedTerminatedPods": {}}
})");

TEST(TransformDormantTest, StandaloneJobSuspendedWithoutGeneratedSelector) {
  ExpectDesired(MustTransform(kJob, ShopOptions()), json::parse(R"({
    "apiVersion": "batch/v1", "kind": "Job",
    "metadata": {"name": "migrate", "namespace": "shop-dr",
      "labels": {"app": "migrate", "app.kubernetes.io/managed-by": "dr-syncer",
                 "dr-syncer.io/replication": "dr-system.shop"},
      "annotations": {"dr-syncer.io/original-suspend": "false",
                      "dr-syncer.io/source": "prod/shop/migrate",
                      "dr-syncer.io/source-uid": "3f2b9c1e-aaaa-4bbb-8ccc-0123456789ab"}},
    "spec": {
      "parallelism": 1, "completions": 1, "backoffLimit": 6, "completionMode": "NonIndexed",
      "suspend": true, "podReplacementPolicy": "TerminatingOrFailed",
      "template": {
        "metadata": {"labels": {"app": "migrate"}},
        "spec": {"restartPolicy": "Never",
                 "containers": [{"name": "migrate", "image": "shop/migrate:7"}]}
      }
    }
  })"));
}

TEST(TransformDormantTest, JobTemplateWithOnlyGeneratedLabelsLosesItsMetadata) {
  json source = kJob;
  source["spec"]["template"]["metadata"]["labels"].erase("app");
  source["metadata"]["labels"].erase("app");
  const json out = MustTransform(source, ShopOptions()).object;
  EXPECT_FALSE(out["spec"]["template"].contains("metadata")) << out.dump(2);
  EXPECT_EQ(out["metadata"]["labels"], json({{"app.kubernetes.io/managed-by", "dr-syncer"},
                                             {"dr-syncer.io/replication", "dr-system.shop"}}));
}

TEST(TransformDormantTest, JobWithManualSelectorKeepsIt) {
  json source = kJob;
  source["spec"]["manualSelector"] = true;
  source["spec"]["selector"] = {{"matchLabels", {{"app", "migrate"}, {"job-name", "migrate"}}}};
  const json out = MustTransform(source, ShopOptions()).object;
  EXPECT_EQ(out["spec"]["selector"], source["spec"]["selector"]);
  EXPECT_EQ(out["spec"]["template"]["metadata"]["labels"],
            source["spec"]["template"]["metadata"]["labels"]);
  EXPECT_EQ(out["spec"]["suspend"], true);
}

}  // namespace
}  // namespace drs::sync
