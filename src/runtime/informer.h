#pragma once
// Informer: a Store kept in sync by a Reflector on its own thread, with any
// number of event handlers, wait-for-sync, and an optional periodic resync
// that re-delivers every cached object as an update (level-based
// controllers use it as a safety net for missed side effects).
//
// Thread-safety: AddEventHandlers before Start(); everything else is
// thread-safe. Handlers may be called from the reflector thread and the
// resync thread concurrently: they must only enqueue keys.

#include <chrono>
#include <functional>
#include <memory>
#include <stop_token>
#include <thread>
#include <vector>

#include "base/clock.h"
#include "runtime/reflector.h"
#include "runtime/store.h"

namespace drs::runtime {

class Informer {
 public:
  // REQUIRES: `client` and `clock` outlive the informer.
  Informer(kubeclient::DynamicClient& client, Clock& clock, ReflectorOptions options,
           Clock::Duration resync_period = Clock::Duration::zero());
  ~Informer();
  Informer(const Informer&) = delete;
  Informer& operator=(const Informer&) = delete;

  // REQUIRES: called before Start().
  void AddEventHandlers(EventHandlers handlers);

  // Starts the reflector (and resync) threads; they stop on Stop() or when
  // `stop` is requested.
  void Start(std::stop_token stop = {});
  // Asks the threads to stop without waiting (stop many informers at once:
  // request each, then Stop() each).
  void RequestStop() { stop_source_.request_stop(); }
  void Stop();

  bool HasSynced() const { return reflector_ && reflector_->HasSynced(); }
  // Waits (polling the clock) until synced; false when stopped or timed out.
  bool WaitForSync(std::stop_token stop, Clock::Duration timeout);

  const Store& store() const { return store_; }
  Store& store() { return store_; }
  const Reflector& reflector() const { return *reflector_; }

 private:
  void Dispatch(const std::function<void(const EventHandlers&)>& call) const;
  void ResyncLoop(std::stop_token stop);

  kubeclient::DynamicClient& client_;
  Clock& clock_;
  const ReflectorOptions options_;
  const Clock::Duration resync_period_;
  Store store_;
  std::vector<EventHandlers> handlers_;  // fixed after Start()
  std::unique_ptr<Reflector> reflector_;
  std::stop_source stop_source_;
  // Forwards the caller's stop to stop_source_; declared after it so it is
  // destroyed (unregistered) first.
  std::unique_ptr<std::stop_callback<std::function<void()>>> forward_stop_;
  std::jthread reflector_thread_;
  std::jthread resync_thread_;
};

}  // namespace drs::runtime
