#pragma once
// DynamicClient: CRUD, patch, server-side apply, delete and paged LIST on
// any resource type, with objects as JSON. Paths come from the
// GroupVersionResource (kube/group_version.h); errors name the operation and
// the object ("while updating apps/v1 deployments shop/web").
//
// Thread-safety: thread-safe (stateless over a thread-safe RestClient).

#include <cstdint>
#include <functional>
#include <optional>
#include <stop_token>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "base/result.h"
#include "kube/group_version.h"
#include "kubeclient/rest_client.h"

namespace drs::kubeclient {

using Gvr = kube::GroupVersionResource;

struct ListOptions {
  std::string label_selector;
  std::string field_selector;
  std::int64_t limit = 0;  // page size; 0 = everything in one response
  std::string continue_token;
  std::string resource_version;        // "" = most recent (quorum read)
  std::string resource_version_match;  // "NotOlderThan" | "Exact" | ""
  // Leave the items' metadata.managedFields out while parsing (json_decode.h):
  // for callers that keep or scan many objects and never read it.
  bool drop_managed_fields = false;
};

struct ObjectList {
  std::vector<nlohmann::json> items;
  std::string resource_version;
  std::string continue_token;
  std::string kind;  // e.g. "ConfigMapList"; items carry no kind/apiVersion on the wire
};

struct WriteOptions {
  bool dry_run = false;
  std::string field_manager;
};

enum class PatchType { kJson, kMerge, kStrategicMerge, kApply };

struct PatchOptions {
  bool dry_run = false;
  std::string field_manager;
  bool force = false;  // server-side apply only: take over conflicting fields
};

struct DeleteOptions {
  std::string propagation_policy;  // "Foreground" | "Background" | "Orphan" | ""
  std::optional<std::string> precondition_uid;
  std::optional<std::string> precondition_resource_version;
  std::optional<std::int64_t> grace_period_seconds;
  bool dry_run = false;
};

class DynamicClient {
 public:
  // Pages of a default ListAll: large enough to keep request counts low,
  // small enough to bound memory per response.
  static constexpr std::int64_t kDefaultPageSize = 500;

  // REQUIRES: `client` outlives this object.
  explicit DynamicClient(RestClient& client) : client_(client) {}

  Result<nlohmann::json> Get(const Gvr& gvr, std::string_view ns, std::string_view name,
                             std::stop_token stop = {});
  // One page (or everything when options.limit is 0).
  Result<ObjectList> List(const Gvr& gvr, std::string_view ns, const ListOptions& options,
                          std::stop_token stop = {});
  // Every page, each handed to `on_page` as it arrives so memory stays
  // bounded; returns the list's resourceVersion. If a continue token expires
  // (410) mid-way the whole list restarts from a fresh snapshot, which
  // `on_page` sees as `restarted == true` on the first page again.
  Result<std::string> ListPages(
      const Gvr& gvr, std::string_view ns, ListOptions options,
      const std::function<Status(ObjectList&& page, bool restarted)>& on_page,
      std::stop_token stop = {});
  // Every object in one list (ListPages collected).
  Result<ObjectList> ListAll(const Gvr& gvr, std::string_view ns, ListOptions options = {},
                             std::stop_token stop = {});

  Result<nlohmann::json> Create(const Gvr& gvr, std::string_view ns, const nlohmann::json& object,
                                const WriteOptions& options = {}, std::stop_token stop = {});
  // PUT of the whole object; a stale metadata.resourceVersion is a Conflict.
  Result<nlohmann::json> Update(const Gvr& gvr, std::string_view ns, const nlohmann::json& object,
                                const WriteOptions& options = {}, std::stop_token stop = {});
  Result<nlohmann::json> UpdateStatus(const Gvr& gvr, std::string_view ns,
                                      const nlohmann::json& object,
                                      const WriteOptions& options = {}, std::stop_token stop = {});
  Result<nlohmann::json> Patch(const Gvr& gvr, std::string_view ns, std::string_view name,
                               PatchType type, const nlohmann::json& patch,
                               const PatchOptions& options = {}, std::string_view subresource = "",
                               std::stop_token stop = {});
  // Server-side apply of a whole desired object (PATCH application/apply-patch).
  // REQUIRES: options.field_manager is set.
  Result<nlohmann::json> Apply(const Gvr& gvr, std::string_view ns, const nlohmann::json& object,
                               const PatchOptions& options, std::string_view subresource = "",
                               std::stop_token stop = {});
  Status Delete(const Gvr& gvr, std::string_view ns, std::string_view name,
                const DeleteOptions& options = {}, std::stop_token stop = {});

  RestClient& rest() { return client_; }

 private:
  Result<nlohmann::json> Write(const std::string& verb, const Gvr& gvr, std::string_view ns,
                               std::string_view name, std::string_view subresource,
                               std::string body, std::string content_type,
                               std::vector<std::pair<std::string, std::string>> query,
                               const std::string& what, std::stop_token stop);
  RestClient& client_;
};

// "apps/v1 deployments shop/web" — for error context.
std::string Describe(const Gvr& gvr, std::string_view ns, std::string_view name);

}  // namespace drs::kubeclient
