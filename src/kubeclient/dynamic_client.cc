#include "kubeclient/dynamic_client.h"

#include "kubeclient/json_decode.h"

namespace drs::kubeclient {
namespace {

using nlohmann::json;

Result<json> ParseBody(const HttpResponse& response, const std::string& what) {
  auto doc = json::parse(response.body, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) return InternalError("the response is not JSON").WithContext(what);
  return doc;
}

std::string MetaString(const json& object, const char* field) {
  const auto meta = object.find("metadata");
  if (meta == object.end() || !meta->is_object()) return {};
  const auto it = meta->find(field);
  return it != meta->end() && it->is_string() ? it->get<std::string>() : std::string();
}

std::string ContentType(PatchType type) {
  switch (type) {
    case PatchType::kJson:
      return "application/json-patch+json";
    case PatchType::kMerge:
      return "application/merge-patch+json";
    case PatchType::kStrategicMerge:
      return "application/strategic-merge-patch+json";
    case PatchType::kApply:
      return "application/apply-patch+yaml";
  }
  return "application/merge-patch+json";
}

}  // namespace

std::string Describe(const Gvr& gvr, std::string_view ns, std::string_view name) {
  std::string out = gvr.group.empty() ? gvr.version : gvr.group + "/" + gvr.version;
  out += " " + gvr.resource + " ";
  if (!ns.empty()) out += std::string(ns) + "/";
  out += name;
  return out;
}

Result<json> DynamicClient::Get(const Gvr& gvr, std::string_view ns, std::string_view name,
                                std::stop_token stop) {
  const std::string what = "getting " + Describe(gvr, ns, name);
  auto path = kube::ResourcePath(gvr, ns, name);
  if (!path.ok()) return std::move(path).error().WithContext(what);
  auto response = client_.Send({.path = *path}, std::move(stop));
  if (!response.ok()) return std::move(response).error().WithContext(what);
  return ParseBody(*response, what);
}

Result<ObjectList> DynamicClient::List(const Gvr& gvr, std::string_view ns,
                                       const ListOptions& options, std::stop_token stop) {
  const std::string what = "listing " + Describe(gvr, ns, "");
  auto path = kube::ResourcePath(gvr, ns);
  if (!path.ok()) return std::move(path).error().WithContext(what);
  RestRequest req{.path = *path};
  if (!options.label_selector.empty())
    req.query.emplace_back("labelSelector", options.label_selector);
  if (!options.field_selector.empty())
    req.query.emplace_back("fieldSelector", options.field_selector);
  if (options.limit > 0) req.query.emplace_back("limit", std::to_string(options.limit));
  if (!options.continue_token.empty()) req.query.emplace_back("continue", options.continue_token);
  if (!options.resource_version.empty()) {
    req.query.emplace_back("resourceVersion", options.resource_version);
  }
  if (!options.resource_version_match.empty()) {
    req.query.emplace_back("resourceVersionMatch", options.resource_version_match);
  }
  auto response = client_.Send(req, std::move(stop));
  if (!response.ok()) return std::move(response).error().WithContext(what);
  json doc = ParseResponseJson(response->body, ObjectDepth::kListItem, options.drop_managed_fields);
  if (doc.is_discarded()) return InternalError("the response is not JSON").WithContext(what);
  ObjectList list;
  if (auto items = doc.find("items"); items != doc.end() && items->is_array()) {
    list.items.reserve(items->size());
    for (auto& item : *items) list.items.push_back(std::move(item));
  }
  list.kind = doc.value("kind", "");
  if (auto meta = doc.find("metadata"); meta != doc.end() && meta->is_object()) {
    list.resource_version = meta->value("resourceVersion", "");
    list.continue_token = meta->value("continue", "");
  }
  return list;
}

Result<std::string> DynamicClient::ListPages(
    const Gvr& gvr, std::string_view ns, ListOptions options,
    const std::function<Status(ObjectList&& page, bool restarted)>& on_page, std::stop_token stop) {
  if (options.limit <= 0) options.limit = kDefaultPageSize;
  const ListOptions first = options;
  bool restarted = false;
  bool restart_pending = false;
  std::string resource_version;
  while (true) {
    auto page = List(gvr, ns, options, stop);
    if (!page.ok()) {
      // An expired continue token: the snapshot is gone, start over (once per
      // expiry) rather than return a list stitched from two points in time.
      if (page.error().code() == ErrorCode::kGone && !options.continue_token.empty()) {
        options = first;
        restart_pending = true;
        continue;
      }
      return std::move(page).error();
    }
    if (options.continue_token.empty()) resource_version = page->resource_version;
    std::string next = page->continue_token;
    DRS_RETURN_IF_ERROR(on_page(std::move(*page), restart_pending));
    restarted = restarted || restart_pending;
    restart_pending = false;
    if (next.empty()) return resource_version;
    options.continue_token = std::move(next);
    // Later pages come from the first page's snapshot; a resourceVersion
    // parameter would conflict with the continue token.
    options.resource_version.clear();
    options.resource_version_match.clear();
  }
}

Result<ObjectList> DynamicClient::ListAll(const Gvr& gvr, std::string_view ns, ListOptions options,
                                          std::stop_token stop) {
  ObjectList all;
  auto rv = ListPages(
      gvr, ns, std::move(options),
      [&](ObjectList&& page, bool restarted) {
        if (restarted) all.items.clear();
        all.kind = page.kind;
        for (auto& item : page.items) all.items.push_back(std::move(item));
        return OkStatus();
      },
      std::move(stop));
  if (!rv.ok()) return std::move(rv).error();
  all.resource_version = *rv;
  return all;
}

Result<json> DynamicClient::Write(const std::string& verb, const Gvr& gvr, std::string_view ns,
                                  std::string_view name, std::string_view subresource,
                                  std::string body, std::string content_type,
                                  std::vector<std::pair<std::string, std::string>> query,
                                  const std::string& what, std::stop_token stop) {
  auto path = kube::ResourcePath(gvr, ns, name, subresource);
  if (!path.ok()) return std::move(path).error().WithContext(what);
  RestRequest req{.verb = verb,
                  .path = *path,
                  .query = std::move(query),
                  .body = std::move(body),
                  .content_type = std::move(content_type)};
  auto response = client_.Send(req, std::move(stop));
  if (!response.ok()) return std::move(response).error().WithContext(what);
  return ParseBody(*response, what);
}

namespace {
std::vector<std::pair<std::string, std::string>> WriteQuery(bool dry_run,
                                                            const std::string& field_manager) {
  std::vector<std::pair<std::string, std::string>> q;
  if (dry_run) q.emplace_back("dryRun", "All");
  if (!field_manager.empty()) q.emplace_back("fieldManager", field_manager);
  return q;
}
}  // namespace

Result<json> DynamicClient::Create(const Gvr& gvr, std::string_view ns, const json& object,
                                   const WriteOptions& options, std::stop_token stop) {
  return Write("POST", gvr, ns, "", "", object.dump(), "application/json",
               WriteQuery(options.dry_run, options.field_manager),
               "creating " + Describe(gvr, ns, MetaString(object, "name")), std::move(stop));
}

Result<json> DynamicClient::Update(const Gvr& gvr, std::string_view ns, const json& object,
                                   const WriteOptions& options, std::stop_token stop) {
  const std::string name = MetaString(object, "name");
  return Write("PUT", gvr, ns, name, "", object.dump(), "application/json",
               WriteQuery(options.dry_run, options.field_manager),
               "updating " + Describe(gvr, ns, name), std::move(stop));
}

Result<json> DynamicClient::UpdateStatus(const Gvr& gvr, std::string_view ns, const json& object,
                                         const WriteOptions& options, std::stop_token stop) {
  const std::string name = MetaString(object, "name");
  return Write("PUT", gvr, ns, name, "status", object.dump(), "application/json",
               WriteQuery(options.dry_run, options.field_manager),
               "updating the status of " + Describe(gvr, ns, name), std::move(stop));
}

Result<json> DynamicClient::Patch(const Gvr& gvr, std::string_view ns, std::string_view name,
                                  PatchType type, const json& patch, const PatchOptions& options,
                                  std::string_view subresource, std::stop_token stop) {
  auto query = WriteQuery(options.dry_run, options.field_manager);
  if (type == PatchType::kApply && options.force) query.emplace_back("force", "true");
  return Write("PATCH", gvr, ns, name, subresource, patch.dump(), ContentType(type),
               std::move(query), "patching " + Describe(gvr, ns, name), std::move(stop));
}

Result<json> DynamicClient::Apply(const Gvr& gvr, std::string_view ns, const json& object,
                                  const PatchOptions& options, std::string_view subresource,
                                  std::stop_token stop) {
  if (options.field_manager.empty()) {
    return InvalidError("server-side apply needs a field manager");
  }
  const std::string name = MetaString(object, "name");
  auto query = WriteQuery(options.dry_run, options.field_manager);
  if (options.force) query.emplace_back("force", "true");
  // JSON is YAML, so the apply-patch content type takes the object as is.
  return Write("PATCH", gvr, ns, name, subresource, object.dump(), ContentType(PatchType::kApply),
               std::move(query), "applying " + Describe(gvr, ns, name), std::move(stop));
}

Status DynamicClient::Delete(const Gvr& gvr, std::string_view ns, std::string_view name,
                             const DeleteOptions& options, std::stop_token stop) {
  json body = {{"apiVersion", "v1"}, {"kind", "DeleteOptions"}};
  if (!options.propagation_policy.empty()) body["propagationPolicy"] = options.propagation_policy;
  if (options.precondition_uid) body["preconditions"]["uid"] = *options.precondition_uid;
  if (options.precondition_resource_version) {
    body["preconditions"]["resourceVersion"] = *options.precondition_resource_version;
  }
  if (options.grace_period_seconds) body["gracePeriodSeconds"] = *options.grace_period_seconds;
  if (options.dry_run) body["dryRun"] = json::array({"All"});
  auto result = Write("DELETE", gvr, ns, name, "", body.dump(), "application/json", {},
                      "deleting " + Describe(gvr, ns, name), std::move(stop));
  if (!result.ok()) return std::move(result).error();
  return OkStatus();
}

}  // namespace drs::kubeclient
