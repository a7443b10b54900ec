// dr-syncer's client against a real kube-apiserver: discovery, CRUD, patch
// types, server-side apply, preconditions, dry-run, the status subresource,
// paging, and Kubernetes errors mapped to codes.

#include <atomic>
#include <set>
#include <thread>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "kube/object.h"
#include "support/clients.h"

namespace drs::testing {
namespace {

using kubeclient::DeleteOptions;
using kubeclient::ListOptions;
using kubeclient::PatchOptions;
using kubeclient::PatchType;
using nlohmann::json;
using ::testing::HasSubstr;

json ConfigMap(const std::string& ns, const std::string& name, json data = json::object()) {
  return {{"apiVersion", "v1"},
          {"kind", "ConfigMap"},
          {"metadata", {{"name", name}, {"namespace", ns}}},
          {"data", std::move(data)}};
}

class KubeClientCrudTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string error;
    ASSERT_TRUE(Testbed::Load(&bed_, &error)) << error;
    c_ = ClientsFor(bed_.Cluster("source").kubeconfig);
    ASSERT_NE(c_.dynamic, nullptr);
    ns_ = UniqueNamespace("crud");
    CreateNamespace(c_, ns_);
  }
  Testbed bed_;
  ClusterClients c_;
  std::string ns_;
};

TEST_F(KubeClientCrudTest, DiscoveryFindsCoreAppsAndClusterScopedTypes) {
  auto cm = c_.discovery->Resolve("configmaps");
  ASSERT_TRUE(cm.ok()) << cm.error();
  EXPECT_EQ(cm->kind, "ConfigMap");
  EXPECT_TRUE(cm->namespaced);
  EXPECT_TRUE(cm->Has("watch"));
  auto deploy = c_.discovery->Resolve("deploy");  // a short name
  ASSERT_TRUE(deploy.ok()) << deploy.error();
  EXPECT_EQ(deploy->gvr(), kDeployments);
  EXPECT_THAT(deploy->subresources, ::testing::Contains("scale"));
  auto ns = c_.discovery->Resolve("Namespace");
  ASSERT_TRUE(ns.ok()) << ns.error();
  EXPECT_FALSE(ns->namespaced);
  auto by_kind = c_.discovery->ForKind({"apps", "v1", "StatefulSet"});
  ASSERT_TRUE(by_kind.ok());
  EXPECT_EQ(by_kind->resource, "statefulsets");
  EXPECT_EQ(c_.discovery->Resolve("widgets.example.com").error().code(), ErrorCode::kNotFound);
  auto version = c_.discovery->ServerVersion();
  ASSERT_TRUE(version.ok());
  EXPECT_EQ(version->at("gitVersion"), bed_.kubernetes_version());
}

TEST_F(KubeClientCrudTest, CreateGetUpdateAndStaleUpdateConflicts) {
  auto created = c_.dynamic->Create(kConfigMaps, ns_, ConfigMap(ns_, "cfg", {{"a", "1"}}));
  ASSERT_TRUE(created.ok()) << created.error();
  EXPECT_FALSE(kube::Uid(*created).empty());

  auto again = c_.dynamic->Create(kConfigMaps, ns_, ConfigMap(ns_, "cfg"));
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code(), ErrorCode::kAlreadyExists);
  EXPECT_EQ(again.error().http_status(), 409);

  auto got = c_.dynamic->Get(kConfigMaps, ns_, "cfg");
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->at("data").at("a"), "1");

  json v2 = *got;
  v2["data"]["a"] = "2";
  auto updated = c_.dynamic->Update(kConfigMaps, ns_, v2);
  ASSERT_TRUE(updated.ok()) << updated.error();

  json stale = *got;  // still carries the old resourceVersion
  stale["data"]["a"] = "3";
  auto conflict = c_.dynamic->Update(kConfigMaps, ns_, stale);
  ASSERT_FALSE(conflict.ok());
  EXPECT_EQ(conflict.error().code(), ErrorCode::kConflict);
  EXPECT_THAT(conflict.error().ToString(), HasSubstr("updating v1 configmaps " + ns_ + "/cfg"));
  EXPECT_EQ(c_.dynamic->Get(kConfigMaps, ns_, "cfg")->at("data").at("a"), "2");
}

