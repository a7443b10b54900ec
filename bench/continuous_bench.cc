// continuous_bench: the dr-syncer binary with Continuous Replications.
// scripts/bench starts the binary (admin kubeconfig of the source cluster,
// --namespace=--namespace, QPS limit raised) and passes its pid and log.
// Each Replication copies a source namespace seeded by sync_bench
// ("src-<objects>", seeded here if missing) into "<it>-dr" of the DR
// cluster, reached through RemoteCluster "dr" (QPS limit raised too).
//
// Memory (--memory-ns): the controller's RSS when idle, its peak (VmHWM,
// reset first) during the first sync of the namespace, and its RSS once the
// bed is idle again — when Continuous mode's source informers hold every
// object of every watched type of the namespace.
//
// Latency (--latency NS:DEBOUNCE,...): per entry, only that namespace's
// Replication is active, with that debounce. A writer merge-patches
// --rate ConfigMaps/s of the source for --seconds, round-robin, each patch
// carrying a unique value; a kubeclient::Watch on the DR namespace's
// ConfigMaps timestamps when each value (or a later one of the same
// ConfigMap) arrives. The controller's log gives the syncs that ran.

#include <fstream>
#include <iostream>
#include <optional>
#include <thread>

#include "arrival_probe.h"
#include "base/clock.h"
#include "base/logging.h"
#include "controller_harness.h"
#include "kube/object.h"
#include "kubeclient/discovery.h"
#include "kubeclient/watch.h"
#include "sync/namespace_sync.h"
#include "sync_objects.h"

