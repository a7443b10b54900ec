#include "controller/replication/source_watches.h"

#include "kube/object.h"

namespace drs::controller {
namespace {

// The watches only tell which object changed; the sync reads it again. So
// the cache keeps each object's identity and nothing else: a namespace of
// 10,000 objects costs a few MiB instead of its whole contents.
void KeepIdentity(nlohmann::json& obj) {
  nlohmann::json meta = nlohmann::json::object();
  if (auto m = obj.find("metadata"); m != obj.end() && m->is_object()) {
    for (const char* field : {"name", "namespace", "uid", "resourceVersion"}) {
      if (auto f = m->find(field); f != m->end()) meta[field] = std::move(*f);
    }
  }
  nlohmann::json kept = {{"metadata", std::move(meta)}};
  for (const char* field : {"apiVersion", "kind"}) {
    if (auto f = obj.find(field); f != obj.end()) kept[field] = std::move(*f);
  }
  obj = std::move(kept);
}

}  // namespace

SourceWatches::~SourceWatches() {
  std::map<std::string, std::unique_ptr<Set>> sets;
  {
    std::lock_guard lock(mu_);
    sets.swap(sets_);
  }
  for (auto& [key, set] : sets) {
    for (auto& i : set->informers) i->RequestStop();
  }
  // The informers join as the sets are destroyed, outside the lock.
}

void SourceWatches::Ensure(const std::string& key, std::int64_t generation,
                           kubeclient::DynamicClient& client,
                           std::shared_ptr<const ClusterConnection> keep_alive,
                           const std::vector<std::string>& namespaces,
                           const std::vector<kube::GroupVersionResource>& types) {
  std::unique_ptr<Set> old;
  {
    std::lock_guard lock(mu_);
    auto it = sets_.find(key);
    if (it != sets_.end() && it->second->generation == generation &&
        it->second->namespaces == namespaces && it->second->client == &client) {
      return;
    }
    if (it != sets_.end()) {
      old = std::move(it->second);
      sets_.erase(it);
    }
  }
  old.reset();  // stops the previous informers before new ones start
  auto set = std::make_unique<Set>();
  set->generation = generation;
  set->namespaces = namespaces;
  set->client = &client;
  set->keep_alive = std::move(keep_alive);
  for (const auto& ns : namespaces) {
    for (const auto& gvr : types) {
      auto informer = std::make_unique<runtime::Informer>(
          client, clock_,
          runtime::ReflectorOptions{
              .gvr = gvr, .ns = ns, .drop_managed_fields = true, .transform = KeepIdentity});
      const auto changed = [this, key, gvr, ns](const runtime::ObjectPtr& obj, bool deleted) {
        on_change_(
            key, {.object = {.gvr = gvr, .ns = ns, .name = kube::Name(*obj)}, .deleted = deleted});
      };
      informer->AddEventHandlers(
          {.on_add =
               [changed](const runtime::ObjectPtr& obj, bool initial) {
                 // The initial list is what the first sync already saw.
                 if (!initial) changed(obj, false);
               },
           .on_update =
               [changed](const runtime::ObjectPtr& a, const runtime::ObjectPtr& b) {
                 if (a != b) changed(b, false);
               },
           .on_delete = [changed](const runtime::ObjectPtr& obj) { changed(obj, true); }});
      informer->Start();
      set->informers.push_back(std::move(informer));
    }
  }
  std::lock_guard lock(mu_);
  sets_[key] = std::move(set);
}

void SourceWatches::Stop(const std::string& key) {
  std::unique_ptr<Set> old;
  {
    std::lock_guard lock(mu_);
    auto it = sets_.find(key);
    if (it == sets_.end()) return;
    old = std::move(it->second);
    sets_.erase(it);
  }
}

bool SourceWatches::Watching(const std::string& key) const {
  std::lock_guard lock(mu_);
  return sets_.count(key) > 0;
}

}  // namespace drs::controller
