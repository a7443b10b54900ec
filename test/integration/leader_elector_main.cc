// leader_elector_main: one leader election candidate as a process of its
// own, for leader_election_test to kill -9 and SIGTERM. Test-only.
//
//   leader_elector_main --kubeconfig=PATH --namespace=NS --name=LEASE --identity=ID
//                       [--lease-duration-s=N] [--renew-deadline-ms=N] [--retry-period-ms=N]
//
// Prints one line per event on stdout, flushed at once so a reader polling
// the output sees it even if the process is killed right after:
//   started-leading ID | stopped-leading ID | new-leader HOLDER | exiting CODE
// Exits 0 after SIGTERM or SIGINT (having released the lease), 2 when the
// lease was lost, 1 on bad flags or a client that cannot be built.

#include <pthread.h>
#include <signal.h>

#include <cstdio>
#include <cstdlib>
#include <map>
#include <mutex>
#include <stop_token>
#include <string>
#include <string_view>
#include <thread>

#include "base/clock.h"
#include "base/logging.h"
#include "kubeclient/dynamic_client.h"
#include "kubeclient/kubeconfig.h"
#include "kubeclient/rest_client.h"
#include "runtime/leader_election.h"

namespace {

constexpr int kExitStopped = 0;
constexpr int kExitUsage = 1;
constexpr int kExitLost = 2;

// Callbacks run on two threads; one line must never interleave with another.
void Say(const std::string& line) {
  static std::mutex mu;
  std::lock_guard lock(mu);
  std::fputs((line + "\n").c_str(), stdout);
  std::fflush(stdout);
}

// "--key=value" arguments; anything else is a usage error.
bool ParseFlags(int argc, char** argv, std::map<std::string, std::string>* flags) {
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    const auto eq = arg.find('=');
    if (!arg.starts_with("--") || eq == std::string_view::npos) return false;
    (*flags)[std::string(arg.substr(2, eq - 2))] = std::string(arg.substr(eq + 1));
  }
  return true;
}

std::string Flag(const std::map<std::string, std::string>& flags, const std::string& name,
                 const std::string& fallback = "") {
  const auto it = flags.find(name);
  return it == flags.end() ? fallback : it->second;
}

int Usage(const std::string& why) {
  std::fprintf(stderr, "leader_elector_main: %s\n", why.c_str());
  return kExitUsage;
}

}  // namespace

int main(int argc, char** argv) {
  using drs::runtime::LeaderElectionConfig;
  std::map<std::string, std::string> flags;
  if (!ParseFlags(argc, argv, &flags)) return Usage("flags are --name=value");
  (void)drs::InitLogging("info", drs::LogFormat::kText);

  LeaderElectionConfig config{.lease_namespace = Flag(flags, "namespace"),
                              .lease_name = Flag(flags, "name"),
                              .identity = Flag(flags, "identity")};
  config.lease_duration = std::chrono::seconds(std::stoll(Flag(flags, "lease-duration-s", "15")));
  config.renew_deadline =
      std::chrono::milliseconds(std::stoll(Flag(flags, "renew-deadline-ms", "10000")));
  config.retry_period =
      std::chrono::milliseconds(std::stoll(Flag(flags, "retry-period-ms", "2000")));

  auto rest_config = drs::kubeclient::LoadKubeconfigFile(Flag(flags, "kubeconfig"), "");
  if (!rest_config.ok()) return Usage(rest_config.error().ToString());
  auto rest =
      drs::kubeclient::RestClient::Create(std::move(rest_config).value(), drs::RealClock::Get());
  if (!rest.ok()) return Usage(rest.error().ToString());
  drs::kubeclient::DynamicClient client(**rest);

  const std::string me = config.identity;
  drs::runtime::LeaderCallbacks callbacks{
      .on_started_leading = [me](std::stop_token) { Say("started-leading " + me); },
      .on_stopped_leading = [me] { Say("stopped-leading " + me); },
      .on_new_leader = [](const std::string& holder) { Say("new-leader " + holder); }};
  auto elector = drs::runtime::LeaderElector::Create(config, std::move(callbacks), client,
                                                     drs::RealClock::Get());
  if (!elector.ok()) return Usage(elector.error().ToString());

  // Blocked before any thread starts, so every thread inherits the mask and
  // only the signal thread's sigwait ever takes these signals.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  std::stop_source stop;
  std::jthread signal_thread([&signals, &stop] {
    int received = 0;
    sigwait(&signals, &received);
    stop.request_stop();
  });

  const drs::Status status = (*elector)->Run(stop.get_token());
  // Run ended by itself (lease lost): wake the signal thread with the signal
  // it waits for, so it can be joined.
  if (!stop.stop_requested()) pthread_kill(signal_thread.native_handle(), SIGTERM);
  signal_thread.join();
  const int code = status.ok() ? kExitStopped : kExitLost;
  Say("exiting " + std::to_string(code));
  return code;
}
