#pragma once
// Discovery: which resource types a cluster serves — groups, versions,
// resources, whether each is namespaced, its verbs, kind and short names,
// and each group's preferred version. Uses aggregated discovery
// (apidiscovery.k8s.io/v2: two requests for the whole cluster) and falls back
// to the per-group-version endpoints when the server does not offer it.
// Results are cached for a TTL and on demand refreshed (Invalidate).
// An aggregated API that is unavailable is recorded in failed_groups() and
// skipped; discovery of everything else still succeeds.
//
// Thread-safety: thread-safe.

#include <chrono>
#include <memory>
#include <mutex>
#include <optional>
#include <stop_token>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "base/clock.h"
#include "base/result.h"
#include "kube/group_version.h"
#include "kubeclient/rest_client.h"

namespace drs::kubeclient {

struct ApiResource {
  std::string group;
  std::string version;
  std::string resource;  // plural: "deployments"
  std::string singular;
  std::string kind;
  bool namespaced = false;
  bool preferred = false;  // served at its group's preferred version
  std::vector<std::string> verbs;
  std::vector<std::string> short_names;
  std::vector<std::string> categories;
  std::vector<std::string> subresources;  // "status", "scale", ...

  bool Has(std::string_view verb) const;
  kube::GroupVersionResource gvr() const { return {group, version, resource}; }
  kube::GroupVersionKind gvk() const { return {group, version, kind}; }
};

struct DiscoverySnapshot {
  std::vector<ApiResource> resources;      // every served group/version/resource
  std::vector<std::string> failed_groups;  // "metrics.k8s.io/v1beta1: 503 ..."
};

class Discovery {
 public:
  static constexpr std::chrono::minutes kDefaultTtl{5};

  // REQUIRES: `client` and `clock` outlive this object. `aggregated` false
  // forces the per-group-version endpoints (for servers older than 1.30).
  Discovery(RestClient& client, Clock& clock, std::chrono::seconds ttl = kDefaultTtl,
            bool aggregated = true);

  // GET /version: {"major", "minor", "gitVersion", ...}.
  Result<nlohmann::json> ServerVersion(std::stop_token stop = {});

  // The cached snapshot, refreshed when older than the TTL.
  Result<std::shared_ptr<const DiscoverySnapshot>> Snapshot(std::stop_token stop = {});

  // Resources at their group's preferred version (one entry per group/resource).
  Result<std::vector<ApiResource>> PreferredResources(std::stop_token stop = {});

  // Resolves a user's name for a type: "deployments", "deployments.apps",
  // "deploy", "Deployment", "widgets.example.com" (plural, singular, short
  // name or kind; with an optional group). Prefers the preferred version.
  Result<ApiResource> Resolve(std::string_view name, std::stop_token stop = {});
  // The resource serving a kind at an exact group/version.
  Result<ApiResource> ForKind(const kube::GroupVersionKind& gvk, std::stop_token stop = {});

  void Invalidate();

 private:
  Result<std::shared_ptr<const DiscoverySnapshot>> Fetch(std::stop_token stop);

  RestClient& client_;
  Clock& clock_;
  const std::chrono::seconds ttl_;
  const bool aggregated_;
  std::mutex mu_;
  std::shared_ptr<const DiscoverySnapshot> cached_;  // guarded by mu_
  Clock::TimePoint fetched_at_{};                    // guarded by mu_
};

}  // namespace drs::kubeclient
