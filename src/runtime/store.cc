#include "runtime/store.h"

#include <algorithm>
#include <utility>

#include <nlohmann/json.hpp>

#include "runtime/key_func.h"

namespace drs::runtime {

Store::Store() = default;
Store::~Store() = default;

Store::IndexValues Store::ComputeIndexValues(const nlohmann::json& obj) const {
  IndexValues values;
  values.reserve(indexers_.size());
  for (const auto& [name, func] : indexers_) {
    values.emplace_back(&name, func(obj));
  }
  return values;
}

void Store::Insert(Indices& indices, const std::string& key, const IndexValues& values) {
  for (const auto& [name, index_values] : values) {
    Index& index = indices[*name];
    for (const auto& value : index_values) {
      index[value].insert(key);
    }
  }
}

void Store::Erase(Indices& indices, const std::string& key, const IndexValues& values) {
  for (const auto& [name, index_values] : values) {
    Index& index = indices[*name];
    for (const auto& value : index_values) {
      const auto it = index.find(value);
      if (it == index.end()) {
        continue;
      }
      it->second.erase(key);
      // Drop emptied values so churn through short-lived namespaces or
      // owners does not grow the index forever.
      if (it->second.empty()) {
        index.erase(it);
      }
    }
  }
}

Result<ObjectPtr> Store::Add(ObjectPtr obj) {
  if (obj == nullptr) {
    return InvalidError("cannot store a null object");
  }
  DRS_ASSIGN_OR_RETURN(std::string key, MetaNamespaceKeyFunc(*obj));
  std::lock_guard write(write_mu_);
  ObjectPtr old;
  if (const auto it = items_.find(key); it != items_.end()) {
    old = it->second;
  }
  // Index functions run before the exclusive lock, so readers wait only
  // for the map updates.
  const IndexValues old_values = old ? ComputeIndexValues(*old) : IndexValues{};
  const IndexValues new_values = ComputeIndexValues(*obj);
  std::unique_lock lock(mu_);
  Erase(indices_, key, old_values);
  Insert(indices_, key, new_values);
  items_[key] = std::move(obj);
  return old;
}

ObjectPtr Store::Delete(const std::string& key) {
  std::lock_guard write(write_mu_);
  const auto it = items_.find(key);
  if (it == items_.end()) {
    return nullptr;
  }
  ObjectPtr old = it->second;
  const IndexValues old_values = ComputeIndexValues(*old);
  std::unique_lock lock(mu_);
  Erase(indices_, key, old_values);
  items_.erase(it);
  return old;
}

Status Store::Replace(std::vector<ObjectPtr> objects, std::string resource_version) {
  std::lock_guard write(write_mu_);
  // Build the whole new content without blocking readers.
  Items items;
  items.reserve(objects.size());
  for (auto& obj : objects) {
    if (obj == nullptr) {
      return InvalidError("cannot store a null object");
    }
    auto key = MetaNamespaceKeyFunc(*obj);
    if (!key.ok()) {
      return std::move(key).error().WithContext("replacing the store's content");
    }
    items.insert_or_assign(std::move(*key), std::move(obj));
  }
  Indices indices;
  for (const auto& [name, func] : indexers_) {
    indices.emplace(name, Index{});
  }
  for (const auto& [key, obj] : items) {
    Insert(indices, key, ComputeIndexValues(*obj));
  }
  {
    std::unique_lock lock(mu_);
    items_.swap(items);
    indices_.swap(indices);
    resource_version_ = std::move(resource_version);
  }
  // `items` and `indices` now hold the old content, released here without
  // the lock held; readers may still share some of the old objects.
  return OkStatus();
}

void Store::SetResourceVersion(std::string resource_version) {
  std::unique_lock lock(mu_);
  resource_version_ = std::move(resource_version);
}

ObjectPtr Store::Get(const std::string& key) const {
  std::shared_lock lock(mu_);
  const auto it = items_.find(key);
  return it == items_.end() ? nullptr : it->second;
}

std::vector<ObjectPtr> Store::List() const {
  std::shared_lock lock(mu_);
  std::vector<ObjectPtr> objects;
  objects.reserve(items_.size());
  for (const auto& [key, obj] : items_) {
    objects.push_back(obj);
  }
  return objects;
}

std::vector<std::string> Store::ListKeys() const {
  std::shared_lock lock(mu_);
  std::vector<std::string> keys;
  keys.reserve(items_.size());
  for (const auto& [key, obj] : items_) {
    keys.push_back(key);
  }
  return keys;
}

std::size_t Store::Size() const {
  std::shared_lock lock(mu_);
  return items_.size();
}

std::string Store::ResourceVersion() const {
  std::shared_lock lock(mu_);
  return resource_version_;
}

Status Store::AddIndexer(std::string name, IndexFunc func) {
  std::lock_guard write(write_mu_);
  if (indexers_.contains(name)) {
    return Error(ErrorCode::kAlreadyExists, "index \"" + name + "\" already exists");
  }
  Index index;
  for (const auto& [key, obj] : items_) {
    for (auto& value : func(*obj)) {
      index[std::move(value)].insert(key);
    }
  }
  std::unique_lock lock(mu_);
  indices_.insert_or_assign(name, std::move(index));
  indexers_.emplace(std::move(name), std::move(func));
  return OkStatus();
}

Result<std::vector<std::string>> Store::IndexKeys(const std::string& name,
                                                  const std::string& value) const {
  std::shared_lock lock(mu_);
  const auto index = indices_.find(name);
  if (index == indices_.end()) {
    return NotFoundError("no index named \"" + name + "\"");
  }
  const auto keys = index->second.find(value);
  if (keys == index->second.end()) {
    return std::vector<std::string>{};
  }
  return std::vector<std::string>(keys->second.begin(), keys->second.end());
}

Result<std::vector<ObjectPtr>> Store::ByIndex(const std::string& name,
                                              const std::string& value) const {
  std::shared_lock lock(mu_);
  const auto index = indices_.find(name);
  if (index == indices_.end()) {
    return NotFoundError("no index named \"" + name + "\"");
  }
  std::vector<ObjectPtr> objects;
  const auto keys = index->second.find(value);
  if (keys == index->second.end()) {
    return objects;
  }
  objects.reserve(keys->second.size());
  for (const auto& key : keys->second) {
    // Indices and items change together under mu_, so the key is present.
    if (const auto it = items_.find(key); it != items_.end()) {
      objects.push_back(it->second);
    }
  }
  return objects;
}

}  // namespace drs::runtime
