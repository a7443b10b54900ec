#pragma once
// FakeEventRecorder: an EventRecorder for controller unit tests. It keeps
// every event in memory, in order, so a test can assert on what a
// reconcile reported without an API server.
//
// Thread-safety: thread-safe.

#include <mutex>
#include <string>
#include <vector>

#include "kube/object.h"
#include "runtime/event_recorder.h"

namespace drs::runtime {

class FakeEventRecorder final : public EventRecorder {
 public:
  struct Recorded {
    kube::ObjectKey object;
    std::string kind;
    EventType type = EventType::kNormal;
    std::string reason;
    std::string message;
  };

  void Event(const nlohmann::json& object, EventType type, std::string_view reason,
             std::string_view message) override {
    std::lock_guard lock(mu_);
    events_.push_back({.object = kube::KeyOf(object),
                       .kind = kube::Kind(object),
                       .type = type,
                       .reason = std::string(reason),
                       .message = std::string(message)});
  }

  std::vector<Recorded> events() const {
    std::lock_guard lock(mu_);
    return events_;
  }
  // The reasons recorded so far, in order: the usual thing to assert on.
  std::vector<std::string> reasons() const {
    std::lock_guard lock(mu_);
    std::vector<std::string> out;
    for (const auto& e : events_) {
      out.push_back(e.reason);
    }
    return out;
  }

 private:
  mutable std::mutex mu_;
  std::vector<Recorded> events_;  // guarded by mu_
};

}  // namespace drs::runtime
