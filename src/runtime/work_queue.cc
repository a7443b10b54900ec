#include "runtime/work_queue.h"

#include <algorithm>
#include <utility>

namespace drs::runtime {

namespace {
std::unique_ptr<WorkQueueMetrics> MakeMetrics(WorkQueueMetricsProvider* provider,
                                              std::string_view name) {
  if (provider != nullptr) {
    if (auto metrics = provider->ForQueue(name)) {
      return metrics;
    }
  }
  return std::make_unique<WorkQueueMetrics>();  // the base class reports nowhere
}
}  // namespace

WorkQueue::WorkQueue(Clock& clock, WorkQueueOptions options)
    : clock_(clock),
      name_(std::move(options.name)),
      rate_limiter_(options.rate_limiter ? std::move(options.rate_limiter)
                                         : DefaultControllerRateLimiter(clock)),
      metrics_(MakeMetrics(options.metrics_provider, name_)) {
  // Started in the body so every member it touches is already constructed.
  parker_ = std::jthread([this](std::stop_token stop) { ParkLoop(std::move(stop)); });
}

WorkQueue::~WorkQueue() {
  ShutDown();
  parker_.request_stop();
  parker_.join();
}

void WorkQueue::Add(const std::string& key) {
  std::lock_guard lock(mu_);
  AddLocked(key, clock_.Now());
}

void WorkQueue::AddLocked(const std::string& key, Clock::TimePoint now) {
  if (shutting_down_) {
    return;
  }
  // Already pending: queued, or to be queued again when its worker is Done.
  if (!dirty_.emplace(key, now).second) {
    return;
  }
  metrics_->IncAdds();
  if (processing_.contains(key)) {
    return;  // Done will queue it; handing it out now would mean two workers
  }
  queue_.push_back(key);
  ReportDepthLocked();
  item_cv_.notify_one();
}

void WorkQueue::AddAfter(const std::string& key, Clock::Duration delay) {
  if (delay <= Clock::Duration::zero()) {
    Add(key);
    return;
  }
  std::lock_guard lock(mu_);
  if (shutting_down_) {
    return;
  }
  const auto now = clock_.Now();
  // Saturate instead of overflowing on absurd delays ("park forever").
  const auto ready_at =
      delay < Clock::TimePoint::max() - now ? now + delay : Clock::TimePoint::max();
  if (const auto it = parked_by_key_.find(key); it != parked_by_key_.end()) {
    if (it->second->ready_at <= ready_at) {
      return;  // already parked until sooner
    }
    parked_.erase(it->second);
    parked_by_key_.erase(it);
  }
  const auto inserted = parked_.insert(Parked{ready_at, next_seq_++, key}).first;
  parked_by_key_.emplace(key, inserted);
  if (inserted == parked_.begin()) {
    // The parker may be asleep until a later deadline, or waiting for
    // anything to be parked at all: wake it to re-plan.
    if (park_sleep_) {
      park_sleep_->request_stop();
    }
    park_cv_.notify_all();
  }
}

void WorkQueue::AddRateLimited(const std::string& key) {
  // Asked outside mu_: the limiter has its own lock and may be shared.
  const auto delay = rate_limiter_->When(key);
  metrics_->IncRetries();
  AddAfter(key, delay);
}

void WorkQueue::Forget(const std::string& key) { rate_limiter_->Forget(key); }

int WorkQueue::NumRequeues(const std::string& key) { return rate_limiter_->NumRequeues(key); }

std::optional<std::string> WorkQueue::Get(std::stop_token stop) {
  std::unique_lock lock(mu_);
  ++waiting_;
  item_cv_.wait(lock, stop, [this] { return !queue_.empty() || shutting_down_; });
  --waiting_;
  if (stop.stop_requested()) {
    // A notify_one may have picked this waiter; pass it on so a key added
    // just now does not sit in the queue while other workers sleep.
    if (!queue_.empty()) {
      item_cv_.notify_one();
    }
    return std::nullopt;
  }
  if (queue_.empty()) {
    return std::nullopt;  // shutting down with nothing left
  }
  std::string key = std::move(queue_.front());
  queue_.pop_front();
  ReportDepthLocked();
  const auto now = clock_.Now();
  if (const auto it = dirty_.find(key); it != dirty_.end()) {
    metrics_->ObserveQueueLatency(now - it->second);
    dirty_.erase(it);
  }
  processing_.emplace(key, now);
  return key;
}

void WorkQueue::Done(const std::string& key) {
  std::lock_guard lock(mu_);
  const auto it = processing_.find(key);
  if (it == processing_.end()) {
    return;  // not handed out: a caller bug, but harmless to the queue
  }
  metrics_->ObserveWorkDuration(clock_.Now() - it->second);
  processing_.erase(it);
  // Added again while its worker had it: now it may go to a worker. Keys
  // made dirty before a shutdown are still queued, so the worker sees them.
  if (dirty_.contains(key)) {
    queue_.push_back(key);
    ReportDepthLocked();
    item_cv_.notify_one();
  }
  if (processing_.empty()) {
    drain_cv_.notify_all();
  }
}

int WorkQueue::Len() const {
  std::lock_guard lock(mu_);
  return static_cast<int>(queue_.size());
}

void WorkQueue::ShutDown() {
  std::lock_guard lock(mu_);
  shutting_down_ = true;
  draining_ = false;  // a plain ShutDown ends a drain that is waiting
  parked_.clear();
  parked_by_key_.clear();
  if (park_sleep_) {
    park_sleep_->request_stop();
  }
  item_cv_.notify_all();
  drain_cv_.notify_all();
  park_cv_.notify_all();
}

bool WorkQueue::ShutDownWithDrain(std::stop_token stop) {
  ShutDown();
  std::unique_lock lock(mu_);
  draining_ = true;
  drain_cv_.wait(lock, stop, [this] { return processing_.empty() || !draining_; });
  draining_ = false;
  return processing_.empty();
}

int WorkQueue::NumWaiting() const {
  std::lock_guard lock(mu_);
  return waiting_;
}

bool WorkQueue::ShuttingDown() const {
  std::lock_guard lock(mu_);
  return shutting_down_;
}

void WorkQueue::ReportUnfinishedWork() {
  std::lock_guard lock(mu_);
  const auto now = clock_.Now();
  Clock::Duration total = Clock::Duration::zero();
  Clock::Duration longest = Clock::Duration::zero();
  for (const auto& [key, started] : processing_) {
    total += now - started;
    longest = std::max(longest, now - started);
  }
  metrics_->SetUnfinishedWork(total, longest);
}

void WorkQueue::ReportDepthLocked() {
  metrics_->SetDepth(static_cast<std::int64_t>(queue_.size()));
}

void WorkQueue::MoveReadyLocked(Clock::TimePoint now) {
  while (!parked_.empty() && parked_.begin()->ready_at <= now) {
    const std::string key = parked_.begin()->key;
    parked_by_key_.erase(key);
    parked_.erase(parked_.begin());
    AddLocked(key, now);
  }
}

void WorkQueue::ParkLoop(std::stop_token stop) {
  std::unique_lock lock(mu_);
  while (!shutting_down_ && !stop.stop_requested()) {
    MoveReadyLocked(clock_.Now());
    if (parked_.empty()) {
      park_cv_.wait(lock, stop, [this] { return shutting_down_ || !parked_.empty(); });
      continue;
    }
    const auto deadline = parked_.begin()->ready_at;
    // A fresh source per sleep: AddAfter and ShutDown stop it to wake us
    // early, and the thread's own stop is forwarded to it. This works with
    // any Clock, FakeClock included, since SleepUntil honours its token.
    std::stop_source wake;
    park_sleep_ = wake;
    lock.unlock();
    {
      std::stop_callback forward(stop, [&wake] { wake.request_stop(); });
      // Woken early or not, the loop re-reads the clock and re-plans.
      clock_.SleepUntil(deadline, wake.get_token());
    }
    lock.lock();
    park_sleep_.reset();
  }
}

}  // namespace drs::runtime