TEST_F(KubeClientCrudTest, MissingObjectIsNotFound) {
  auto r = c_.dynamic->Get(kConfigMaps, ns_, "nope");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code(), ErrorCode::kNotFound);
  EXPECT_EQ(r.error().reason(), "NotFound");
}

TEST_F(KubeClientCrudTest, InvalidObjectCarriesFieldCauses) {
  auto r = c_.dynamic->Create(kConfigMaps, ns_, ConfigMap(ns_, "Not_A_Valid_Name"));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code(), ErrorCode::kInvalid);
  EXPECT_EQ(r.error().http_status(), 422);
  ASSERT_FALSE(r.error().causes().empty());
  EXPECT_EQ(r.error().causes()[0].field, "metadata.name");
}

TEST_F(KubeClientCrudTest, MergeJsonAndStrategicPatches) {
  ASSERT_TRUE(c_.dynamic->Create(kConfigMaps, ns_, ConfigMap(ns_, "p", {{"a", "1"}})).ok());
  auto merged =
      c_.dynamic->Patch(kConfigMaps, ns_, "p", PatchType::kMerge, {{"data", {{"b", "2"}}}});
  ASSERT_TRUE(merged.ok()) << merged.error();
  EXPECT_EQ(merged->at("data"), json({{"a", "1"}, {"b", "2"}}));
  auto jsonpatch = c_.dynamic->Patch(kConfigMaps, ns_, "p", PatchType::kJson,
                                     json::array({{{"op", "remove"}, {"path", "/data/a"}}}));
  ASSERT_TRUE(jsonpatch.ok()) << jsonpatch.error();
  EXPECT_EQ(jsonpatch->at("data"), json({{"b", "2"}}));
  auto strategic = c_.dynamic->Patch(kConfigMaps, ns_, "p", PatchType::kStrategicMerge,
                                     {{"metadata", {{"labels", {{"x", "y"}}}}}});
  ASSERT_TRUE(strategic.ok()) << strategic.error();
  EXPECT_EQ(kube::Labels(*strategic).at("x"), "y");
}

TEST_F(KubeClientCrudTest, ServerSideApplyOwnsFieldsAndConflictsWithoutForce) {
  const PatchOptions mine{.field_manager = "dr-syncer"};
  auto applied = c_.dynamic->Apply(kConfigMaps, ns_, ConfigMap(ns_, "ssa", {{"k", "ours"}}), mine);
  ASSERT_TRUE(applied.ok()) << applied.error();
  EXPECT_EQ(applied->at("metadata").at("managedFields")[0].at("manager"), "dr-syncer");

  const PatchOptions theirs{.field_manager = "someone-else"};
  auto conflict =
      c_.dynamic->Apply(kConfigMaps, ns_, ConfigMap(ns_, "ssa", {{"k", "theirs"}}), theirs);
  ASSERT_FALSE(conflict.ok());
  EXPECT_EQ(conflict.error().code(), ErrorCode::kConflict);

  const PatchOptions forced{.field_manager = "someone-else", .force = true};
  auto taken =
      c_.dynamic->Apply(kConfigMaps, ns_, ConfigMap(ns_, "ssa", {{"k", "theirs"}}), forced);
  ASSERT_TRUE(taken.ok()) << taken.error();
  EXPECT_EQ(taken->at("data").at("k"), "theirs");
}

TEST_F(KubeClientCrudTest, DryRunDoesNotPersist) {
  auto dry = c_.dynamic->Create(kConfigMaps, ns_, ConfigMap(ns_, "dry"), {.dry_run = true});
  ASSERT_TRUE(dry.ok()) << dry.error();
  EXPECT_EQ(c_.dynamic->Get(kConfigMaps, ns_, "dry").error().code(), ErrorCode::kNotFound);
}

TEST_F(KubeClientCrudTest, DeletePreconditionsAndPropagation) {
  auto created = c_.dynamic->Create(kConfigMaps, ns_, ConfigMap(ns_, "del"));
  ASSERT_TRUE(created.ok());
  auto wrong = c_.dynamic->Delete(kConfigMaps, ns_, "del",
                                  DeleteOptions{.precondition_uid = std::string("not-the-uid")});
  ASSERT_FALSE(wrong.ok());
  EXPECT_EQ(wrong.error().code(), ErrorCode::kConflict);
  auto ok = c_.dynamic->Delete(
      kConfigMaps, ns_, "del",
      DeleteOptions{.propagation_policy = "Background", .precondition_uid = kube::Uid(*created)});
  ASSERT_TRUE(ok.ok()) << ok.error();
  EXPECT_EQ(c_.dynamic->Get(kConfigMaps, ns_, "del").error().code(), ErrorCode::kNotFound);
  EXPECT_EQ(c_.dynamic->Delete(kConfigMaps, ns_, "del").error().code(), ErrorCode::kNotFound);
}

