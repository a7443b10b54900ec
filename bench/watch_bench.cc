// watch_bench: latency from a write to the API server until dr-syncer's
// event handler sees it, over --writes sequential writes (after --warmup
// unrecorded ones).
//
// A writer thread merge-patches a probe ConfigMap with a sequence number and
// a steady_clock timestamp taken just before the PATCH is sent; the handler
// (same process, same clock) records now - timestamp. The writer waits for
// the handler to see each write before the next one, so events never queue
// behind each other. The baseline in the same run is the PATCH round trip
// itself: the write's own latency, which the watch latency contains.
//
// Paths measured:
//   watch:    kubeclient::Watch — the bare stream decoder, handler per event.
//   informer: runtime::Informer — reflector (LIST, then WATCH), Store
//             update, then the on_update handler.

#include <chrono>
#include <condition_variable>
#include <iostream>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "base/clock.h"
#include "base/logging.h"
#include "bench_support.h"
#include "kube/object.h"
#include "kubeclient/watch.h"
#include "runtime/informer.h"

namespace drs::bench {
namespace {

using nlohmann::json;
using Clock = std::chrono::steady_clock;
constexpr auto kEventDeadline = std::chrono::seconds(10);
constexpr auto kSyncTimeout = std::chrono::seconds(30);

std::int64_t NowNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now().time_since_epoch())
      .count();
}

// What the handler saw. Thread-safe.
class Probe {
 public:
  Probe(std::string name, std::size_t writes) : name_(std::move(name)), latency_ms_(writes) {}

  void OnObject(const json& obj) {
    const std::int64_t now = NowNs();
    if (kube::Name(obj) != name_) {
      return;
    }
    const auto data = obj.value("data", json::object());
    const auto seq = std::stoll(data.value("seq", "-1"));
    const auto sent = std::stoll(data.value("t", "0"));
    std::lock_guard lock(mu_);
    if (seq <= seen_ || seq >= static_cast<std::int64_t>(latency_ms_.size())) {
      return;
    }
    seen_ = seq;
    latency_ms_[static_cast<std::size_t>(seq)] = static_cast<double>(now - sent) / 1e6;
    cv_.notify_all();
  }

  bool WaitFor(std::int64_t seq) {
    std::unique_lock lock(mu_);
    return cv_.wait_for(lock, kEventDeadline, [&] { return seen_ >= seq; });
  }

  // REQUIRES: every write was seen.
  std::vector<double> Latencies(std::size_t skip) {
    std::lock_guard lock(mu_);
    return {latency_ms_.begin() + static_cast<std::ptrdiff_t>(skip), latency_ms_.end()};
  }

 private:
  const std::string name_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::int64_t seen_ = -1;          // guarded by mu_
  std::vector<double> latency_ms_;  // guarded by mu_, indexed by seq
};

struct Samples {
  std::vector<double> latency_ms;
  std::vector<double> rtt_ms;
};

// Writes seq 0..total-1 into the probe, one at a time.
Result<std::vector<double>> WriteAll(kubeclient::DynamicClient& client, const std::string& ns,
                                     const std::string& name, std::size_t total, std::size_t warmup,
                                     Probe& probe) {
  std::vector<double> rtt_ms;
  for (std::size_t i = 0; i < total; ++i) {
    const std::int64_t sent = NowNs();
    const json patch = {{"data", {{"seq", std::to_string(i)}, {"t", std::to_string(sent)}}}};
    auto r = client.Patch(kConfigMaps, ns, name, kubeclient::PatchType::kMerge, patch);
    if (!r.ok()) {
      return std::move(r).error();
    }
    if (i >= warmup) {
      rtt_ms.push_back(static_cast<double>(NowNs() - sent) / 1e6);
    }
    if (!probe.WaitFor(static_cast<std::int64_t>(i))) {
      return DeadlineExceededError("write " + std::to_string(i) + " never reached the handler");
    }
  }
  return rtt_ms;
}

Result<std::string> CreateProbe(kubeclient::DynamicClient& client, const std::string& ns,
                                const std::string& name) {
  const json cm = {{"apiVersion", "v1"},
                   {"kind", "ConfigMap"},
                   {"metadata", {{"name", name}, {"namespace", ns}}},
                   {"data", {{"seq", "-1"}, {"t", "0"}}}};
  DRS_ASSIGN_OR_RETURN(auto created, client.Create(kConfigMaps, ns, cm));
  return kube::ResourceVersion(created);
}

