#pragma once
// Store: the informer cache (client-go's thread-safe indexed store). It holds
// the latest known version of every watched object, keyed by
// MetaNamespaceKeyFunc, as immutable shared JSON so readers keep what they
// got even after the cache moves on. Optional indexes map a computed value
// (a namespace, an owner, a label) to the keys of the objects that have it.
// It knows nothing about watches: a reflector feeds it.
//
// Thread-safety: thread-safe, built for one writer and many cheap readers.
// Readers take a shared lock only long enough to copy shared_ptrs. Writers
// are serialised among themselves by write_mu_ and do the heavy work
// (building a whole new content on Replace, running index functions) before
// taking the exclusive lock, so readers are blocked only for the swap.

#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>
#include <set>
#include <shared_mutex>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "base/result.h"

namespace drs::runtime {

using ObjectPtr = std::shared_ptr<const nlohmann::json>;
// The values an object is indexed under (none, one or several). REQUIRES:
// thread-safe, deterministic for a given object, and never throws (use
// find/is_string, not at() or operator[] on const json).
using IndexFunc = std::function<std::vector<std::string>(const nlohmann::json&)>;

class Store {
 public:
  Store();
  ~Store();
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;

  // Adds or replaces the object under its key; returns the object it
  // replaced, or null. Fails (Invalid) on a null object or one without a key.
  Result<ObjectPtr> Add(ObjectPtr obj);
  Result<ObjectPtr> Update(ObjectPtr obj) { return Add(std::move(obj)); }
  // Removes the object under `key`; returns it, or null when there was none.
  ObjectPtr Delete(const std::string& key);
  // Swaps in the whole content at once, as after a LIST, and records the
  // list's resourceVersion. Readers see either the old or the new content.
  // Fails (Invalid) without changing anything when an object has no key;
  // of two objects with one key, the later wins.
  Status Replace(std::vector<ObjectPtr> objects, std::string resource_version);
  // Records the resourceVersion of the latest watch event or bookmark.
  void SetResourceVersion(std::string resource_version);

  ObjectPtr Get(const std::string& key) const;
  // In no particular order.
  std::vector<ObjectPtr> List() const;
  std::vector<std::string> ListKeys() const;
  std::size_t Size() const;
  // The resourceVersion last synced ("" before the first Replace).
  std::string ResourceVersion() const;

  // Registers an index and builds it over the objects already stored.
  // Fails (AlreadyExists) when `name` is taken.
  Status AddIndexer(std::string name, IndexFunc func);
  // Objects whose index `name` contains `value`, ordered by key. Fails
  // (NotFound) for an unknown index.
  Result<std::vector<ObjectPtr>> ByIndex(const std::string& name, const std::string& value) const;
  Result<std::vector<std::string>> IndexKeys(const std::string& name,
                                             const std::string& value) const;

 private:
  // index value -> keys of the objects indexed under it.
  using Index = std::unordered_map<std::string, std::set<std::string>>;
  using Items = std::unordered_map<std::string, ObjectPtr>;
  using Indices = std::unordered_map<std::string, Index>;
  // index name -> the values one object is indexed under.
  using IndexValues = std::vector<std::pair<const std::string*, std::vector<std::string>>>;

  // REQUIRES: write_mu_ held (reads indexers_). Calls the index functions.
  IndexValues ComputeIndexValues(const nlohmann::json& obj) const;
  static void Insert(Indices& indices, const std::string& key, const IndexValues& values);
  static void Erase(Indices& indices, const std::string& key, const IndexValues& values);

  // Serialises writers; held for a whole write, including the work done
  // before the exclusive lock on mu_ is taken.
  std::mutex write_mu_;
  mutable std::shared_mutex mu_;
  // The three below are written with write_mu_ and mu_ (exclusive) both held,
  // so they may be read under either: writers read them under write_mu_
  // alone, readers under a shared lock on mu_.
  Items items_;
  std::unordered_map<std::string, IndexFunc> indexers_;
  Indices indices_;
  std::string resource_version_;  // guarded by mu_
};

}  // namespace drs::runtime
