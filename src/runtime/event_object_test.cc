#include "runtime/event_object.h"

#include <gtest/gtest.h>

namespace drs::runtime {
namespace {

using nlohmann::json;

const json kDeployment = {
    {"apiVersion", "apps/v1"},
    {"kind", "Deployment"},
    {"metadata",
     {{"name", "web"}, {"namespace", "shop"}, {"uid", "u-1"}, {"resourceVersion", "42"}}},
    {"spec", {{"replicas", 3}}}};

TEST(EventObjectTest, ReferenceNamespaceAndIdentity) {
  EXPECT_EQ(ObjectReferenceFor(kDeployment), json({{"apiVersion", "apps/v1"},
                                                   {"kind", "Deployment"},
                                                   {"name", "web"},
                                                   {"namespace", "shop"},
                                                   {"uid", "u-1"},
                                                   {"resourceVersion", "42"}}));
  EXPECT_EQ(EventNamespaceFor(kDeployment), "shop");
  const json ns = {{"apiVersion", "v1"}, {"kind", "Namespace"}, {"metadata", {{"name", "shop"}}}};
  EXPECT_EQ(ObjectReferenceFor(ns),
            json({{"apiVersion", "v1"}, {"kind", "Namespace"}, {"name", "shop"}}));
  EXPECT_EQ(EventNamespaceFor(ns), "default");
  // The resourceVersion changes with every write; the identity must not.
  json newer = kDeployment;
  newer["metadata"]["resourceVersion"] = "43";
  EXPECT_EQ(ObjectIdentity(ObjectReferenceFor(kDeployment)),
            ObjectIdentity(ObjectReferenceFor(newer)));
  EXPECT_NE(ObjectIdentity(ObjectReferenceFor(kDeployment)),
            ObjectIdentity(ObjectReferenceFor(ns)));
}

TEST(EventObjectTest, NamesAreUniqueValidAndBounded) {
  EXPECT_EQ(EventName("web", 0x17f0a), "web.0000000000017f0a");
  EXPECT_EQ(EventName("system:Admin_x", 1), "system-admin-x.0000000000000001");
  const std::string long_name(300, 'a');
  const std::string name = EventName(long_name, 2);
  EXPECT_EQ(name.size(), kMaxEventNameLength);
  EXPECT_TRUE(name.ends_with(".0000000000000002"));
}

TEST(EventObjectTest, MessagesAreCutAtACharacterBoundary) {
  EXPECT_EQ(TruncateEventMessage("short"), "short");
  std::string message(kMaxEventMessageBytes - 1, 'x');
  message += "\xC3\xA9tag";  // 'é' straddles the limit
  const std::string cut = TruncateEventMessage(message);
  EXPECT_EQ(cut, std::string(kMaxEventMessageBytes - 1, 'x'));
}

TEST(EventObjectTest, MakesEventAndPatch) {
  const auto t0 = std::chrono::sys_days{std::chrono::year{2026} / 3 / 4} + std::chrono::hours(5);
  const auto t1 = t0 + std::chrono::seconds(90);
  const EventFields fields{.name = "web.1",
                           .ns = "shop",
                           .involved_object = ObjectReferenceFor(kDeployment),
                           .type = EventType::kWarning,
                           .reason = "SyncFailed",
                           .message = "cluster dr unreachable",
                           .count = 3,
                           .first_timestamp = t0,
                           .last_timestamp = t1};
  EXPECT_EQ(MakeEvent(fields, {.component = "dr-syncer", .host = "pod-7"}),
            json({{"apiVersion", "v1"},
                  {"kind", "Event"},
                  {"metadata", {{"name", "web.1"}, {"namespace", "shop"}}},
                  {"involvedObject", ObjectReferenceFor(kDeployment)},
                  {"type", "Warning"},
                  {"reason", "SyncFailed"},
                  {"message", "cluster dr unreachable"},
                  {"count", 3},
                  {"firstTimestamp", "2026-03-04T05:00:00Z"},
                  {"lastTimestamp", "2026-03-04T05:01:30Z"},
                  {"source", {{"component", "dr-syncer"}, {"host", "pod-7"}}},
                  {"reportingComponent", "dr-syncer"},
                  {"reportingInstance", "pod-7"}}));
  EXPECT_EQ(MakeEvent(fields, {.component = "dr-syncer"})["source"],
            json({{"component", "dr-syncer"}}));
  EXPECT_EQ(MakeEventCountPatch(4, t1),
            json({{"count", 4}, {"lastTimestamp", "2026-03-04T05:01:30Z"}}));
}

}  // namespace
}  // namespace drs::runtime
