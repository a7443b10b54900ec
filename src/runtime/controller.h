#pragma once
// Controller: N workers draining a rate-limited work queue of object keys
// into a Reconciler, with controller-runtime semantics. A reconcile gets
// only the key ("namespace/name"), is level-based and idempotent, and says
// whether to come back: success forgets the key's failures; requeue_after
// schedules the next look; an error requeues with per-key exponential
// backoff unless the error is terminal (then it is logged and dropped
// until the object changes again). The same key is never reconciled by two
// workers at once (the queue guarantees it).
//
// Thread-safety: Enqueue* are thread-safe (call them from informer
// handlers); Run() is called once.

#include <chrono>
#include <memory>
#include <optional>
#include <stop_token>
#include <string>

#include "base/clock.h"
#include "base/result.h"
#include "runtime/metrics.h"
#include "runtime/reflector.h"
#include "runtime/work_queue.h"

namespace drs::runtime {

struct ReconcileResult {
  // Look at the key again after this long (a schedule, a poll of slow work).
  std::optional<Clock::Duration> requeue_after;
};

class Reconciler {
 public:
  virtual ~Reconciler() = default;
  virtual Result<ReconcileResult> Reconcile(const std::string& key, std::stop_token stop) = 0;
};

struct ControllerOptions {
  std::string name;
  int workers = 2;
  std::unique_ptr<RateLimiter> rate_limiter;  // null: the default controller limiter
  WorkQueueMetricsProvider* queue_metrics = nullptr;
  Registry* registry = nullptr;  // reconcile counters and durations; null = none
};

class Controller {
 public:
  // REQUIRES: `reconciler` and `clock` outlive the controller.
  Controller(Reconciler& reconciler, Clock& clock, ControllerOptions options);
  ~Controller();

  void Enqueue(const std::string& key) { queue_.Add(key); }
  void EnqueueAfter(const std::string& key, Clock::Duration delay) { queue_.AddAfter(key, delay); }
  // Handlers that enqueue the key of every added, updated or deleted object.
  EventHandlers EnqueueHandlers();

  // Runs the workers until stopped; then drains in-flight reconciles.
  void Run(std::stop_token stop);

  const std::string& name() const { return name_; }
  WorkQueue& queue() { return queue_; }

 private:
  void Worker(std::stop_token stop);
  void ProcessOne(const std::string& key, std::stop_token stop);

  Reconciler& reconciler_;
  Clock& clock_;
  const std::string name_;
  const int workers_;
  WorkQueue queue_;
  CounterFamily* reconciles_ = nullptr;           // {controller, result}
  HistogramFamily* reconcile_seconds_ = nullptr;  // {controller}
};

}  // namespace drs::runtime
