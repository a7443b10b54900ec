#pragma once
// SyncMemo: what earlier syncs of one Replication verified, per object — the
// source's resourceVersion, the DR copy's resourceVersion and the desired
// hash. When neither side's resourceVersion moved since, the pair is known
// to be in step, so the next cycle skips the object's transform, hash and
// drift comparison: a no-change cycle over a large namespace costs its LISTs
// and little else. A hand edit of the DR copy, or any source change, moves a
// resourceVersion and brings the full comparison back.
//
// A memo is only valid for one set of transform options: the owner keeps one
// per Replication generation and namespace pair, and drops it otherwise.
//
// Thread-safety: thread-safe.

#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>

namespace drs::sync {

class SyncMemo {
 public:
  struct Entry {
    std::string source_version;
    std::string destination_version;
    std::string hash;
    std::string kind;
    std::optional<std::int64_t> original_replicas;  // what the report remembers
    friend bool operator==(const Entry&, const Entry&) = default;
  };

  // The entry for `name` of destination `resource` whose versions both
  // match, if any.
  std::optional<Entry> Verified(const std::string& resource, const std::string& name,
                                std::string_view source_version,
                                std::string_view destination_version) const;
  void Put(const std::string& resource, const std::string& name, Entry entry);
  void Erase(const std::string& resource, const std::string& name);
  // Keeps only `names` of `resource` (what a full cycle just saw).
  void Retain(const std::string& resource, const std::map<std::string, Entry>& names);
  std::size_t size() const;

 private:
  mutable std::mutex mu_;
  std::map<std::string, std::map<std::string, Entry>> entries_;  // resource -> name -> entry
};

}  // namespace drs::sync
