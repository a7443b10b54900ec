#pragma once
// ArrivalProbe: when each source change becomes visible in the DR cluster,
// for continuous_bench. The writer records change `seq` to ConfigMap `name`
// just before sending it; the DR watch handler reports every ConfigMap it
// sees with the seq it carries. A copy showing seq s makes every change to
// that ConfigMap with seq <= s visible (a later value supersedes an earlier
// one that was never copied on its own), each with latency now - sent.
//
// Thread-safety: thread-safe.

#include <chrono>
#include <cstdint>
#include <deque>
#include <map>
#include <mutex>
#include <string>
#include <vector>

namespace drs::bench {

class ArrivalProbe {
 public:
  using Clock = std::chrono::steady_clock;

  explicit ArrivalProbe(std::size_t changes) : latency_ms_(changes, -1) {}

  // REQUIRES: seq < changes, each seq once, increasing per name.
  void Sent(const std::string& name, std::size_t seq, Clock::time_point at) {
    std::lock_guard lock(mu_);
    pending_[name].push_back({seq, at});
  }

  void Seen(const std::string& name, std::size_t seq) {
    const auto now = Clock::now();
    std::lock_guard lock(mu_);
    auto& queue = pending_[name];
    while (!queue.empty() && queue.front().seq <= seq) {
      latency_ms_[queue.front().seq] =
          std::chrono::duration<double, std::milli>(now - queue.front().at).count();
      queue.pop_front();
      ++seen_;
    }
  }

  std::size_t seen() const {
    std::lock_guard lock(mu_);
    return seen_;
  }

  // The latencies of the changes seen, in ms.
  std::vector<double> Latencies() const {
    std::lock_guard lock(mu_);
    std::vector<double> out;
    for (const double ms : latency_ms_) {
      if (ms >= 0) out.push_back(ms);
    }
    return out;
  }

 private:
  struct Change {
    std::size_t seq;
    Clock::time_point at;
  };
  mutable std::mutex mu_;
  std::map<std::string, std::deque<Change>> pending_;  // guarded by mu_
  std::vector<double> latency_ms_;                     // guarded by mu_, by seq; -1 = not seen
  std::size_t seen_ = 0;                               // guarded by mu_
};

}  // namespace drs::bench