namespace drs::bench {
namespace {

using nlohmann::json;
using Clock = std::chrono::steady_clock;
constexpr double kQuietTimeoutS = 180;
// After the last change, how long its arrival is awaited before it counts
// as not seen.
constexpr auto kDrainTimeout = std::chrono::seconds(60);
constexpr int kSeedWorkers = 16;

struct Env {
  Flags flags;
  int pid = 0;
  std::string dr_kubeconfig;  // for RemoteCluster dr
  BenchClients src, dr;
  std::optional<ControllerHarness> controller;
};

std::size_t ObjectsOf(const std::string& src_ns) {
  return std::stoul(src_ns.substr(src_ns.rfind('-') + 1));
}

// The objects of every type Continuous mode watches in `src_ns`, and their
// size as compact JSON.
struct Watched {
  std::size_t objects = 0;
  std::size_t types = 0;
  std::size_t json_bytes = 0;
};
Result<Watched> WatchedObjects(Env& env, const std::string& src_ns) {
  kubeclient::Discovery discovery(*env.src.rest, RealClock::Get());
  sync::NamespaceSyncSpec spec;
  spec.transform.source_namespace = src_ns;
  DRS_ASSIGN_OR_RETURN(auto types, sync::SourceTypes({*env.src.dynamic, discovery}, spec));
  Watched w{.types = types.size()};
  for (const auto& gvr : types) {
    DRS_ASSIGN_OR_RETURN(auto list, env.src.dynamic->ListAll(gvr, src_ns));
    w.objects += list.items.size();
    for (const auto& item : list.items) w.json_bytes += item.dump().size();
  }
  return w;
}

Status Memory(Env& env, const std::string& src_ns) {
  const std::size_t n = ObjectsOf(src_ns);
  DRS_RETURN_IF_ERROR(ToStatus(SeedNamespace(*env.src.dynamic, src_ns, n, kSeedWorkers)));
  WaitForQuietBed(env.flags.Get("testbed"), kQuietTimeoutS);
  const auto idle = ProcessMemory(env.pid);
  const bool reset = ResetProcessPeakRss(env.pid);
  std::int64_t max_rss = idle.rss;
  const auto start = Clock::now();
  DRS_ASSIGN_OR_RETURN(auto status, env.controller->Activate(src_ns, "0s", &max_rss));
  const double first_sync_s = Since(start).count();
  const auto peak = ProcessMemory(env.pid).peak_rss;
  WaitForQuietBed(env.flags.Get("testbed"), kQuietTimeoutS);
  const auto after = ProcessMemory(env.pid);
  DRS_ASSIGN_OR_RETURN(const Watched watched, WatchedObjects(env, src_ns));
  const auto mib = [](std::int64_t b) { return Fixed(static_cast<double>(b) / (1 << 20), 1); };
  std::cout << "\n### Controller memory: dr-syncer binary, Continuous Replication of " << n
            << " objects\n\n";
  PrintRow({"idle RSS", "peak RSS during the first sync (VmHWM)", "RSS after, bed idle",
            "growth per watched object", "watched: objects, types, size as JSON"});
  PrintRow({"---", "---", "---", "---", "---"});
  const double per_object =
      static_cast<double>(after.rss - idle.rss) / static_cast<double>(watched.objects);
  PrintRow({mib(idle.rss) + " MiB",
            reset ? mib(peak) + " MiB" : mib(max_rss) + " MiB (sampled: VmHWM reset refused)",
            mib(after.rss) + " MiB", Fixed(per_object, 0) + " B",
            std::to_string(watched.objects) + ", " + std::to_string(watched.types) + ", " +
                mib(static_cast<std::int64_t>(watched.json_bytes)) + " MiB"});
  const auto counts = status.value("counts", json::object());
  std::cout << "\n- first sync through the binary: " << Fixed(first_sync_s, 1)
            << " s from creating the Replication to its status (lastSyncDuration "
            << status.value("lastSyncDuration", "?") << "), " << counts.value("created", 0)
            << " created, " << PerSecond(n, first_sync_s) << "\n";
  return OkStatus();
}

// Syncs the controller logged (--log-format=json) for Replication `key`
// after byte `from`: their durations in seconds.
std::vector<double> LoggedSyncs(const std::string& log, std::uintmax_t from,
                                const std::string& key) {
  std::ifstream in(log);
  in.seekg(static_cast<std::streamoff>(from));
  std::vector<double> seconds;
  for (std::string line; std::getline(in, line);) {
    const json e = json::parse(line, nullptr, false);
    // Full syncs and Continuous mode's targeted ones.
    const std::string msg = e.is_object() ? e.value("msg", "") : "";
    if ((msg == "sync finished" || msg == "changed objects synced") &&
        e.value("replication", "") == key) {
      seconds.push_back(std::stod(e.value("seconds", "0")));
    }
  }
  return seconds;
}

Status Latency(Env& env, const std::string& src_ns, const std::string& debounce, int run) {
  const std::size_t n = ObjectsOf(src_ns);
  DRS_RETURN_IF_ERROR(ToStatus(SeedNamespace(*env.src.dynamic, src_ns, n, kSeedWorkers)));
  DRS_RETURN_IF_ERROR(ToStatus(env.controller->Activate(src_ns, debounce)));
  WaitForQuietBed(env.flags.Get("testbed"), kQuietTimeoutS);
  const auto names = MixedConfigMapNames(n);
  const double rate = static_cast<double>(env.flags.Int("rate"));
  const auto changes =
      static_cast<std::size_t>(rate * static_cast<double>(env.flags.Int("seconds")));
  const std::string tag = "run" + std::to_string(run) + "-";
  const std::string dst_ns = src_ns + "-dr";
  ArrivalProbe probe(changes);
  DRS_ASSIGN_OR_RETURN(auto head, env.dr.dynamic->List(kConfigMaps, dst_ns, {.limit = 1}));
  std::jthread watcher([&](std::stop_token stop) {
    kubeclient::WatchOptions options{.resource_version = head.resource_version,
                                     .timeout = std::chrono::seconds(600)};
    auto ended = kubeclient::Watch(
        *env.dr.rest, kConfigMaps, dst_ns, options,
        [&](auto&& e) {
          const std::string value = e.object.value("data", json::object()).value("bench-seq", "");
          if (value.starts_with(tag))
            probe.Seen(kube::Name(e.object), std::stoul(value.substr(tag.size())));
          return true;
        },
        stop);
    if (!ended.ok() && !stop.stop_requested())
      std::cerr << "watch ended: " << ended.error() << "\n";
  });
  const std::string log = env.flags.Get("controller-log");
  const auto log_from = AuditLogSize(log);
  const auto start = Clock::now();
  for (std::size_t i = 0; i < changes; ++i) {
    std::this_thread::sleep_until(
        start + std::chrono::duration_cast<Clock::duration>(
                    std::chrono::duration<double>(static_cast<double>(i) / rate)));
    const std::string& name = names[i % names.size()];
    probe.Sent(name, i, Clock::now());
    const json patch = {{"data", {{"bench-seq", tag + std::to_string(i)}}}};
    DRS_RETURN_IF_ERROR(ToStatus(
        env.src.dynamic->Patch(kConfigMaps, src_ns, name, kubeclient::PatchType::kMerge, patch)));
  }
  const double send_s = Since(start).count();
  env.controller->PollFor([&] { return probe.seen() == changes; }, kDrainTimeout);
  watcher.request_stop();
  watcher.join();
  const auto ms = probe.Latencies();
  const auto syncs = LoggedSyncs(log, log_from, env.controller->Key(src_ns));
  PrintRow({std::to_string(n), debounce, std::to_string(changes) + " in " + Fixed(send_s, 1) + " s",
            Fixed(Percentile(ms, 50), 0), Fixed(Percentile(ms, 90), 0),
            "**" + Fixed(Percentile(ms, 99), 0) + "**", Fixed(Percentile(ms, 100), 0),
            std::to_string(changes - ms.size()),
            std::to_string(syncs.size()) + ", " + Fixed(Median(syncs), 2) + " s"});
  return OkStatus();
}

int Run(Env& env) {
  if (Status s = env.controller->ConnectDestination(env.dr_kubeconfig); !s.ok()) {
    return Fail(s.error());
  }
  const std::string memory_ns = env.flags.Get("memory-ns");
  if (!memory_ns.empty()) {
    if (Status s = Memory(env, memory_ns); !s.ok()) return Fail(s.error());
  }
  std::cout << "\n### Continuous mode: source write → visible in DR, ms (" << env.flags.Get("rate")
            << " ConfigMap patches/s for " << env.flags.Get("seconds") << " s)\n\n";
  PrintRow({"objects in namespace", "debounce", "changes sent", "p50", "p90", "p99", "max",
            "not seen", "syncs in the window, median duration"});
  PrintRow({"---", "---", "---", "---", "---", "---", "---", "---", "---"});
  int run = 0;
  for (std::string entry; const char c : env.flags.Get("latency") + ",") {
    if (c != ',') {
      entry += c;
      continue;
    }
    if (entry.empty()) continue;
    const auto colon = entry.find(':');
    Status s = Latency(env, entry.substr(0, colon), entry.substr(colon + 1), run++);
    if (!s.ok()) return Fail(s.error());
    entry.clear();
  }
  return 0;
}

}  // namespace
}  // namespace drs::bench

