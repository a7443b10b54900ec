#pragma once
// LruMap: a map with a size cap that forgets the least recently used entry
// when full — for per-object state (event correlation, spam buckets) that
// must stay bounded however many objects a long-running operator sees.
//
// Thread-safety: not thread-safe; the owner serialises access.

#include <cstddef>
#include <list>
#include <map>
#include <utility>

namespace drs::runtime {

template <typename K, typename V>
class LruMap {
 public:
  // REQUIRES: capacity >= 1.
  explicit LruMap(std::size_t capacity) : capacity_(capacity) {}

  // The value for `key`, now the most recently used; null when absent.
  V* Find(const K& key) {
    auto it = index_.find(key);
    if (it == index_.end()) {
      return nullptr;
    }
    order_.splice(order_.begin(), order_, it->second);
    return &it->second->second;
  }

  // Sets `key` to `value` as the most recently used entry, evicting the
  // least recently used one when over capacity.
  V& Put(const K& key, V value) {
    if (V* existing = Find(key)) {
      *existing = std::move(value);
      return *existing;
    }
    order_.emplace_front(key, std::move(value));
    index_.emplace(key, order_.begin());
    if (order_.size() > capacity_) {
      index_.erase(order_.back().first);
      order_.pop_back();
    }
    return order_.front().second;
  }

  std::size_t size() const { return order_.size(); }

 private:
  using Entries = std::list<std::pair<K, V>>;
  const std::size_t capacity_;
  Entries order_;  // most recently used first
  std::map<K, typename Entries::iterator> index_;
};

}  // namespace drs::runtime
