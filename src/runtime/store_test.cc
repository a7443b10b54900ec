#include "runtime/store.h"

#include <algorithm>
#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "runtime/key_func.h"

namespace drs::runtime {
namespace {

using nlohmann::json;

ObjectPtr Obj(const std::string& ns, const std::string& name, const std::string& app = "",
              int generation = 0) {
  json obj = {{"metadata", {{"name", name}}}, {"generation", generation}};
  if (!ns.empty()) {
    obj["metadata"]["namespace"] = ns;
  }
  if (!app.empty()) {
    obj["metadata"]["labels"]["app"] = app;
  }
  return std::make_shared<const json>(std::move(obj));
}

std::vector<std::string> AppIndexFunc(const json& obj) {
  const auto ptr = json::json_pointer("/metadata/labels/app");
  if (!obj.contains(ptr) || !obj.at(ptr).is_string()) {
    return {};
  }
  return {obj.at(ptr).get<std::string>()};
}

std::vector<std::string> Names(const std::vector<ObjectPtr>& objects) {
  std::vector<std::string> names;
  for (const auto& obj : objects) {
    names.push_back((*obj)["metadata"]["name"].get<std::string>());
  }
  return names;
}

std::vector<std::string> Sorted(std::vector<std::string> v) {
  std::sort(v.begin(), v.end());
  return v;
}

TEST(StoreTest, AddGetUpdateDelete) {
  Store store;
  const auto v1 = Obj("shop", "web", "", 1);
  const auto v2 = Obj("shop", "web", "", 2);
  auto added = store.Add(v1);
  ASSERT_TRUE(added.ok());
  EXPECT_EQ(*added, nullptr);
  EXPECT_EQ(store.Get("shop/web"), v1);
  auto updated = store.Update(v2);
  ASSERT_TRUE(updated.ok());
  EXPECT_EQ(*updated, v1) << "Update returns the replaced object";
  EXPECT_EQ(store.Get("shop/web"), v2);
  EXPECT_EQ(store.Size(), 1U);
  EXPECT_EQ(store.Delete("shop/web"), v2);
  EXPECT_EQ(store.Get("shop/web"), nullptr);
  EXPECT_EQ(store.Delete("shop/web"), nullptr);
  EXPECT_EQ(store.Size(), 0U);
}

TEST(StoreTest, ClusterScopedKeysAreBareNames) {
  Store store;
  ASSERT_TRUE(store.Add(Obj("", "node-1")).ok());
  ASSERT_TRUE(store.Add(Obj("shop", "web")).ok());
  EXPECT_NE(store.Get("node-1"), nullptr);
  EXPECT_EQ(Sorted(store.ListKeys()), (std::vector<std::string>{"node-1", "shop/web"}));
  EXPECT_EQ(Sorted(Names(store.List())), (std::vector<std::string>{"node-1", "web"}));
}

TEST(StoreTest, RejectsObjectsWithoutKey) {
  Store store;
  EXPECT_EQ(store.Add(nullptr).error().code(), ErrorCode::kInvalid);
  EXPECT_EQ(store.Add(std::make_shared<const json>(json{{"kind", "Pod"}})).error().code(),
            ErrorCode::kInvalid);
  EXPECT_EQ(store.Size(), 0U);
}

TEST(StoreTest, ReplaceSwapsTheWholeContent) {
  Store store;
  EXPECT_EQ(store.ResourceVersion(), "");
  ASSERT_TRUE(store.Add(Obj("shop", "gone")).ok());
  const auto kept_reader_copy = store.Get("shop/gone");
  ASSERT_TRUE(
      store.Replace({Obj("shop", "a", "", 1), Obj("shop", "b"), Obj("shop", "a", "", 2)}, "100")
          .ok());
  EXPECT_EQ(Sorted(store.ListKeys()), (std::vector<std::string>{"shop/a", "shop/b"}));
  EXPECT_EQ((*store.Get("shop/a"))["generation"], 2) << "the later duplicate wins";
  EXPECT_EQ(store.ResourceVersion(), "100");
  // A reader's object outlives its removal from the cache.
  EXPECT_EQ((*kept_reader_copy)["metadata"]["name"], "gone");

  store.SetResourceVersion("101");
  EXPECT_EQ(store.ResourceVersion(), "101");
}

TEST(StoreTest, FailedReplaceChangesNothing) {
  Store store;
  ASSERT_TRUE(store.Replace({Obj("shop", "a")}, "5").ok());
  const auto status =
      store.Replace({Obj("shop", "b"), std::make_shared<const json>(json::object())}, "6");
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().code(), ErrorCode::kInvalid);
  EXPECT_EQ(store.ListKeys(), std::vector<std::string>{"shop/a"});
  EXPECT_EQ(store.ResourceVersion(), "5");
}

TEST(StoreTest, IndexesFollowAddUpdateDeleteAndReplace) {
  Store store;
  ASSERT_TRUE(store.AddIndexer(kNamespaceIndex, NamespaceIndexFunc).ok());
  ASSERT_TRUE(store.AddIndexer("app", AppIndexFunc).ok());
  ASSERT_TRUE(store.Add(Obj("shop", "web", "frontend")).ok());
  ASSERT_TRUE(store.Add(Obj("shop", "api", "backend")).ok());
  ASSERT_TRUE(store.Add(Obj("blog", "web", "frontend")).ok());
  ASSERT_TRUE(store.Add(Obj("", "node-1")).ok());

  EXPECT_EQ(Names(*store.ByIndex(kNamespaceIndex, "shop")),
            (std::vector<std::string>{"api", "web"}));
  EXPECT_EQ(*store.IndexKeys("app", "frontend"),
            (std::vector<std::string>{"blog/web", "shop/web"}));
  EXPECT_EQ(*store.IndexKeys(kNamespaceIndex, ""), std::vector<std::string>{"node-1"});

  // An update moves the object between index values.
  ASSERT_TRUE(store.Update(Obj("shop", "web", "backend")).ok());
  EXPECT_EQ(*store.IndexKeys("app", "frontend"), std::vector<std::string>{"blog/web"});
  EXPECT_EQ(*store.IndexKeys("app", "backend"), (std::vector<std::string>{"shop/api", "shop/web"}));

  store.Delete("blog/web");
  EXPECT_TRUE(store.IndexKeys("app", "frontend")->empty());
  EXPECT_TRUE(store.ByIndex(kNamespaceIndex, "blog")->empty());

  ASSERT_TRUE(store.Replace({Obj("blog", "post", "frontend")}, "7").ok());
  EXPECT_TRUE(store.IndexKeys(kNamespaceIndex, "shop")->empty());
  EXPECT_EQ(*store.IndexKeys("app", "frontend"), std::vector<std::string>{"blog/post"});
}

TEST(StoreTest, IndexerAddedLaterCoversExistingObjects) {
  Store store;
  ASSERT_TRUE(store.Add(Obj("shop", "web", "frontend")).ok());
  ASSERT_TRUE(store.Add(Obj("shop", "api")).ok());  // no label: not in the index
  ASSERT_TRUE(store.AddIndexer("app", AppIndexFunc).ok());
  EXPECT_EQ(*store.IndexKeys("app", "frontend"), std::vector<std::string>{"shop/web"});
  EXPECT_EQ(store.AddIndexer("app", AppIndexFunc).error().code(), ErrorCode::kAlreadyExists);
  EXPECT_EQ(store.ByIndex("missing", "x").error().code(), ErrorCode::kNotFound);
  EXPECT_EQ(store.IndexKeys("missing", "x").error().code(), ErrorCode::kNotFound);
}

TEST(StoreTest, MultiValuedIndex) {
  Store store;
  // Indexes an object under each of its finalizers.
  ASSERT_TRUE(store
                  .AddIndexer("finalizer",
                              [](const json& obj) {
                                std::vector<std::string> values;
                                const auto ptr = json::json_pointer("/metadata/finalizers");
                                if (obj.contains(ptr)) {
                                  for (const auto& f : obj.at(ptr)) {
                                    values.push_back(f.get<std::string>());
                                  }
                                }
                                return values;
                              })
                  .ok());
  json obj = *Obj("shop", "web");
  obj["metadata"]["finalizers"] = {"a", "b", "a"};
  ASSERT_TRUE(store.Add(std::make_shared<const json>(obj)).ok());
  EXPECT_EQ(*store.IndexKeys("finalizer", "a"), std::vector<std::string>{"shop/web"});
  EXPECT_EQ(*store.IndexKeys("finalizer", "b"), std::vector<std::string>{"shop/web"});
  store.Delete("shop/web");
  EXPECT_TRUE(store.IndexKeys("finalizer", "a")->empty());
}

// Readers run against a writer that replaces the content generation by
// generation; every List and index lookup must see one generation whole.
TEST(StoreTest, ConcurrentReadersSeeWholeGenerations) {
  constexpr int kReaders = 4;
  constexpr int kGenerations = 50;
  constexpr int kObjectsPerGeneration = 20;
  Store store;
  ASSERT_TRUE(store.AddIndexer(kNamespaceIndex, NamespaceIndexFunc).ok());
  std::atomic<int> torn_reads = 0;
  std::atomic<int> reads = 0;
  {
    std::vector<std::jthread> readers;
    for (int r = 0; r < kReaders; ++r) {
      readers.emplace_back([&](std::stop_token stop) {
        while (!stop.stop_requested()) {
          const auto objects = store.List();
          const auto by_ns = store.ByIndex(kNamespaceIndex, "ns");
          const auto one = store.Get("ns/obj-0");
          const bool whole_list =
              objects.empty() || (objects.size() == kObjectsPerGeneration &&
                                  std::all_of(objects.begin(), objects.end(), [&](const auto& o) {
                                    return (*o)["generation"] == (*objects[0])["generation"];
                                  }));
          const bool whole_index =
              by_ns.ok() && (by_ns->empty() || by_ns->size() == kObjectsPerGeneration);
          if (!whole_list || !whole_index || (one != nullptr && !one->is_object())) {
            ++torn_reads;
          }
          ++reads;
        }
      });
    }
    // Let every reader start before the writer races them.
    while (reads.load() < kReaders) {
      std::this_thread::yield();
    }
    for (int g = 1; g <= kGenerations; ++g) {
      std::vector<ObjectPtr> objects;
      for (int i = 0; i < kObjectsPerGeneration; ++i) {
        objects.push_back(Obj("ns", "obj-" + std::to_string(i), "", g));
      }
      ASSERT_TRUE(store.Replace(std::move(objects), std::to_string(g)).ok());
    }
  }  // readers stopped and joined
  EXPECT_EQ(torn_reads, 0);
  EXPECT_EQ(store.ResourceVersion(), std::to_string(kGenerations));
  EXPECT_EQ((*store.Get("ns/obj-0"))["generation"], kGenerations);
}

}  // namespace
}  // namespace drs::runtime
