#include "runtime/informer.h"

namespace drs::runtime {
namespace {
// How often WaitForSync looks at the reflector's state.
constexpr auto kSyncPollInterval = std::chrono::milliseconds(20);
}  // namespace

Informer::Informer(kubeclient::DynamicClient& client, Clock& clock, ReflectorOptions options,
                   Clock::Duration resync_period)
    : client_(client), clock_(clock), options_(std::move(options)), resync_period_(resync_period) {}

Informer::~Informer() { Stop(); }

void Informer::AddEventHandlers(EventHandlers handlers) {
  handlers_.push_back(std::move(handlers));
}

void Informer::Dispatch(const std::function<void(const EventHandlers&)>& call) const {
  for (const auto& h : handlers_) call(h);
}

void Informer::Start(std::stop_token stop) {
  EventHandlers fan_out{
      .on_add =
          [this](const ObjectPtr& obj, bool initial) {
            Dispatch([&](const EventHandlers& h) {
              if (h.on_add) h.on_add(obj, initial);
            });
          },
      .on_update =
          [this](const ObjectPtr& old_obj, const ObjectPtr& new_obj) {
            Dispatch([&](const EventHandlers& h) {
              if (h.on_update) h.on_update(old_obj, new_obj);
            });
          },
      .on_delete =
          [this](const ObjectPtr& obj) {
            Dispatch([&](const EventHandlers& h) {
              if (h.on_delete) h.on_delete(obj);
            });
          },
  };
  reflector_ = std::make_unique<Reflector>(client_, store_, clock_, options_, std::move(fan_out));
  if (stop.stop_possible()) {
    forward_stop_ = std::make_unique<std::stop_callback<std::function<void()>>>(
        stop, std::function<void()>([this] { stop_source_.request_stop(); }));
  }
  const std::stop_token ours = stop_source_.get_token();
  reflector_thread_ = std::jthread([this, ours] { reflector_->Run(ours); });
  if (resync_period_ > Clock::Duration::zero()) {
    resync_thread_ = std::jthread([this, ours] { ResyncLoop(ours); });
  }
}

void Informer::Stop() {
  stop_source_.request_stop();
  if (reflector_thread_.joinable()) reflector_thread_.join();
  if (resync_thread_.joinable()) resync_thread_.join();
}

bool Informer::WaitForSync(std::stop_token stop, Clock::Duration timeout) {
  const auto deadline = clock_.Now() + timeout;
  while (!HasSynced()) {
    if (stop.stop_requested() || clock_.Now() >= deadline) return false;
    if (!clock_.SleepFor(kSyncPollInterval, stop)) return false;
  }
  return true;
}

void Informer::ResyncLoop(std::stop_token stop) {
  while (clock_.SleepFor(resync_period_, stop)) {
    if (!HasSynced()) continue;
    for (const auto& obj : store_.List()) {
      Dispatch([&](const EventHandlers& h) {
        if (h.on_update) h.on_update(obj, obj);
      });
    }
  }
}

}  // namespace drs::runtime
