#include "runtime/leader_election.h"

#include <thread>
#include <utility>

#include "base/logging.h"
#include "runtime/deadline_stop_source.h"
#include "runtime/leader_election_record.h"

namespace drs::runtime {

Result<std::unique_ptr<LeaderElector>> LeaderElector::Create(LeaderElectionConfig config,
                                                             LeaderCallbacks callbacks,
                                                             kubeclient::DynamicClient& client,
                                                             Clock& clock) {
  DRS_RETURN_IF_ERROR(ValidateLeaderElectionConfig(config));
  return std::make_unique<LeaderElector>(Key(), std::move(config), std::move(callbacks), client,
                                         clock);
}

LeaderElector::LeaderElector(Key /*key*/, LeaderElectionConfig config, LeaderCallbacks callbacks,
                             kubeclient::DynamicClient& client, Clock& clock)
    : config_(std::move(config)),
      callbacks_(std::move(callbacks)),
      client_(client),
      clock_(clock),
      log_(GetLogger("leader-election")),
      decider_(config_.identity, config_.lease_duration),
      rng_(std::random_device{}()) {}

std::string LeaderElector::LeaseKey() const {
  return config_.lease_namespace + "/" + config_.lease_name;
}

Status LeaderElector::Run(std::stop_token stop) {
  log_->info(
      Fields("standing for election", {{"lease", LeaseKey()}, {"identity", config_.identity}}));
  const std::optional<Clock::TimePoint> won = Acquire(stop);
  if (!won.has_value()) return OkStatus();
  const bool lost = Lead(*won, stop);
  if (!lost && config_.release_on_cancel) Release();
  if (callbacks_.on_stopped_leading) callbacks_.on_stopped_leading();
  if (lost) return UnavailableError("lost leadership of Lease " + LeaseKey());
  return OkStatus();
}

std::optional<Clock::TimePoint> LeaderElector::Acquire(std::stop_token stop) {
  while (!stop.stop_requested()) {
    const Clock::TimePoint started = clock_.Now();
    auto action = TryAcquireOrRenew(/*leading=*/false, stop);
    if (action.ok() && WritesLease(*action)) return started;
    if (!action.ok() && !stop.stop_requested()) {
      // A Conflict or AlreadyExists only means another candidate wrote first.
      const ErrorCode code = action.error().code();
      const bool lost_race = code == ErrorCode::kConflict || code == ErrorCode::kAlreadyExists;
      const std::string message = Fields(
          "cannot acquire lease", {{"lease", LeaseKey()}, {"error", action.error().ToString()}});
      if (lost_race) {
        log_->debug(message);
      } else {
        log_->warn(message);
      }
    }
    if (!clock_.SleepFor(JitteredRetryPeriod(), stop)) break;
  }
  return std::nullopt;
}

bool LeaderElector::Lead(Clock::TimePoint term_start, std::stop_token stop) {
  // Requested at the renew deadline (extended by each renewal), on `stop`, or
  // below when the lease is seen lost. Also cancels in-flight requests.
  DeadlineStopSource term(clock_, term_start + config_.renew_deadline, stop);
  leading_.store(true);
  log_->info(Fields("started leading", {{"lease", LeaseKey()}, {"identity", config_.identity}}));
  std::jthread worker;
  if (callbacks_.on_started_leading) {
    worker = std::jthread([this, token = term.token()] { callbacks_.on_started_leading(token); });
  }
  bool lost = false;
  Clock::TimePoint next = clock_.Now() + config_.retry_period;
  while (clock_.SleepUntil(next, term.token())) {
    const Clock::TimePoint started = clock_.Now();
    auto action = TryAcquireOrRenew(/*leading=*/true, term.token());
    if (action.ok() && WritesLease(*action)) {
      term.Extend(started + config_.renew_deadline);
    } else if (action.ok() && *action == LeaseAction::kLost) {
      lost = true;
      break;
    } else if (!action.ok() && !term.token().stop_requested()) {
      log_->warn(Fields("cannot renew lease",
                        {{"lease", LeaseKey()}, {"error", action.error().ToString()}}));
    }
    next = started + config_.retry_period;
  }
  lost = lost || !stop.stop_requested();
  leading_.store(false);
  term.RequestStop();
  if (worker.joinable()) worker.join();
  const char* why = !lost ? "stopped" : term.expired() ? "renew deadline passed" : "lease taken";
  log_->info(Fields("stopped leading",
                    {{"lease", LeaseKey()}, {"identity", config_.identity}, {"reason", why}}));
  return lost;
}

Result<LeaseAction> LeaderElector::TryAcquireOrRenew(bool leading, std::stop_token stop) {
  const std::string& ns = config_.lease_namespace;
  std::optional<nlohmann::json> lease;
  std::optional<LeaderElectionRecord> current;
  auto got = client_.Get(kLeases, ns, config_.lease_name, stop);
  if (got.ok()) {
    current = RecordFromLease(*got);
    lease = std::move(got).value();
  } else if (got.error().code() != ErrorCode::kNotFound) {
    return std::move(got).error();
  }
  const LeaseAction action = decider_.Decide(current, leading, clock_.Now());
  ObserveHolder(current.has_value() ? current->holder_identity : std::string());
  log_->debug(Fields("lease observed", {{"lease", LeaseKey()},
                                        {"holder", GetLeader()},
                                        {"action", std::string(LeaseActionName(action))}}));
  if (!WritesLease(action)) return action;

  const LeaderElectionRecord desired = decider_.Desired(action, clock_.WallNow());
  // Updating the object just read sends its resourceVersion: if anyone wrote
  // since, the API server answers Conflict instead of letting two win.
  if (action != LeaseAction::kCreate) ApplyRecordToLease(*lease, desired);
  auto written =
      action == LeaseAction::kCreate
          ? client_.Create(kLeases, ns, NewLease(ns, config_.lease_name, desired), {}, stop)
          : client_.Update(kLeases, ns, *lease, {}, stop);
  if (!written.ok()) return std::move(written).error();
  decider_.Wrote(desired, clock_.Now());
  ObserveHolder(config_.identity);
  return action;
}

void LeaderElector::Release() {
  // The caller's stop is already requested, so the release gets a bounded
  // time of its own: shutdown must finish in seconds even without an API.
  DeadlineStopSource limit(clock_, clock_.Now() + config_.renew_deadline);
  auto lease = client_.Get(kLeases, config_.lease_namespace, config_.lease_name, limit.token());
  if (!lease.ok()) {
    log_->warn(Fields("cannot release lease",
                      {{"lease", LeaseKey()}, {"error", lease.error().ToString()}}));
    return;
  }
  const LeaderElectionRecord current = RecordFromLease(*lease);
  if (current.holder_identity != config_.identity) return;  // not ours to release
  const LeaderElectionRecord released = ReleasedRecord(current, clock_.WallNow());
  ApplyRecordToLease(*lease, released);
  auto updated = client_.Update(kLeases, config_.lease_namespace, *lease, {}, limit.token());
  if (!updated.ok()) {
    log_->warn(Fields("cannot release lease",
                      {{"lease", LeaseKey()}, {"error", updated.error().ToString()}}));
    return;
  }
  decider_.Wrote(released, clock_.Now());
  ObserveHolder("");
  log_->info(Fields("released lease", {{"lease", LeaseKey()}, {"identity", config_.identity}}));
}

void LeaderElector::ObserveHolder(const std::string& holder) {
  *leader_.Lock() = holder;
  if (holder == reported_leader_) return;
  // An empty holder is no leader to announce, but whoever comes next is new
  // (even the same identity again: it is a new term).
  reported_leader_ = holder;
  if (holder.empty()) return;
  log_->info(Fields("new leader",
                    {{"lease", LeaseKey()}, {"identity", config_.identity}, {"leader", holder}}));
  if (callbacks_.on_new_leader) callbacks_.on_new_leader(holder);
}

Clock::Duration LeaderElector::JitteredRetryPeriod() {
  std::uniform_real_distribution<double> spread(0.0, kJitterFactor);
  const auto base = std::chrono::duration<double, std::nano>(config_.retry_period);
  return std::chrono::duration_cast<Clock::Duration>(base * (1.0 + spread(rng_)));
}

}  // namespace drs::runtime
