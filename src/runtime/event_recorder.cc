#include "runtime/event_recorder.h"

#include <utility>

#include "base/logging.h"
#include "kube/object.h"

namespace drs::runtime {
namespace {

std::shared_ptr<spdlog::logger> Log() {
  static const auto log = GetLogger("events");
  return log;
}

// Cancelled writes are the recorder shutting down, not a problem to report.
void LogSendFailure(std::string_view what, std::vector<LogField> fields, const Error& error) {
  fields.emplace_back("error", error.ToString());
  const auto level =
      error.code() == ErrorCode::kCancelled ? spdlog::level::debug : spdlog::level::warn;
  Log()->log(level, Fields(what, fields));
}

}  // namespace

KubeEventRecorder::KubeEventRecorder(std::unique_ptr<EventSink> sink, Clock& clock,
                                     KubeEventRecorderOptions options)
    : sink_(std::move(sink)),
      clock_(clock),
      options_(std::move(options)),
      correlator_(options_.correlator) {
  // Started in the body so every member it touches is already constructed.
  sender_ = std::jthread([this](std::stop_token stop) { SendLoop(std::move(stop)); });
}

KubeEventRecorder::~KubeEventRecorder() {
  std::lock_guard lock(shutdown_mu_);
  if (sender_.joinable()) {
    sender_.request_stop();
    sender_.join();
  }
}

void KubeEventRecorder::Event(const nlohmann::json& object, EventType type, std::string_view reason,
                              std::string_view message) {
  Pending pending{.involved_object = ObjectReferenceFor(object),
                  .object_name = kube::Name(object),
                  .description = kube::DescribeObject(object),
                  .ns = EventNamespaceFor(object),
                  .type = type,
                  .reason = std::string(reason),
                  .message = TruncateEventMessage(message),
                  .time = clock_.Now(),
                  .wall_time = clock_.WallNow()};
  {
    std::lock_guard lock(mu_);
    if (shut_down_ || queue_.size() >= options_.queue_capacity) {
      ++dropped_queue_full_;
      return;
    }
    queue_.push_back(std::move(pending));
  }
  queued_cv_.notify_one();
}

bool KubeEventRecorder::Flush(std::chrono::milliseconds timeout) {
  std::unique_lock lock(mu_);
  return idle_cv_.wait_for(lock, timeout, [&] { return queue_.empty() && !busy_; });
}

void KubeEventRecorder::Shutdown(std::chrono::milliseconds drain_timeout) {
  const bool drained = Flush(drain_timeout);
  std::size_t undelivered = 0;
  {
    std::lock_guard lock(mu_);
    shut_down_ = true;
    undelivered = queue_.size() + (busy_ ? 1 : 0);
  }
  if (!drained) {
    Log()->warn(Fields("dropping events not sent before shutdown",
                       {{"undelivered", std::to_string(undelivered)}}));
  }
  {
    std::lock_guard lock(shutdown_mu_);
    if (sender_.joinable()) {
      sender_.request_stop();
      sender_.join();
    }
  }
  // Nobody will send what is left; empty the queue so a later Flush returns.
  std::lock_guard lock(mu_);
  dropped_queue_full_ += queue_.size();
  queue_.clear();
  idle_cv_.notify_all();
}

KubeEventRecorder::Stats KubeEventRecorder::stats() const {
  return {.created = created_.load(),
          .patched = patched_.load(),
          .dropped_queue_full = dropped_queue_full_.load(),
          .dropped_spam = dropped_spam_.load(),
          .failed = failed_.load()};
}

void KubeEventRecorder::SendLoop(std::stop_token stop) {
  while (true) {
    Pending event;
    {
      std::unique_lock lock(mu_);
      // wait() returns true on a stop when work is queued; stop wins.
      if (!queued_cv_.wait(lock, stop, [&] { return !queue_.empty(); }) || stop.stop_requested()) {
        return;  // stopped; whatever is still queued is dropped
      }
      event = std::move(queue_.front());
      queue_.pop_front();
      busy_ = true;
    }
    Send(event, stop);
    {
      std::lock_guard lock(mu_);
      busy_ = false;
    }
    idle_cv_.notify_all();
  }
}

void KubeEventRecorder::Send(const Pending& event, std::stop_token stop) {
  const EventKey key{.object = ObjectIdentity(event.involved_object),
                     .type = std::string(EventTypeName(event.type)),
                     .reason = event.reason,
                     .message = event.message};
  const Correlation correlation = correlator_.Observe(key, event.time, event.wall_time);
  switch (correlation.action) {
    case Correlation::Action::kDrop:
      ++dropped_spam_;
      Log()->debug(Fields("event dropped by the spam filter",
                          {{"object", event.description}, {"reason", event.reason}}));
      return;
    case Correlation::Action::kPatch: {
      auto patched = sink_->Patch(event.ns, correlation.event_name,
                                  MakeEventCountPatch(correlation.count, event.wall_time), stop);
      if (patched.ok()) {
        ++patched_;
        return;
      }
      if (patched.error().code() != ErrorCode::kNotFound) {
        ++failed_;
        LogSendFailure("cannot update event", {{"event", event.ns + "/" + correlation.event_name}},
                       patched.error());
        return;
      }
      // Expired on the server: start a new Event carrying the count so far.
      break;
    }
    case Correlation::Action::kCreate:
      break;
  }
  if (Create(event, key, correlation, std::move(stop))) {
    ++created_;
  } else {
    ++failed_;
  }
}

bool KubeEventRecorder::Create(const Pending& event, const EventKey& key,
                               const Correlation& correlation, std::stop_token stop) {
  const std::string name = EventName(event.object_name, NextUnique(event.wall_time));
  const EventFields fields{.name = name,
                           .ns = event.ns,
                           .involved_object = event.involved_object,
                           .type = event.type,
                           .reason = event.reason,
                           .message = event.message,
                           .count = correlation.count,
                           .first_timestamp = correlation.first_timestamp,
                           .last_timestamp = event.wall_time};
  auto created = sink_->Create(event.ns, MakeEvent(fields, options_.source), std::move(stop));
  if (!created.ok()) {
    LogSendFailure("cannot create event", {{"object", event.description}, {"reason", event.reason}},
                   created.error());
    return false;
  }
  correlator_.Recorded(key, name);
  return true;
}

std::uint64_t KubeEventRecorder::NextUnique(Clock::WallTime wall_time) {
  const auto nanos =
      std::chrono::duration_cast<std::chrono::nanoseconds>(wall_time.time_since_epoch()).count();
  // client-go uses the creation time in nanoseconds; bump it when two
  // events share a timestamp.
  const auto candidate = static_cast<std::uint64_t>(nanos);
  last_unique_ = candidate > last_unique_ ? candidate : last_unique_ + 1;
  return last_unique_;
}

}  // namespace drs::runtime