Result<Samples> ViaWatch(BenchClients& c, const std::string& ns, std::size_t total,
                         std::size_t warmup) {
  const std::string name = "probe-watch";
  DRS_ASSIGN_OR_RETURN(const std::string rv, CreateProbe(*c.dynamic, ns, name));
  Probe probe(name, total);
  std::jthread watcher([&](const std::stop_token& stop) {
    const auto handler = [&](kubeclient::WatchEvent&& e) {
      probe.OnObject(e.object);
      return true;
    };
    while (!stop.stop_requested()) {
      (void)kubeclient::Watch(*c.rest, kConfigMaps, ns, {.resource_version = rv}, handler, stop);
    }
  });
  DRS_ASSIGN_OR_RETURN(auto rtt, WriteAll(*c.dynamic, ns, name, total, warmup, probe));
  return Samples{probe.Latencies(warmup), std::move(rtt)};
}

Result<Samples> ViaInformer(BenchClients& c, const std::string& ns, std::size_t total,
                            std::size_t warmup) {
  const std::string name = "probe-informer";
  DRS_RETURN_IF_ERROR(CreateProbe(*c.dynamic, ns, name));
  Probe probe(name, total);
  runtime::Informer informer(*c.dynamic, RealClock::Get(),
                             runtime::ReflectorOptions{.gvr = kConfigMaps, .ns = ns});
  informer.AddEventHandlers(
      {.on_update = [&](const runtime::ObjectPtr&, const runtime::ObjectPtr& obj) {
        probe.OnObject(*obj);
      }});
  informer.Start();
  if (!informer.WaitForSync({}, kSyncTimeout)) {
    return DeadlineExceededError("the informer did not sync");
  }
  auto rtt = WriteAll(*c.dynamic, ns, name, total, warmup, probe);
  informer.Stop();
  if (!rtt.ok()) {
    return std::move(rtt).error();
  }
  return Samples{probe.Latencies(warmup), std::move(rtt).value()};
}

void PrintResult(const std::string& path, const Samples& r) {
  const auto& l = r.latency_ms;
  PrintRow({path, Fixed(Percentile(l, 50), 2), Fixed(Percentile(l, 90), 2),
            Fixed(Percentile(l, 99), 2), Fixed(Percentile(l, 100), 2),
            Fixed(Percentile(r.rtt_ms, 50), 2) + " / " + Fixed(Percentile(r.rtt_ms, 99), 2),
            Fixed(Percentile(l, 50) / Percentile(r.rtt_ms, 50), 2)});
}

int Run(const Flags& flags) {
  const auto writes = static_cast<std::size_t>(flags.Int("writes"));
  const auto warmup = static_cast<std::size_t>(flags.Int("warmup"));
  auto bed = LoadBedCluster(flags.Get("testbed"), flags.Get("cluster"));
  if (!bed.ok()) {
    return Fail(bed.error());
  }
  auto clients = MakeClients(bed->kubeconfig);
  if (!clients.ok()) {
    return Fail(clients.error());
  }
  auto ns = CreateFreshNamespace(*clients->dynamic, "bench-watch");
  if (!ns.ok()) {
    return Fail(ns.error());
  }

  auto watch = ViaWatch(*clients, *ns, warmup + writes, warmup);
  if (!watch.ok()) {
    return Fail(watch.error());
  }
  auto informer = ViaInformer(*clients, *ns, warmup + writes, warmup);
  if (!informer.ok()) {
    return Fail(informer.error());
  }

  std::cout << "\n### Watch latency: write sent → handler called, ms, " << writes
            << " sequential writes (after " << warmup << " warm-up)\n\n";
  PrintRow({"path", "p50", "p90", "p99", "max", "PATCH round trip p50 / p99", "p50 / RTT p50"});
  PrintRow({"---", "---", "---", "---", "---", "---", "---"});
  PrintResult("kubeclient::Watch", *watch);
  PrintResult("runtime::Informer (reflector + store)", *informer);
  return 0;
}

}  // namespace
}  // namespace drs::bench

int main(int argc, char** argv) {
  using drs::bench::Fail;
  (void)drs::InitLogging("warn", drs::LogFormat::kText);
  auto flags = drs::bench::Flags::Parse(
      argc, argv, {{"testbed", ""}, {"cluster", "bench"}, {"writes", "500"}, {"warmup", "20"}});
  if (!flags.ok()) {
    return Fail(flags.error());
  }
  return drs::bench::Run(*flags);
}