int main(int argc, char** argv) {
  using namespace drs::bench;
  (void)drs::InitLogging("warn", drs::LogFormat::kText);
  auto flags = Flags::Parse(argc, argv,
                            {{"testbed", ""},
                             {"source-cluster", "source"},
                             {"dr-cluster", "dr"},
                             {"dr-kubeconfig", ""},
                             {"controller-pid", "0"},
                             {"controller-log", ""},
                             {"namespace", "drs-bench"},
                             {"memory-ns", "src-10000"},
                             {"latency", "src-10000:0s,src-1000:0s,src-1000:1s"},
                             {"rate", "50"},
                             {"seconds", "20"}});
  if (!flags.ok()) return Fail(flags.error());
  Env env{.flags = *flags,
          .pid = static_cast<int>(flags->Int("controller-pid")),
          .dr_kubeconfig = flags->Get("dr-kubeconfig")};
  auto src_bed = LoadBedCluster(flags->Get("testbed"), flags->Get("source-cluster"));
  auto dr_bed = LoadBedCluster(flags->Get("testbed"), flags->Get("dr-cluster"));
  if (!src_bed.ok() || !dr_bed.ok()) return Fail(src_bed.ok() ? dr_bed.error() : src_bed.error());
  if (env.dr_kubeconfig.empty()) env.dr_kubeconfig = dr_bed->kubeconfig;
  auto src = MakeClients(src_bed->kubeconfig);
  auto dr = MakeClients(dr_bed->kubeconfig);
  if (!src.ok() || !dr.ok()) return Fail(src.ok() ? dr.error() : src.error());
  env.src = std::move(*src);
  env.dr = std::move(*dr);
  env.controller.emplace(*env.src.dynamic, flags->Get("namespace"), env.pid);
  return Run(env);
}
