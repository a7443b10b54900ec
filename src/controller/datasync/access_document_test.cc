#include "controller/datasync/access_document.h"

#include <gtest/gtest.h>

#include "base/rfc3339.h"

namespace drs::controller::datasync {
namespace {

Clock::WallTime T(const char* text) { return *ParseRfc3339(text); }

RingKey Key(std::int64_t serial, const char* not_after = nullptr) {
  RingKey k;
  k.serial = serial;
  k.created = T("2026-01-01T00:00:00Z");
  if (not_after != nullptr) k.not_after = T(not_after);
  k.public_key = "ssh-ed25519 AAAAkey" + std::to_string(serial) + " c";
  k.private_key = SecretBytes("never in access.json " + std::to_string(serial));
  return k;
}

TEST(AccessDocumentTest, ListsLiveKeysWithTheirVolumesAndNoPrivateKeys) {
  const auto now = T("2026-01-20T00:00:00Z");
  KeyRing controller;
  controller.keys.push_back(Key(2, "2026-01-10T00:00:00Z"));  // dead: left out
  controller.keys.push_back(Key(3));
  KeyRing shop;
  shop.keys.push_back(Key(6, "2026-01-21T00:00:00Z"));  // retiring
  shop.keys.push_back(Key(7));
  KeyRing blog;
  blog.keys.push_back(Key(1));
  const MoverGrant shop_grant{
      .replication = "shop/app",
      .volumes = {{.ns = "shop", .claim = "data", .volume_name = "pvc-1", .granted = now}}};
  const MoverGrant blog_grant{.replication = "blog/app", .volumes = {}};
  // Given out of order: the document is ordered by Replication.
  const auto doc =
      BuildAccessDocument(controller, {{&shop_grant, &shop}, {&blog_grant, &blog}}, now);
  const nlohmann::json want = {
      {"version", 1},
      {"keys",
       {{{"id", "controller/3"}, {"role", "controller"}, {"publicKey", "ssh-ed25519 AAAAkey3 c"}},
        {{"id", "mover/blog/app/1"},
         {"role", "mover"},
         {"publicKey", "ssh-ed25519 AAAAkey1 c"},
         {"volumes", nlohmann::json::array()}},
        {{"id", "mover/shop/app/6"},
         {"role", "mover"},
         {"publicKey", "ssh-ed25519 AAAAkey6 c"},
         {"notAfter", "2026-01-21T00:00:00Z"},
         {"volumes", {{{"namespace", "shop"}, {"claim", "data"}, {"volumeName", "pvc-1"}}}}},
        {{"id", "mover/shop/app/7"},
         {"role", "mover"},
         {"publicKey", "ssh-ed25519 AAAAkey7 c"},
         {"volumes", {{{"namespace", "shop"}, {"claim", "data"}, {"volumeName", "pvc-1"}}}}}}}};
  EXPECT_EQ(doc, want) << doc.dump(2);
  EXPECT_EQ(doc.dump().find("never in access.json"), std::string::npos);
}

TEST(AccessDocumentTest, UpdateGrantKeepsGrantTimesOfUnchangedVolumes) {
  const auto earlier = T("2026-01-01T00:00:00Z");
  const auto now = T("2026-01-02T00:00:00Z");
  const std::vector<GrantedVolume> current = {
      {.ns = "shop", .claim = "data", .volume_name = "pvc-1", .granted = earlier},
      {.ns = "shop", .claim = "logs", .volume_name = "pvc-2", .granted = earlier},
      {.ns = "shop", .claim = "gone", .volume_name = "pvc-3", .granted = earlier}};
  const auto updated = UpdateGrant(
      current,
      {{.ns = "shop", .claim = "logs", .volume_name = "pvc-9", .granted = {}},  // re-bound
       {.ns = "shop", .claim = "data", .volume_name = "pvc-1", .granted = {}},
       {.ns = "shop", .claim = "new", .volume_name = "pvc-4", .granted = {}}},
      now);
  const std::vector<GrantedVolume> want = {
      {.ns = "shop", .claim = "data", .volume_name = "pvc-1", .granted = earlier},
      {.ns = "shop", .claim = "logs", .volume_name = "pvc-9", .granted = now},
      {.ns = "shop", .claim = "new", .volume_name = "pvc-4", .granted = now}};
  EXPECT_EQ(updated, want);
}

TEST(AccessDocumentTest, GrantRoundTripsAndRejectsGarbage) {
  const MoverGrant grant{.replication = "shop/app",
                         .volumes = {{.ns = "shop",
                                      .claim = "data",
                                      .volume_name = "pvc-1",
                                      .granted = T("2026-01-01T00:00:00Z")}}};
  auto back = GrantFromJson(GrantToJson(grant));
  ASSERT_TRUE(back.ok()) << back.error();
  EXPECT_EQ(back->replication, "shop/app");
  EXPECT_EQ(back->volumes, grant.volumes);
  for (const auto& bad : {nlohmann::json(), nlohmann::json{{"replication", 3}},
                          nlohmann::json{{"replication", "a/b"}, {"volumes", {1}}},
                          nlohmann::json{{"replication", "a/b"},
                                         {"volumes", {{{"namespace", "a"}, {"granted", "x"}}}}}}) {
    EXPECT_FALSE(GrantFromJson(bad).ok()) << bad.dump();
  }
}

TEST(AccessDocumentTest, KeyIdsFollowTheContract) {
  EXPECT_EQ(ControllerKeyId(3), "controller/3");
  EXPECT_EQ(MoverKeyId("shop/shop-dr", 7), "mover/shop/shop-dr/7");
}

}  // namespace
}  // namespace drs::controller::datasync
