#include "kubeclient/json_decode.h"

#include <gtest/gtest.h>

namespace drs::kubeclient {
namespace {

using nlohmann::json;

constexpr std::string_view kList = R"({"kind":"ConfigMapList","metadata":{"resourceVersion":"7"},
  "items":[{"metadata":{"name":"a","managedFields":[{"manager":"kubectl"}],"labels":{"x":"y"}},
            "data":{"managedFields":"user data"}}]})";

TEST(ParseResponseJsonTest, KeepsEverythingByDefault) {
  const json doc = ParseResponseJson(kList, ObjectDepth::kListItem, false);
  EXPECT_EQ(doc["items"][0]["metadata"]["managedFields"][0]["manager"], "kubectl");
}

TEST(ParseResponseJsonTest, DropsOnlyTheItemsManagedFields) {
  const json doc = ParseResponseJson(kList, ObjectDepth::kListItem, true);
  const json& meta = doc["items"][0]["metadata"];
  EXPECT_FALSE(meta.contains("managedFields"));
  EXPECT_EQ(meta["name"], "a");
  EXPECT_EQ(meta["labels"]["x"], "y");
  EXPECT_EQ(doc["items"][0]["data"]["managedFields"], "user data");
  EXPECT_EQ(doc["metadata"]["resourceVersion"], "7");
}

TEST(ParseResponseJsonTest, WatchEventsAndSingleObjects) {
  const json event = ParseResponseJson(
      R"({"type":"ADDED","object":{"metadata":{"name":"a","managedFields":[]},"spec":{"metadata":{"managedFields":1}}}})",
      ObjectDepth::kWatchEvent, true);
  EXPECT_FALSE(event["object"]["metadata"].contains("managedFields"));
  EXPECT_EQ(event["object"]["spec"]["metadata"]["managedFields"], 1);
  const json object = ParseResponseJson(R"({"metadata":{"name":"a","managedFields":[{}]}})",
                                        ObjectDepth::kObject, true);
  EXPECT_FALSE(object["metadata"].contains("managedFields"));
  EXPECT_EQ(object["metadata"]["name"], "a");
}

TEST(ParseResponseJsonTest, NotJsonIsDiscarded) {
  EXPECT_TRUE(ParseResponseJson("{nope", ObjectDepth::kObject, true).is_discarded());
  EXPECT_TRUE(ParseResponseJson("{nope", ObjectDepth::kObject, false).is_discarded());
}

}  // namespace
}  // namespace drs::kubeclient
