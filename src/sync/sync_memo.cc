#include "sync/sync_memo.h"

namespace drs::sync {

std::optional<SyncMemo::Entry> SyncMemo::Verified(const std::string& resource,
                                                  const std::string& name,
                                                  std::string_view source_version,
                                                  std::string_view destination_version) const {
  std::lock_guard lock(mu_);
  const auto type = entries_.find(resource);
  if (type == entries_.end()) return std::nullopt;
  const auto it = type->second.find(name);
  if (it == type->second.end()) return std::nullopt;
  const Entry& e = it->second;
  // An empty version never proves anything.
  if (source_version.empty() || destination_version.empty() || e.source_version != source_version ||
      e.destination_version != destination_version) {
    return std::nullopt;
  }
  return e;
}

void SyncMemo::Put(const std::string& resource, const std::string& name, Entry entry) {
  std::lock_guard lock(mu_);
  entries_[resource][name] = std::move(entry);
}

void SyncMemo::Erase(const std::string& resource, const std::string& name) {
  std::lock_guard lock(mu_);
  if (auto type = entries_.find(resource); type != entries_.end()) type->second.erase(name);
}

void SyncMemo::Retain(const std::string& resource, const std::map<std::string, Entry>& names) {
  std::lock_guard lock(mu_);
  entries_[resource] = names;
}

std::size_t SyncMemo::size() const {
  std::lock_guard lock(mu_);
  std::size_t n = 0;
  for (const auto& [_, names] : entries_) n += names.size();
  return n;
}

}  // namespace drs::sync
