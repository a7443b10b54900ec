#include "kubeclient/discovery.h"

#include <algorithm>

#include <nlohmann/json.hpp>

namespace drs::kubeclient {
namespace {

using nlohmann::json;

constexpr std::string_view kAggregatedAccept =
    "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json";

Result<json> GetJson(RestClient& client, const std::string& path, std::string accept,
                     std::stop_token stop, std::optional<int> max_retries = std::nullopt) {
  RestRequest req{.path = path, .accept = std::move(accept), .max_retries = max_retries};
  DRS_ASSIGN_OR_RETURN(auto response, client.Send(req, std::move(stop)));
  auto doc = json::parse(response.body, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) return InternalError("GET " + path + ": response is not JSON");
  return doc;
}

std::vector<std::string> Strings(const json& j, const char* key) {
  std::vector<std::string> out;
  if (auto it = j.find(key); it != j.end() && it->is_array()) {
    for (const auto& v : *it) {
      if (v.is_string()) out.push_back(v.get<std::string>());
    }
  }
  return out;
}

std::string Str(const json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// One APIGroupDiscovery item (aggregated format) into resources.
void AddAggregatedGroup(const json& group, std::vector<ApiResource>& out) {
  const std::string name = Str(group.value("metadata", json::object()), "name");
  bool first = true;  // versions are listed in preference order
  for (const auto& version : group.value("versions", json::array())) {
    const std::string v = Str(version, "version");
    for (const auto& r : version.value("resources", json::array())) {
      ApiResource res{.group = name, .version = v, .resource = Str(r, "resource")};
      res.singular = Str(r, "singularResource");
      res.kind = Str(r.value("responseKind", json::object()), "kind");
      res.namespaced = Str(r, "scope") == "Namespaced";
      res.preferred = first;
      res.verbs = Strings(r, "verbs");
      res.short_names = Strings(r, "shortNames");
      res.categories = Strings(r, "categories");
      for (const auto& sub : r.value("subresources", json::array())) {
        res.subresources.push_back(Str(sub, "subresource"));
      }
      out.push_back(std::move(res));
    }
    first = false;
  }
}

// An APIResourceList (legacy per-group-version format) into resources.
void AddLegacyResources(const std::string& group, const std::string& version, bool preferred,
                        const json& list, std::vector<ApiResource>& out) {
  for (const auto& r : list.value("resources", json::array())) {
    const std::string name = Str(r, "name");
    const auto slash = name.find('/');
    if (slash != std::string::npos) {  // "deployments/status": a subresource
      for (auto& existing : out) {
        if (existing.group == group && existing.version == version &&
            existing.resource == name.substr(0, slash)) {
          existing.subresources.push_back(name.substr(slash + 1));
        }
      }
      continue;
    }
    ApiResource res{.group = group, .version = version, .resource = name};
    res.singular = Str(r, "singularName");
    res.kind = Str(r, "kind");
    res.namespaced = r.value("namespaced", false);
    res.preferred = preferred;
    res.verbs = Strings(r, "verbs");
    res.short_names = Strings(r, "shortNames");
    res.categories = Strings(r, "categories");
    out.push_back(std::move(res));
  }
}

}  // namespace

bool ApiResource::Has(std::string_view verb) const {
  return std::find(verbs.begin(), verbs.end(), verb) != verbs.end();
}

Discovery::Discovery(RestClient& client, Clock& clock, std::chrono::seconds ttl, bool aggregated)
    : client_(client), clock_(clock), ttl_(ttl), aggregated_(aggregated) {}

Result<json> Discovery::ServerVersion(std::stop_token stop) {
  return GetJson(client_, "/version", "application/json", std::move(stop));
}

void Discovery::Invalidate() {
  std::lock_guard lock(mu_);
  cached_.reset();
}

Result<std::shared_ptr<const DiscoverySnapshot>> Discovery::Snapshot(std::stop_token stop) {
  {
    std::lock_guard lock(mu_);
    if (cached_ && clock_.Now() - fetched_at_ < ttl_) return cached_;
  }
  DRS_ASSIGN_OR_RETURN(auto fresh, Fetch(std::move(stop)));
  std::lock_guard lock(mu_);
  cached_ = fresh;
  fetched_at_ = clock_.Now();
  return fresh;
}

Result<std::shared_ptr<const DiscoverySnapshot>> Discovery::Fetch(std::stop_token stop) {
  auto snapshot = std::make_shared<DiscoverySnapshot>();
  for (const char* root : {"/api", "/apis"}) {
    auto doc = GetJson(client_, root,
                       aggregated_ ? std::string(kAggregatedAccept) : "application/json", stop);
    if (!doc.ok()) return std::move(doc).error().WithContext("discovering API resources");
    const std::string kind = Str(*doc, "kind");
    if (kind == "APIGroupDiscoveryList") {
      for (const auto& group : doc->value("items", json::array())) {
        for (const auto& version : group.value("versions", json::array())) {
          if (Str(version, "freshness") == "Stale") {
            snapshot->failed_groups.push_back(Str(group["metadata"], "name") + "/" +
                                              Str(version, "version") + ": stale (unavailable)");
          }
        }
        AddAggregatedGroup(group, snapshot->resources);
      }
      continue;
    }
    // Legacy: /api lists versions of the core group, /apis lists groups.
    std::vector<std::tuple<std::string, std::string, bool>> versions;
    if (kind == "APIVersions") {
      for (const auto& v : Strings(*doc, "versions")) versions.emplace_back("", v, true);
    } else {
      for (const auto& g : doc->value("groups", json::array())) {
        const std::string preferred = Str(g.value("preferredVersion", json::object()), "version");
        for (const auto& v : g.value("versions", json::array())) {
          versions.emplace_back(Str(g, "name"), Str(v, "version"), Str(v, "version") == preferred);
        }
      }
    }
    for (const auto& [group, version, preferred] : versions) {
      const std::string path = group.empty() ? "/api/" + version : "/apis/" + group + "/" + version;
      // No retries: a 503 here is an aggregated API whose backend is down,
      // and waiting for it would only delay everything else.
      auto list = GetJson(client_, path, "application/json", stop, /*max_retries=*/0);
      if (!list.ok()) {
        if (list.error().code() == ErrorCode::kCancelled) return std::move(list).error();
        // An aggregated API server that is down must not hide the rest.
        snapshot->failed_groups.push_back(group + "/" + version + ": " + list.error().ToString());
        continue;
      }
      AddLegacyResources(group, version, preferred, *list, snapshot->resources);
    }
  }
  return std::shared_ptr<const DiscoverySnapshot>(std::move(snapshot));
}

Result<std::vector<ApiResource>> Discovery::PreferredResources(std::stop_token stop) {
  DRS_ASSIGN_OR_RETURN(auto snap, Snapshot(std::move(stop)));
  std::vector<ApiResource> out;
  for (const auto& r : snap->resources) {
    if (r.preferred) out.push_back(r);
  }
  return out;
}

Result<ApiResource> Discovery::Resolve(std::string_view name, std::stop_token stop) {
  DRS_ASSIGN_OR_RETURN(auto snap, Snapshot(std::move(stop)));
  // "deployments.apps" → resource "deployments" in group "apps"; a bare name
  // matches any group, core first.
  std::string resource(name);
  std::optional<std::string> group;
  if (auto dot = name.find('.'); dot != std::string_view::npos) {
    resource = std::string(name.substr(0, dot));
    group = std::string(name.substr(dot + 1));
  }
  const ApiResource* best = nullptr;
  auto matches = [&](const ApiResource& r) {
    if (group && r.group != *group) return false;
    if (r.resource == resource || r.singular == resource) return true;
    if (std::find(r.short_names.begin(), r.short_names.end(), resource) != r.short_names.end()) {
      return true;
    }
    return r.kind == resource;
  };
  for (const auto& r : snap->resources) {
    if (!matches(r)) continue;
    const bool better = best == nullptr || (r.preferred && !best->preferred) ||
                        (r.preferred == best->preferred && r.group.empty() && !best->group.empty());
    if (better) best = &r;
  }
  if (best == nullptr) {
    return NotFoundError("the server does not serve a resource type named '" + std::string(name) +
                         "'");
  }
  return *best;
}

Result<ApiResource> Discovery::ForKind(const kube::GroupVersionKind& gvk, std::stop_token stop) {
  DRS_ASSIGN_OR_RETURN(auto snap, Snapshot(std::move(stop)));
  for (const auto& r : snap->resources) {
    if (r.group == gvk.group && r.version == gvk.version && r.kind == gvk.kind) return r;
  }
  return NotFoundError("the server does not serve kind " + gvk.ToString());
}

}  // namespace drs::kubeclient