TEST_F(KubeClientCrudTest, StatusSubresourceWritesOnlyStatus) {
  json deploy = {
      {"apiVersion", "apps/v1"},
      {"kind", "Deployment"},
      {"metadata", {{"name", "web"}, {"namespace", ns_}}},
      {"spec",
       {{"replicas", 0},
        {"selector", {{"matchLabels", {{"app", "web"}}}}},
        {"template",
         {{"metadata", {{"labels", {{"app", "web"}}}}},
          {"spec",
           {{"containers", json::array({{{"name", "c"}, {"image", "example.invalid/x:1"}}})}}}}}}}};
  auto created = c_.dynamic->Create(kDeployments, ns_, deploy);
  ASSERT_TRUE(created.ok()) << created.error();
  json with_status = *created;
  with_status["status"] = {{"observedGeneration", 42}};
  with_status["spec"]["replicas"] = 5;  // ignored by the status endpoint
  auto updated = c_.dynamic->UpdateStatus(kDeployments, ns_, with_status);
  ASSERT_TRUE(updated.ok()) << updated.error();
  EXPECT_EQ(updated->at("status").at("observedGeneration"), 42);
  EXPECT_EQ(updated->at("spec").at("replicas"), 0);
}

TEST_F(KubeClientCrudTest, PagesThroughFiveThousandObjects) {
  constexpr int kObjects = 5000;
  constexpr int kWriters = 8;
  std::atomic<int> next{0}, failures{0};
  {
    std::vector<std::jthread> writers;
    for (int w = 0; w < kWriters; ++w) {
      writers.emplace_back([&] {
        for (int i = next++; i < kObjects; i = next++) {
          if (!c_.dynamic->Create(kConfigMaps, ns_, ConfigMap(ns_, "cm-" + std::to_string(i)))
                   .ok()) {
            ++failures;
          }
        }
      });
    }
  }
  ASSERT_EQ(failures, 0);
  int pages = 0;
  std::size_t items = 0;
  std::set<std::string> names;
  auto rv = c_.dynamic->ListPages(kConfigMaps, ns_, ListOptions{.limit = 500},
                                  [&](kubeclient::ObjectList&& page, bool restarted) {
                                    EXPECT_FALSE(restarted);
                                    EXPECT_LE(page.items.size(), 500U);
                                    ++pages;
                                    items += page.items.size();
                                    for (const auto& item : page.items) {
                                      if (kube::Name(item).starts_with("cm-"))
                                        names.insert(kube::Name(item));
                                    }
                                    return OkStatus();
                                  });
  ASSERT_TRUE(rv.ok()) << rv.error();
  EXPECT_FALSE(rv->empty());
  EXPECT_EQ(names.size(), static_cast<size_t>(kObjects));
  // kube-controller-manager adds kube-root-ca.crt to every namespace.
  EXPECT_EQ(items, static_cast<size_t>(kObjects) + 1);
  EXPECT_EQ(pages, static_cast<int>((items + 499) / 500));
  auto all = c_.dynamic->ListAll(kConfigMaps, ns_);
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all->items.size(), items);
}

TEST_F(KubeClientCrudTest, RestrictedIdentityIsPermissionDenied) {
  const std::string kc = RunTestbed({"user", "source", "crud-reader-" + ns_, "--group", "nobody"});
  auto reader = ClientsFor(kc);
  ASSERT_NE(reader.dynamic, nullptr);
  auto r = reader.dynamic->List(kConfigMaps, ns_, {});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code(), ErrorCode::kPermissionDenied);
  EXPECT_EQ(r.error().http_status(), 403);
  EXPECT_THAT(r.error().message(), HasSubstr("crud-reader-" + ns_));
}

}  // namespace
}  // namespace drs::testing
