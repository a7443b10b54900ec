#include "controller/datasync/data_syncer.h"

#include <algorithm>

#include "api/group.h"
#include "base/logging.h"
#include "controller/datasync/claim_in_use.h"
#include "controller/datasync/data_sync_status.h"
#include "controller/datasync/json_read.h"
#include "controller/datasync/mover_job.h"
#include "controller/datasync/names.h"
#include "controller/datasync/namespace_pairs.h"
#include "controller/datasync/resources.h"
#include "kube/object.h"
#include "sync/keys.h"

namespace drs::controller::datasync {
namespace {

using nlohmann::json;

std::optional<Clock::WallTime> RoundOf(const api::ReplicationStatus& s) {
  // A round starts with every object sync that ran (Synced or Degraded),
  // not with one that could not run at all.
  if (s.phase != api::ReplicationPhase::kSynced && s.phase != api::ReplicationPhase::kDegraded) {
    return std::nullopt;
  }
  return s.last_sync_time;
}

const api::PvcStatus* Previous(const api::ReplicationStatus& s, const std::string& ns,
                               const std::string& claim) {
  for (const auto& p : s.pvcs) {
    if (p.ns == ns && p.name == claim) return &p;
  }
  return nullptr;
}

std::optional<Clock::WallTime> Granted(const StoredRing& mover, const std::string& ns,
                                       const std::string& claim, const std::string& volume) {
  if (!mover.grant) return std::nullopt;
  for (const auto& v : mover.grant->volumes) {
    if (v.ns == ns && v.claim == claim && v.volume_name == volume) return v.granted;
  }
  return std::nullopt;
}

const json* FindPod(const std::vector<json>& pods, const std::string& name) {
  for (const json& p : pods) {
    if (kube::Name(p) == name && !kube::IsBeingDeleted(p)) return &p;
  }
  return nullptr;
}

void Earliest(std::optional<Clock::WallTime>& wake, const std::optional<Clock::WallTime>& t) {
  if (t && (!wake || *t < *wake)) wake = t;
}

}  // namespace

struct DataSyncer::Claim {
  const ObservedNamespace* ns = nullptr;
  const ObservedClaim* observed = nullptr;
  std::optional<MoverRun> latest;
  std::int64_t next_run = 1;
  AgentEndpoint endpoint;
  std::int32_t ssh_port = api::kDefaultAgentSshPort;
  std::string image;
  std::string key_id;
  const RingKey* key = nullptr;
  const std::vector<std::string>* host_keys = nullptr;
};

DataSyncer::DataSyncer(KeyStore& keys, AgentManager& agents, ClusterSlots& slots,
                       DataSyncSettings settings, Clock& clock, runtime::Registry* registry)
    : keys_(keys),
      agents_(agents),
      slots_(slots),
      settings_(std::move(settings)),
      clock_(clock),
      metrics_(registry) {}

KeyHolder DataSyncer::MoverHolder(const api::Replication& r) const {
  KeyHolder holder{.role = KeyRole::kMover,
                   .remote_cluster = ObjectId(r.metadata.ns, r.spec.source_cluster),
                   .replication = ObjectId(r.metadata.ns, r.metadata.name)};
  if (r.metadata.ns == keys_.controller_namespace() && !r.metadata.uid.empty()) {
    holder.owner = kube::OwnerReference{.api_version = std::string(api::kApiVersion),
                                        .kind = std::string(api::kReplicationKind),
                                        .name = r.metadata.name,
                                        .uid = r.metadata.uid};
  }
  return holder;
}

Result<DataSyncOutcome> DataSyncer::Step(const api::Replication& r, DataSyncTarget target,
                                         std::stop_token stop) {
  DataSyncOutcome out;
  const std::string repl = ObjectId(r.metadata.ns, r.metadata.name);
  const api::RemoteCluster* rc = target.source_cluster;
  if (rc == nullptr) {
    out.blocked = {"SourceNotEnabled",
                   "the source is the local cluster, which runs no data-sync agents: use a "
                   "RemoteCluster with pvcSync.enabled as sourceCluster"};
    return out;
  }
  const std::string rc_id = ObjectId(rc->metadata.ns, rc->metadata.name);
  if (!rc->spec.pvc_sync.enabled) {
    out.blocked = {
        "SourceNotEnabled",
        "RemoteCluster " + rc_id + " does not have pvcSync.enabled, so no agents run there"};
    return out;
  }
  if (target.namespaces.empty()) {
    DRS_ASSIGN_OR_RETURN(target.namespaces, DataSyncNamespaces(r, target.source, stop));
  }
  DRS_ASSIGN_OR_RETURN(
      World world, ObserveWorld(target.source, target.destination, target.namespaces, repl, stop));
  const auto now = clock_.WallNow();
  std::size_t claim_count = 0;
  for (const auto& ns : world.namespaces) claim_count += ns.claims.size();
  GetLogger("datasync")
      ->debug(Fields("data sync step", {{"replication", repl},
                                        {"namespaces", std::to_string(world.namespaces.size())},
                                        {"claims", std::to_string(claim_count)},
                                        {"agents", std::to_string(world.agent_pods.size())}}));

  std::vector<GrantedVolume> wanted;
  for (const auto& ns : world.namespaces) {
    for (const auto& c : ns.claims) {
      const std::string volume = c.source ? StringAt(*c.source, {"spec", "volumeName"}) : "";
      if (!volume.empty())
        wanted.push_back({.ns = c.source_ns, .claim = c.claim, .volume_name = volume});
    }
  }
  bool grant_changed = false;
  DRS_ASSIGN_OR_RETURN(StoredRing mover,
                       keys_.Ensure(MoverHolder(r), rc->spec.pvc_sync.key_rotation_interval, wanted,
                                    stop, &grant_changed));
  if (grant_changed) DRS_RETURN_IF_ERROR(agents_.PublishAccess(rc_id, target.source, stop));
  auto host_keys = agents_.HostKeys(rc_id, stop);
  const RingKey* key = KeyForUse(mover.ring, now, settings_.access_propagation);

  const auto& cfg = r.spec.pvc_config.data_sync_config;
  const ClaimContext ctx{.round = RoundOf(r.status),
                         .now = now,
                         .retry = r.spec.retry_config,
                         .mount_unattached = cfg.mount_unattached_volumes,
                         .access_propagation = settings_.access_propagation,
                         .keys_ready = host_keys.ok() && key != nullptr,
                         .skip_unchanged = cfg.skip_unchanged};
  std::vector<Claim> claims;
  std::vector<ClaimPlan> plans;
  for (const auto& ns : world.namespaces) {
    for (const auto& c : ns.claims) {
      Claim claim{.ns = &ns, .observed = &c};
      ClaimInputs in{.source_ns = c.source_ns, .claim = c.claim};
      in.source_found = c.source.has_value();
      in.volume_name = c.source ? StringAt(*c.source, {"spec", "volumeName"}) : "";
      in.location = LocateSource(c.source_ns, c.claim, ns.source_pods, world.agent_pods);
      in.mount_pod_exists = FindPod(ns.source_pods, MountPodName(repl, c.claim)) != nullptr;
      in.destination_found = true;
      in.in_use_by = ClaimInUse(c.claim, ns.destination_pods, ns.destination_workloads);
      if (!c.jobs.empty()) {
        in.latest = ObserveMoverJob(c.jobs.front(),
                                    PodsOfJob(ns.destination_pods, kube::Name(c.jobs.front())));
        claim.next_run = in.latest->run + 1;
        claim.latest = in.latest;
      }
      in.access_granted = Granted(mover, c.source_ns, c.claim, in.volume_name);
      if (in.location.endpoint) claim.endpoint = *in.location.endpoint;
      claim.ssh_port = rc->spec.pvc_sync.agent.ssh_port;
      claim.image = agents_.ImageFor(rc->spec.pvc_sync.agent);
      claim.key = key;
      if (key != nullptr) claim.key_id = MoverKeyId(repl, key->serial);
      claim.host_keys = host_keys.ok() ? &*host_keys : nullptr;
      plans.push_back(PlanClaim(in, ctx, Previous(r.status, c.source_ns, c.claim)));
      claims.push_back(std::move(claim));
    }
  }

  int active = 0;
  for (const auto& p : plans) active += p.active ? 1 : 0;
  const int repl_free = std::max(0, cfg.concurrent_syncs - active);
  const int cluster_free = slots_.Available(rc_id, repl, active);
  const std::string why =
      repl_free <= cluster_free
          ? "waiting: " + std::to_string(cfg.concurrent_syncs) +
                " movers of this Replication are running (dataSyncConfig.concurrentSyncs)"
          : "waiting: the source cluster's limit of " + std::to_string(slots_.limit()) +
                " concurrent movers is reached";
  LimitStarts(plans, std::min(repl_free, cluster_free), why, now);

  int started = 0;
  for (std::size_t i = 0; i < plans.size(); ++i) {
    ClaimPlan& plan = plans[i];
    const Claim& claim = claims[i];
    const std::string what = claim.observed->source_ns + "/" + claim.observed->claim;
    if (plan.action == ClaimAction::kStartJob) {
      Status s = StartMover(r, target, claim, plan, stop);
      if (s.ok()) {
        ++started;
      } else {
        plan.status.phase = api::PvcSyncPhase::kPending;
        plan.status.message = "could not start a mover: " + s.error().ToString();
        out.events.push_back(
            {true, "DataSyncStartFailed", "claim " + what + ": " + plan.status.message});
      }
    } else if (plan.action == ClaimAction::kCreateMountPod) {
      auto pod = MountPod(claim.observed->source_ns, claim.observed->claim,
                          {.replication = repl,
                           .image = settings_.mount_pod_image,
                           .agent = rc->spec.pvc_sync.agent},
                          world.agent_pods);
      if (!pod) {
        plan.status.message += " (no node has a ready agent to mount it on)";
      } else if (auto created =
                     target.source.Create(kPodsResource, claim.observed->source_ns, *pod, {}, stop);
                 !created.ok() && created.error().code() != ErrorCode::kAlreadyExists) {
        plan.status.message =
            "could not create the temporary mount pod: " + created.error().ToString();
      }
    }
    if (plan.delete_mount_pod) {
      auto deleted = target.source.Delete(kPodsResource, claim.observed->source_ns,
                                          MountPodName(repl, claim.observed->claim), {}, stop);
      if (!deleted.ok() && deleted.error().code() != ErrorCode::kNotFound) {
        GetLogger("datasync")
            ->warn(Fields(
                "could not delete a temporary mount pod",
                {{"replication", repl}, {"claim", what}, {"error", deleted.error().ToString()}}));
      }
    }
    Earliest(out.wake, plan.wake);
  }
  slots_.Started(rc_id, repl, started);
  metrics_.SetRunning(repl, active + started);
  CleanUp(target, world, repl, stop);

  std::lock_guard lock(mu_);
  std::set<std::string> failed_now;
  auto& reported = reported_[repl];
  for (std::size_t i = 0; i < plans.size(); ++i) {
    const api::PvcStatus& s = plans[i].status;
    const api::PvcStatus* prev = Previous(r.status, s.ns, s.name);
    const std::string what = "claim " + s.ns + "/" + s.name + ": ";
    const auto& latest = claims[i].latest;
    if (latest && latest->state == MoverState::kFailed) {
      failed_now.insert(latest->uid);
      if (!reported.count(latest->uid)) {
        metrics_.RecordFailure(repl, s.ns + "/" + s.name);
        out.events.push_back(
            {true, "DataSyncAttemptFailed",
             what + "mover Job " + latest->job_name + " failed: " + latest->message});
      }
    }
    if (s.phase == api::PvcSyncPhase::kFailed && (prev == nullptr || prev->phase != s.phase)) {
      out.events.push_back({true, "DataSyncFailed", what + s.message});
    }
    if (s.last_sync_time && (prev == nullptr || prev->last_sync_time != s.last_sync_time)) {
      metrics_.RecordSuccess(repl, s);
      // The success recorded now is the latest Job's (claim_plan.cc, Record).
      if (latest && latest->state == MoverState::kSucceeded && latest->result &&
          latest->result->unchanged && latest->created_at == s.last_sync_time) {
        metrics_.RecordUnchanged(repl, s.ns + "/" + s.name);
      }
    }
    out.pvcs.push_back(s);
  }
  reported = std::move(failed_now);
  return out;
}

Status DataSyncer::StartMover(const api::Replication& r, DataSyncTarget& target, const Claim& claim,
                              const ClaimPlan& plan, std::stop_token stop) {
  if (claim.key == nullptr || claim.host_keys == nullptr) {
    return FailedPreconditionError("no mover key or host keys");
  }
  const MoverJobSettings settings{.replication = ObjectId(r.metadata.ns, r.metadata.name),
                                  .source_ns = claim.observed->source_ns,
                                  .claim = claim.observed->claim,
                                  .destination_ns = claim.observed->destination_ns,
                                  .run = claim.next_run,
                                  .attempt = plan.attempt,
                                  .created_at = clock_.WallNow(),
                                  .image = claim.image,
                                  .endpoint = claim.endpoint,
                                  .ssh_port = claim.ssh_port,
                                  .key_id = claim.key_id,
                                  .config = r.spec.pvc_config.data_sync_config,
                                  .previous_source_digest = plan.status.source_digest,
                                  .previous_destination_digest = plan.status.destination_digest};
  DRS_ASSIGN_OR_RETURN(std::string known_hosts,
                       KnownHosts(claim.endpoint.address, claim.ssh_port, *claim.host_keys));
  const std::string& ns = settings.destination_ns;
  DRS_ASSIGN_OR_RETURN(json job,
                       target.destination.Create(kJobsResource, ns, MoverJob(settings), {}, stop));
  json secret = MoverSecret(settings, kube::Uid(job), claim.key->private_key, known_hosts);
  auto created = target.destination.Create(kSecretsResource, ns, secret, {}, stop);
  if (!created.ok() && created.error().code() == ErrorCode::kAlreadyExists) {
    // Left by an older Job of the same name that is still being collected.
    DRS_ASSIGN_OR_RETURN(json old,
                         target.destination.Get(kSecretsResource, ns, kube::Name(secret), stop));
    secret["metadata"]["resourceVersion"] = kube::ResourceVersion(old);
    created = target.destination.Update(kSecretsResource, ns, secret, {}, stop);
  }
  if (!created.ok()) return std::move(created).error();
  DRS_RETURN_IF_ERROR(target.destination.Patch(kJobsResource, ns, kube::Name(job),
                                               kubeclient::PatchType::kMerge,
                                               {{"spec", {{"suspend", false}}}}, {}, "", stop));
  GetLogger("datasync")
      ->info(Fields("mover started", {{"replication", settings.replication},
                                      {"claim", settings.source_ns + "/" + settings.claim},
                                      {"job", ns + "/" + kube::Name(job)},
                                      {"node", claim.endpoint.node},
                                      {"attempt", std::to_string(settings.attempt)},
                                      {"key", settings.key_id}}));
  return OkStatus();
}

void DataSyncer::CleanUp(DataSyncTarget& target, const World& world, const std::string& replication,
                         std::stop_token stop) {
  auto log = GetLogger("datasync");
  auto remove = [&](kubeclient::DynamicClient& client, const kube::GroupVersionResource& gvr,
                    const json& object) {
    Status s = client.Delete(gvr, kube::Namespace(object), kube::Name(object),
                             {.propagation_policy = "Background"}, stop);
    if (!s.ok() && s.error().code() != ErrorCode::kNotFound) {
      log->warn(Fields("cleanup failed", {{"replication", replication},
                                          {"object", kube::DescribeObject(object)},
                                          {"error", s.error().ToString()}}));
    }
  };
  for (const auto& ns : world.namespaces) {
    std::set<std::string> claims;
    for (const auto& c : ns.claims) {
      claims.insert(c.claim);
      // Keep the newest Job (it holds the last outcome); older ones are history.
      for (std::size_t i = 1; i < c.jobs.size(); ++i) {
        if (!kube::IsBeingDeleted(c.jobs[i])) remove(target.destination, kJobsResource, c.jobs[i]);
      }
    }
    for (const json& job : ns.stray_jobs) {
      if (!kube::IsBeingDeleted(job)) remove(target.destination, kJobsResource, job);
    }
    for (const json& pod : ns.source_pods) {
      auto labels = kube::Labels(pod);
      if (labels[std::string(kComponentLabel)] != kComponentMountPod ||
          labels[std::string(sync::kReplicationLabel)] != LabelValue(replication) ||
          kube::IsBeingDeleted(pod)) {
        continue;
      }
      if (!claims.count(kube::Annotations(pod)[std::string(kClaimAnnotation)])) {
        remove(target.source, kPodsResource, pod);
      }
    }
  }
}

std::optional<Clock::WallTime> DataSyncer::Reconcile(const api::Replication& replication,
                                                     api::ReplicationStatus& status,
                                                     DataSyncTarget target,
                                                     runtime::EventRecorder& events,
                                                     const json& object, std::stop_token stop) {
  const auto& r = replication;
  const auto now = clock_.WallNow();
  if (!r.spec.pvc_config.sync_data) {
    if (!status.pvcs.empty() ||
        api::FindCondition(status.conditions, api::kConditionDataSynced) != nullptr) {
      Status forgotten = Forget(r.metadata.ns, r.metadata.name, stop);
      if (!forgotten.ok()) {
        GetLogger("datasync")
            ->warn(Fields("could not remove mover keys",
                          {{"replication", ObjectId(r.metadata.ns, r.metadata.name)},
                           {"error", forgotten.error().ToString()}}));
      }
      ClearDataSyncStatus(status);
    }
    return std::nullopt;
  }
  api::Replication planned = r;
  planned.status = status;
  auto outcome = Step(planned, std::move(target), stop);
  if (!outcome.ok()) {
    if (outcome.error().code() == ErrorCode::kCancelled) return std::nullopt;
    const std::string message = outcome.error().ToString();
    GetLogger("datasync")
        ->warn(Fields(
            "data sync step failed",
            {{"replication", ObjectId(r.metadata.ns, r.metadata.name)}, {"error", message}}));
    if (!api::IsConditionStatus(status.conditions, api::kConditionDataSynced,
                                api::ConditionStatus::kFalse) ||
        api::FindCondition(status.conditions, api::kConditionDataSynced)->message != message) {
      events.Event(object, runtime::EventType::kWarning, "DataSyncError", message);
    }
    ApplyDataSyncBlocked(status, "DataSyncError", message, r.metadata.generation, now);
    return now + std::chrono::duration_cast<Clock::WallTime::duration>(kWaitingPoll);
  }
  if (outcome->blocked) {
    ApplyDataSyncBlocked(status, outcome->blocked->first, outcome->blocked->second,
                         r.metadata.generation, now);
    return std::nullopt;
  }
  for (const auto& e : outcome->events) {
    events.Event(object, e.warning ? runtime::EventType::kWarning : runtime::EventType::kNormal,
                 e.reason, e.message);
  }
  ApplyDataSyncStatus(status, std::move(outcome->pvcs), r.metadata.generation, now);
  return outcome->wake;
}

Status DataSyncer::Forget(const std::string& ns, const std::string& name, std::stop_token stop) {
  const std::string repl = ObjectId(ns, name);
  slots_.Forget(repl);
  {
    std::lock_guard lock(mu_);
    reported_.erase(repl);
  }
  return keys_.Delete({.role = KeyRole::kMover, .replication = repl}, stop);
}

}  // namespace drs::controller::datasync
