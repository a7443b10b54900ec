#include "sync/drift.h"

#include <gtest/gtest.h>

namespace drs::sync {
namespace {

using nlohmann::json;

const json kDesired = json::parse(R"({
  "apiVersion": "v1", "kind": "Service",
  "metadata": {"name": "web", "namespace": "shop-dr", "labels": {"app": "web"}},
  "spec": {"type": "ClusterIP", "ports": [{"name": "http", "port": 80, "protocol": "TCP"}],
           "selector": {"app": "web"}}
})");

json Live() {
  // What the DR API server returns: our fields plus its own.
  json live = kDesired;
  live["metadata"]["uid"] = "1234";
  live["metadata"]["resourceVersion"] = "99";
  live["metadata"]["managedFields"] = json::array({{{"manager", "dr-syncer"}}});
  live["spec"]["clusterIP"] = "10.0.0.17";
  live["spec"]["ports"][0]["targetPort"] = 80;
  live["status"] = {{"loadBalancer", json::object()}};
  return live;
}

TEST(DriftTest, ServerAddedFieldsAreNotDrift) {
  EXPECT_FALSE(HasDrifted(kDesired, Live()));
  EXPECT_EQ(ProjectOnto(kDesired, Live()), kDesired);
}

TEST(DriftTest, HandEditsOfOurFieldsAreDrift) {
  const struct {
    const char* name;
    std::function<void(json&)> edit;
    bool drift;
  } cases[] = {
      {"selector changed", [](json& l) { l["spec"]["selector"]["app"] = "evil"; }, true},
      {"port changed", [](json& l) { l["spec"]["ports"][0]["port"] = 8080; }, true},
      {"port added",
       [](json& l) {
         l["spec"]["ports"].push_back({{"port", 9}});
       },
       true},
      {"our label removed", [](json& l) { l["metadata"]["labels"].erase("app"); }, true},
      {"extra label added by someone", [](json& l) { l["metadata"]["labels"]["x"] = "y"; }, false},
      {"type changed", [](json& l) { l["spec"]["type"] = "NodePort"; }, true},
      {"only status changed", [](json& l) { l["status"]["x"] = 1; }, false},
  };
  for (const auto& c : cases) {
    json live = Live();
    c.edit(live);
    EXPECT_EQ(HasDrifted(kDesired, live), c.drift) << c.name;
  }
}

TEST(DriftTest, MissingOrWrongShapeIsDrift) {
  EXPECT_TRUE(HasDrifted(kDesired, json::object()));
  json live = Live();
  live["spec"] = "not an object";
  EXPECT_TRUE(HasDrifted(kDesired, live));
}

}  // namespace
}  // namespace drs::sync
