#pragma once
// ProcessMonitor: notices container shims that exited and wakes their pod's
// worker, without reaping them (the worker does, through its ChildProcess):
// waitid(WNOWAIT) on each watched pid, ten times a second.
//
// Thread-safety: thread-safe; Run() on its own thread.

#include <sys/types.h>

#include <functional>
#include <map>
#include <set>
#include <stop_token>
#include <string>

#include "base/clock.h"
#include "base/synchronized.h"

namespace drs::kubelet {

class ProcessMonitor {
 public:
  using Notify = std::function<void(const std::string& key)>;
  // REQUIRES: `clock` outlives the monitor.
  ProcessMonitor(Clock& clock, Notify notify) : clock_(clock), notify_(std::move(notify)) {}

  void Watch(pid_t pid, const std::string& key);
  void Forget(pid_t pid);
  void Run(std::stop_token stop);

 private:
  struct Watched {
    std::string key;
    bool notified = false;
  };
  Clock& clock_;
  const Notify notify_;
  Synchronized<std::map<pid_t, Watched>> watched_;
};

}  // namespace drs::kubelet
