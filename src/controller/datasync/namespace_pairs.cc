#include "controller/datasync/namespace_pairs.h"

#include "controller/datasync/resources.h"
#include "kube/object.h"

namespace drs::controller::datasync {

Result<std::vector<NamespacePair>> DataSyncNamespaces(const api::Replication& r,
                                                      kubeclient::DynamicClient& source,
                                                      std::stop_token stop) {
  if (!r.spec.namespace_selector) {
    return std::vector<NamespacePair>{{r.spec.source_namespace, r.spec.destination_namespace}};
  }
  DRS_ASSIGN_OR_RETURN(
      auto listed, source.ListAll(kNamespacesResource, "",
                                  {.label_selector = r.spec.namespace_selector->ToString()}, stop));
  std::vector<NamespacePair> pairs;
  for (const auto& ns : listed.items) {
    auto destination = api::DestinationNamespaceFor(r.spec, kube::Name(ns));
    if (destination.ok()) pairs.push_back({kube::Name(ns), *destination});
  }
  return pairs;
}

}  // namespace drs::controller::datasync
