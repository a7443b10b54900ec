#include "kubelet/process_monitor.h"

#include <sys/wait.h>

#include <vector>

namespace drs::kubelet {
namespace {
// How soon an exit is noticed; cheap (one waitid per container).
constexpr auto kPollInterval = std::chrono::milliseconds(100);
}  // namespace

void ProcessMonitor::Watch(pid_t pid, const std::string& key) {
  watched_.With([&](auto& m) { m[pid] = Watched{key, false}; });
}

void ProcessMonitor::Forget(pid_t pid) {
  watched_.With([&](auto& m) { m.erase(pid); });
}

void ProcessMonitor::Run(std::stop_token stop) {
  while (clock_.SleepFor(kPollInterval, stop)) {
    std::vector<std::pair<pid_t, std::string>> candidates;
    watched_.With([&](auto& m) {
      for (const auto& [pid, w] : m) {
        if (!w.notified) candidates.emplace_back(pid, w.key);
      }
    });
    for (const auto& [pid, key] : candidates) {
      siginfo_t info{};
      if (::waitid(P_PID, static_cast<id_t>(pid), &info, WEXITED | WNOHANG | WNOWAIT) != 0 ||
          info.si_pid != pid) {
        continue;  // still running (or already reaped by its worker)
      }
      watched_.With([&](auto& m) {
        if (auto it = m.find(pid); it != m.end()) it->second.notified = true;
      });
      notify_(key);
    }
  }
}

}  // namespace drs::kubelet
