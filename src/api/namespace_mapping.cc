#include "api/namespace_mapping.h"

#include <string>
#include <utility>

#include "api/group.h"
#include "api/replication.h"

namespace drs::api {

using nlohmann::json;

namespace {

const json* Field(const json& object, std::string_view key) {
  if (!object.is_object()) return nullptr;
  const auto it = object.find(key);
  return it == object.end() || it->is_null() ? nullptr : &*it;
}

// object[key] when it is a string, else "" (never throws, unlike json::value).
std::string Str(const json& object, std::string_view key) {
  const json* v = Field(object, key);
  return v != nullptr && v->is_string() ? v->get<std::string>() : "";
}

// Copies object[key] to out[key] when present (and, for strings, not empty:
// the Go types wrote "" for unset optional strings).
void Copy(const json& object, json& out, std::string_view key) {
  const json* v = Field(object, key);
  if (v == nullptr || (v->is_string() && v->get_ref<const std::string&>().empty())) return;
  out[std::string(key)] = *v;
}

void CopyAll(const json& object, json& out, std::initializer_list<std::string_view> keys) {
  for (std::string_view key : keys) Copy(object, out, key);
}

// The Go project's five handlings onto our two.
json Handling(const json& go_handling) {
  if (!go_handling.is_string()) return go_handling;  // left for validation to report
  const auto& h = go_handling.get_ref<const std::string&>();
  if (h == "Recreate" || h == "RecreateWithPodDrain" || h == "ForceUpdate") return "Recreate";
  if (h == "NoChange" || h == "PartialUpdate") return "NoChange";
  return go_handling;
}

json ImmutableConfigJson(const json& go) {
  json out = json::object();
  if (const json* d = Field(go, "defaultHandling")) out["defaultHandling"] = Handling(*d);
  if (const json* overrides = Field(go, "resourceOverrides"); overrides && overrides->is_object()) {
    json mapped = json::object();
    for (const auto& [resource, handling] : overrides->items()) {
      mapped[resource] = Handling(handling);
    }
    out["resourceOverrides"] = std::move(mapped);
  }
  return out;
}

json PvcConfigJson(const json& go) {
  json out = json::object();
  CopyAll(go, out,
          {"storageClassMappings", "accessModeMappings", "preserveVolumeAttributes",
           "syncPersistentVolumes", "syncData"});
  if (const json* data = Field(go, "dataSyncConfig")) {
    json d = json::object();
    CopyAll(*data, d,
            {"concurrentSyncs", "bandwidthLimit", "excludePaths", "rsyncOptions",
             "verificationMode", "samplePercent", "timeout", "skipUnchanged"});
    out["dataSyncConfig"] = std::move(d);
  }
  return out;
}

// Our namespaceSelector is a metav1.LabelSelector. Go-era objects also
// wrote {labelSelector: {k: v} or a LabelSelector, destinationPrefix,
// destinationSuffix}.
Status NamespaceSelector(const json& go, json& spec) {
  if (Field(go, "matchLabels") != nullptr || Field(go, "matchExpressions") != nullptr) {
    json selector = json::object();
    CopyAll(go, selector, {"matchLabels", "matchExpressions"});
    spec["namespaceSelector"] = std::move(selector);
    return OkStatus();
  }
  const json* labels = Field(go, "labelSelector");
  if (labels == nullptr || !labels->is_object()) {
    return InvalidError("spec.namespaceSelector: no labels to select namespaces by");
  }
  const bool metav1 =
      Field(*labels, "matchLabels") != nullptr || Field(*labels, "matchExpressions") != nullptr;
  spec["namespaceSelector"] = metav1 ? *labels : json{{"matchLabels", *labels}};
  std::string prefix, suffix;
  if (const json* p = Field(go, "destinationPrefix"); p && p->is_string()) prefix = *p;
  if (const json* s = Field(go, "destinationSuffix"); s && s->is_string()) suffix = *s;
  if (!prefix.empty() || !suffix.empty()) {
    spec["destinationNamespacePattern"] = prefix + std::string(kNamespacePlaceholder) + suffix;
  }
  return OkStatus();
}

Status Clusters(const json& nm_spec, const json* cluster_mapping, std::string_view nm_namespace,
                json& spec) {
  CopyAll(nm_spec, spec, {"sourceCluster", "destinationCluster"});
  const json* ref = Field(nm_spec, "clusterMappingRef");
  if (ref == nullptr) return OkStatus();
  if (cluster_mapping == nullptr) {
    const std::string name = Str(*ref, "name");
    std::string ns = Str(*ref, "namespace");
    if (ns.empty()) ns = nm_namespace;
    return FailedPreconditionError("spec.clusterMappingRef: the ClusterMapping " + ns + "/" + name +
                                   " is needed to find the source and target clusters");
  }
  const json* cm_spec = Field(*cluster_mapping, "spec");
  if (cm_spec == nullptr) return InvalidError("the ClusterMapping has no spec");
  // The ClusterMapping is the preferred source of truth, as in the Go project.
  if (const json* s = Field(*cm_spec, "sourceCluster"); s && s->is_string()) {
    spec["sourceCluster"] = *s;
  }
  if (const json* t = Field(*cm_spec, "targetCluster"); t && t->is_string()) {
    spec["destinationCluster"] = *t;
  }
  return OkStatus();
}

}  // namespace

Result<json> ReplicationFromNamespaceMapping(const json& nm, const json* cluster_mapping) {
  if (!nm.is_object()) return InvalidError("a NamespaceMapping must be a JSON object");
  const json* meta = Field(nm, "metadata");
  const json* nm_spec = Field(nm, "spec");
  if (meta == nullptr || nm_spec == nullptr || !nm_spec->is_object()) {
    return InvalidError("a NamespaceMapping needs metadata and spec");
  }
  const std::string name = Str(*meta, "name");
  const std::string ns = Str(*meta, "namespace");

  json spec = json::object();
  DRS_RETURN_IF_ERROR(Clusters(*nm_spec, cluster_mapping, ns, spec));
  CopyAll(*nm_spec, spec, {"sourceNamespace", "destinationNamespace"});
  if (const json* selector = Field(*nm_spec, "namespaceSelector")) {
    DRS_RETURN_IF_ERROR(NamespaceSelector(*selector, spec));
  }
  CopyAll(*nm_spec, spec,
          {"paused", "replicationMode", "schedule", "resourceTypes", "scaleToZero",
           "namespaceScopedResources", "syncCRDs", "namespaceConfig", "ingressConfig"});
  if (const json* c = Field(*nm_spec, "continuous")) {
    json continuous = json::object();
    Copy(*c, continuous, "backgroundSyncInterval");
    spec["continuous"] = std::move(continuous);
  }
  if (const json* r = Field(*nm_spec, "retryConfig")) {
    json retry = json::object();
    CopyAll(*r, retry, {"maxRetries", "initialBackoff", "maxBackoff", "backoffMultiplier"});
    spec["retryConfig"] = std::move(retry);
  }
  if (const json* i = Field(*nm_spec, "immutableResourceConfig")) {
    spec["immutableResourceConfig"] = ImmutableConfigJson(*i);
  }
  if (const json* p = Field(*nm_spec, "pvcConfig")) spec["pvcConfig"] = PvcConfigJson(*p);

  // Refuse here, naming the field, what the API server would refuse later.
  const std::string what = "converting NamespaceMapping " + ns + "/" + name + " to a Replication";
  auto decoded = ReplicationSpecFromJson(spec);
  if (!decoded.ok()) return std::move(decoded).error().WithContext(what);
  Status valid = Validate(*decoded);
  if (!valid.ok()) return std::move(valid).error().WithContext(what);

  json metadata = {{"name", name}, {"namespace", ns}};
  metadata["labels"] = {{std::string(kFromNamespaceMappingLabel), name}};
  if (const std::string uid = Str(*meta, "uid"); !uid.empty()) {
    metadata["ownerReferences"] = json::array({{{"apiVersion", kApiVersion},
                                                {"kind", kNamespaceMappingKind},
                                                {"name", name},
                                                {"uid", uid},
                                                {"controller", true}}});
  }
  return json{{"apiVersion", kApiVersion},
              {"kind", kReplicationKind},
              {"metadata", std::move(metadata)},
              {"spec", std::move(spec)}};
}

}  // namespace drs::api
