#pragma once
// The namespace pairs (source -> destination) a Replication's data sync
// covers: its one pair, or with a namespaceSelector every selected source
// namespace with its destination (one LIST of the source's namespaces).
//
// Thread-safety: reentrant; the client is thread-safe.

#include <stop_token>
#include <vector>

#include "api/replication.h"
#include "controller/datasync/data_sync_observe.h"
#include "kubeclient/dynamic_client.h"

namespace drs::controller::datasync {

Result<std::vector<NamespacePair>> DataSyncNamespaces(const api::Replication& replication,
                                                      kubeclient::DynamicClient& source,
                                                      std::stop_token stop);

}  // namespace drs::controller::datasync
