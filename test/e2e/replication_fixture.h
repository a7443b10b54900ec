#pragma once
// A Replication between two test bed clusters as a user would set it up:
// RemoteCluster "src" (the source cluster, through a read-only identity) and
// RemoteCluster "dr" (the DR cluster, through an identity that may write),
// dr-syncer running as its least-privilege ServiceAccount in `source`, and a
// sample application in a source namespace.

#include <fstream>
#include <set>

#include "e2e/e2e_env.h"

namespace drs::testing {

inline const kube::GroupVersionResource kReplicationsGvr{"dr-syncer.io", "v1alpha1",
                                                         "replications"};

class ReplicationFixture : public DrSyncerEnv {
 protected:
  void SetUp() override {
    DrSyncerEnv::SetUp();
    if (HasFatalFailure()) return;
    dr_ = ClientsFor(bed_.Cluster("dr").kubeconfig);
    app_ns_ = UniqueNamespace("shop");
    dr_ns_ = app_ns_ + "-dr";
    CreateNamespace(source_, app_ns_);
    // Source identity: read-only in the app namespace, plus reading the Namespace object.
    reader_ = "reader-" + app_ns_;
    const std::string reader_kc = RunTestbed({"user", "source", reader_});
    RunTestbed({"kubectl", "source", "-n", app_ns_, "create", "role", "read-all",
                "--verb=get,list,watch", "--resource=*.*"});
    RunTestbed({"kubectl", "source", "-n", app_ns_, "create", "rolebinding", "read-all",
                "--role=read-all", "--user=" + reader_});
    RunTestbed({"kubectl", "source", "create", "clusterrole", "ns-reader-" + app_ns_, "--verb=get",
                "--resource=namespaces"});
    RunTestbed({"kubectl", "source", "create", "clusterrolebinding", "ns-reader-" + app_ns_,
                "--clusterrole=ns-reader-" + app_ns_, "--user=" + reader_});
    // DR identity: may create namespaces and write in them (cluster-admin here).
    writer_ = "writer-" + app_ns_;
    const std::string writer_kc = RunTestbed({"user", "dr", writer_});
    RunTestbed({"kubectl", "dr", "create", "clusterrolebinding", "writer-" + app_ns_,
                "--clusterrole=cluster-admin", "--user=" + writer_});
    auto read = [](const std::string& path) {
      std::ifstream in(path);
      return std::string(std::istreambuf_iterator<char>(in), {});
    };
    PutKubeconfigSecret("src-kc", read(reader_kc));
    PutKubeconfigSecret("dr-kc", read(writer_kc));
    CreateRemoteCluster("src", "src-kc", "2s");
    CreateRemoteCluster("dr", "dr-kc", "2s");
  }

  void CreateReplication(const nlohmann::json& extra_spec) {
    nlohmann::json spec = {{"sourceCluster", "src"},
                           {"destinationCluster", "dr"},
                           {"sourceNamespace", app_ns_},
                           {"destinationNamespace", dr_ns_},
                           {"replicationMode", "Manual"}};
    if (extra_spec.is_object()) spec.update(extra_spec);
    auto r = source_.dynamic->Create(kReplicationsGvr, ns_,
                                     {{"apiVersion", "dr-syncer.io/v1alpha1"},
                                      {"kind", "Replication"},
                                      {"metadata", {{"name", "app"}, {"namespace", ns_}}},
                                      {"spec", spec}});
    ASSERT_TRUE(r.ok()) << r.error();
  }

  nlohmann::json Replication() {
    auto r = source_.dynamic->Get(kReplicationsGvr, ns_, "app");
    return r.ok() ? *r : nlohmann::json::object();
  }
  std::string Phase() {
    return Replication().value("status", nlohmann::json::object()).value("phase", "");
  }
  std::string LastTrigger() {
    return Replication().value("status", nlohmann::json::object()).value("lastHandledTrigger", "");
  }
  // Sets dr-syncer.io/sync-now and waits until the status says it ran.
  bool SyncNow(const std::string& token) {
    auto patched = source_.dynamic->Patch(
        kReplicationsGvr, ns_, "app", kubeclient::PatchType::kMerge,
        {{"metadata", {{"annotations", {{"dr-syncer.io/sync-now", token}}}}}});
    if (!patched.ok()) return false;
    return PollFor([&] { return LastTrigger() == token; }, std::chrono::seconds(30));
  }

  nlohmann::json Dr(const kube::GroupVersionResource& gvr, const std::string& name) {
    auto r = dr_.dynamic->Get(gvr, dr_ns_, name);
    return r.ok() ? *r : nlohmann::json();
  }

  // Audit events in `cluster` by `user` with a write verb, since `from_line`.
  int Writes(const std::string& cluster, const std::string& user, std::size_t* lines = nullptr) {
    std::ifstream audit(bed_.Cluster(cluster).audit_log);
    static const std::set<std::string> kWriteVerbs = {"create", "update", "patch", "delete",
                                                      "deletecollection"};
    int n = 0;
    std::size_t count = 0;
    for (std::string line; std::getline(audit, line); ++count) {
      if (lines != nullptr && count < *lines) continue;
      auto e = nlohmann::json::parse(line, nullptr, false);
      if (!e.is_object() || e.value("stage", "") != "ResponseComplete") continue;
      if (e["user"].value("username", "") == user && kWriteVerbs.count(e.value("verb", ""))) ++n;
    }
    if (lines != nullptr) *lines = count;
    return n;
  }

  ClusterClients dr_;
  std::string app_ns_, dr_ns_, reader_, writer_;
};

}  // namespace drs::testing
