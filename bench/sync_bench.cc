// sync_bench: the object sync engine (sync::SyncNamespace, in process)
// copying one source namespace of mixed objects into an empty DR namespace,
// as a fraction of the DR API server's write ceiling measured in the same
// run; then no-change cycles over the synced namespace.
//
// Full sync: the engine lists every namespaced type of both sides (resource
// types "*", as a Replication's default), transforms each selected object
// and applies them (server-side apply; 500-object pages of a type, 16 at a
// time, types one after another). The baselines send the same desired objects
// (sync::Transform's output, read from the same source namespace before
// timing) into another fresh DR namespace:
//   curl-apply   one `curl --parallel --parallel-max P` process sending the
//                engine's own requests (PATCH apply-patch, fieldManager
//                dr-syncer, force);
//   curl-create  the same objects as plain POSTs;
//   apply-N      dr-syncer's DynamicClient::Apply from N threads (apply-16:
//                the engine's concurrency without its LISTs, transforms and
//                per-page barriers).
// The ceiling of a repetition is its fastest server-side-apply baseline
// (curl-apply or apply-N).
// Runs rotate their order each repetition, and wait for the bed's control
// planes to go idle between runs (the controller-manager makes ReplicaSets
// for every new Deployment). Clients are unthrottled (no client-side QPS).
//
// No-change cycle: SyncNamespace again on the synced namespace, right after
// the full sync and again once the bed is idle; each as a controller that just
// started (no memo) and as a running one (the SyncMemo the full sync filled,
// as the Replication controller keeps it). Writes are counted by the
// engine (report.writes) and in the DR API server's audit log (requests of
// --dr-user, the identity of --dr-kubeconfig).

#include <algorithm>
#include <iostream>
#include <map>
#include <utility>

#include "base/clock.h"
#include "base/logging.h"
#include "sync_clients.h"

namespace drs::bench {
namespace {

constexpr double kQuietTimeoutS = 180;
constexpr int kSettledCycles = 3;

std::string Spread(const std::vector<double>& v, int decimals) {
  if (v.size() == 1) return Fixed(v[0], decimals);
  return Fixed(Median(v), decimals) + " (" + Fixed(Percentile(v, 0), decimals) + "–" +
         Fixed(Percentile(v, 100), decimals) + ")";
}

std::string Cycles(const std::vector<Cycle>& cycles) {
  std::vector<double> s, cpu, w, aw, ar;
  for (const auto& c : cycles) {
    s.push_back(c.seconds);
    cpu.push_back(c.cpu_s);
    w.push_back(static_cast<double>(c.writes));
    aw.push_back(c.audit.writes);
    ar.push_back(c.audit.requests);
  }
  return Spread(s, 3) + " s | " + Spread(cpu, 3) + " s | " + Spread(w, 0) + " | " + Spread(aw, 0) +
         " / " + Spread(ar, 0);
}

std::vector<std::string> Split(const std::string& text, char separator) {
  std::vector<std::string> out;
  for (std::string item; const char c : text + separator) {
    if (c != separator) {
      item += c;
    } else if (!item.empty()) {
      out.push_back(std::exchange(item, ""));
    }
  }
  return out;
}

// What the runs of one namespace size gave.
struct SizeRuns {
  std::size_t n = 0;
  std::vector<std::string> order;                   // "engine", then the baselines
  std::map<std::string, std::vector<Timing>> runs;  // by client, one per repetition
  // No-change cycles: without the memo (a controller that just started)
  // and with the one the full sync left (a running controller).
  std::vector<Cycle> after, settled, after_memo, settled_memo;
  std::map<std::string, std::unique_ptr<sync::SyncMemo>> memos;  // by DR namespace
  std::vector<double> peak_mib, quiet_s;
  sync::SyncReport report;  // the engine's last full sync
  double seed_s = 0, seed_quiet_s = 0;
  std::size_t types = 0;

  std::vector<double> Rates(const std::string& id) const {
    std::vector<double> r;
    for (const auto& t : runs.at(id)) r.push_back(static_cast<double>(n) / t.wall_s);
    return r;
  }
};

// The engine's full sync into a fresh namespace, then a no-change cycle.
Result<std::string> EngineRun(SyncEnv& env, const std::string& src_ns, SizeRuns& s) {
  const std::string dst = UniqueName("sync-" + std::to_string(s.n));
  TrimHeap();
  ResetPeakRss();
  const auto rss = SampleMemory().rss;
  const double cpu = CpuSeconds(CpuOf::kSelf);
  auto& memo = s.memos[dst];
  memo = std::make_unique<sync::SyncMemo>();
  const auto start = std::chrono::steady_clock::now();
  DRS_ASSIGN_OR_RETURN(s.report, RunEngine(env, src_ns, dst, memo.get()));
  s.runs["engine"].push_back(
      {.wall_s = Since(start).count(), .cpu_s = CpuSeconds(CpuOf::kSelf) - cpu});
  s.peak_mib.push_back(static_cast<double>(SampleMemory().peak_rss - rss) / (1 << 20));
  if (s.report.created != static_cast<std::int64_t>(s.n) || s.report.failed != 0) {
    return InternalError("the engine created " + std::to_string(s.report.created) + " of " +
                         std::to_string(s.n) + " objects; " + std::to_string(s.report.failed) +
                         " failed");
  }
  DRS_ASSIGN_OR_RETURN(auto cycle, NoChangeCycle(env, src_ns, dst));
  s.after.push_back(cycle);
  DRS_ASSIGN_OR_RETURN(auto remembered, NoChangeCycle(env, src_ns, dst, memo.get()));
  s.after_memo.push_back(remembered);
  return dst;
}

void Print(const SizeRuns& s, int seed_workers, int reps) {
  std::cout << "\n#### " << s.n << " objects: " << MixDescription() << "; " << reps
            << (reps == 1 ? " run" : " runs, median (min–max)") << "\n\n";
  PrintRow({"client", "wall s", "objects/s", "engine ÷ client (paired)", "client CPU µs/object"});
  PrintRow({"---", "---", "---", "---", "---"});
  const auto engine = s.Rates("engine");
  std::vector<double> ceiling(engine.size(), 0);
  for (const auto& id : s.order) {
    std::vector<double> walls, cpu_us, ratios;
    const auto rates = s.Rates(id);
    for (std::size_t i = 0; i < rates.size(); ++i) {
      walls.push_back(s.runs.at(id)[i].wall_s);
      cpu_us.push_back(s.runs.at(id)[i].cpu_s * 1e6 / static_cast<double>(s.n));
      ratios.push_back(engine[i] / rates[i]);
      if (id == "curl-apply" || id.starts_with("apply-"))
        ceiling[i] = std::max(ceiling[i], rates[i]);
    }
    const bool ours = id == "engine";
    PrintRow({ours ? "**dr-syncer SyncNamespace**" : id, Spread(walls, 2), Spread(rates, 0),
              ours ? "" : Spread(ratios, 2), Spread(cpu_us, 0)});
  }
  std::vector<double> ratios;
  for (std::size_t i = 0; i < engine.size(); ++i) ratios.push_back(engine[i] / ceiling[i]);
  PrintRow({"ceiling: fastest apply baseline of each run", "", Spread(ceiling, 0),
            "**" + Spread(ratios, 2) + "**", ""});
  std::cout << "\n- seeding the source: "
            << (s.seed_s > 0 ? PerSecond(s.n, s.seed_s) + " with " + std::to_string(seed_workers) +
                                   " writers"
                             : std::string("done earlier"))
            << ", then " << Fixed(s.seed_quiet_s, 0) << " s until the bed was idle\n"
            << "- the engine read " << s.report.total << " source objects of " << s.types
            << " types and skipped " << s.report.skipped
            << " (Pods and ReplicaSets of the Deployments, kube-root-ca.crt, ServiceAccount "
               "default)\n- engine peak RSS above start (in process): "
            << Spread(s.peak_mib, 1)
            << " MiB\n- waits for an idle bed after each run: " << Spread(s.quiet_s, 1) << " s\n\n";
  PrintRow(
      {"no-change cycle", "wall", "engine CPU", "report.writes", "DR audit: writes / requests"});
  PrintRow({"---", "---", "---", "---", "---"});
  std::cout << "| right after the full sync, fresh start (" << s.after.size() << ") | "
            << Cycles(s.after) << " |\n| right after the full sync, running controller ("
            << s.after_memo.size() << ") | " << Cycles(s.after_memo)
            << " |\n| bed idle, fresh start (" << s.settled.size() << ") | " << Cycles(s.settled)
            << " |\n| bed idle, running controller (" << s.settled_memo.size() << ") | "
            << Cycles(s.settled_memo) << " |" << std::endl;
}

// Every run for one namespace size; prints its tables.
Status RunSize(SyncEnv& env, std::size_t n, int reps, const std::vector<std::string>& baselines,
               int seed_workers) {
  SizeRuns s{.n = n};
  const std::string src_ns = "src-" + std::to_string(n);
  DRS_ASSIGN_OR_RETURN(s.seed_s, SeedNamespace(*env.src.dynamic, src_ns, n, seed_workers));
  s.seed_quiet_s = WaitForQuietBed(env.bed_dir, kQuietTimeoutS);
  DRS_ASSIGN_OR_RETURN(auto objects, DesiredObjects(env, src_ns));
  if (objects.size() != n) return InternalError("the source holds an unexpected object count");
  DRS_ASSIGN_OR_RETURN(auto types, sync::SourceTypes({*env.src.dynamic, *env.src_discovery},
                                                     SpecFor(src_ns, "placeholder")));
  s.types = types.size();
  s.order = {"engine"};
  s.order.insert(s.order.end(), baselines.begin(), baselines.end());
  std::string last_dst;
  for (int rep = 0; rep < reps; ++rep) {
    for (std::size_t k = 0; k < s.order.size(); ++k) {
      const std::string& id = s.order[(k + static_cast<std::size_t>(rep)) % s.order.size()];
      if (id == "engine") {
        DRS_ASSIGN_OR_RETURN(last_dst, EngineRun(env, src_ns, s));
      } else {
        DRS_ASSIGN_OR_RETURN(auto timing, RunBaseline(env, id, objects));
        s.runs[id].push_back(timing);
      }
      s.quiet_s.push_back(WaitForQuietBed(env.bed_dir, kQuietTimeoutS));
    }
  }
  for (int i = 0; i < kSettledCycles; ++i) {
    DRS_ASSIGN_OR_RETURN(auto cycle, NoChangeCycle(env, src_ns, last_dst));
    s.settled.push_back(cycle);
    DRS_ASSIGN_OR_RETURN(auto remembered,
                         NoChangeCycle(env, src_ns, last_dst, s.memos[last_dst].get()));
    s.settled_memo.push_back(remembered);
  }
  Print(s, seed_workers, reps);
  return OkStatus();
}

int Run(const Flags& flags) {
  SyncEnv env{.bed_dir = flags.Get("testbed"),
              .curl = flags.Get("curl"),
              .dr_user = flags.Get("dr-user"),
              .parallel = static_cast<int>(flags.Int("parallel"))};
  auto src_bed = LoadBedCluster(env.bed_dir, flags.Get("source-cluster"));
  auto dr_bed = LoadBedCluster(env.bed_dir, flags.Get("dr-cluster"));
  if (!src_bed.ok() || !dr_bed.ok()) return Fail(src_bed.ok() ? dr_bed.error() : src_bed.error());
  env.dr_bed = *dr_bed;
  // The DR identity: a certificate user (scripts/testbed user), whose
  // .crt/.key sit beside its kubeconfig; else the admin.
  std::string dr_kubeconfig = flags.Get("dr-kubeconfig");
  env.identity = {.ca = dr_bed->ca, .cert = dr_bed->client_cert, .key = dr_bed->client_key};
  if (dr_kubeconfig.empty()) {
    dr_kubeconfig = dr_bed->kubeconfig;
  } else if (dr_kubeconfig.ends_with(".kubeconfig")) {
    const std::string stem = dr_kubeconfig.substr(0, dr_kubeconfig.rfind('.'));
    env.identity.cert = stem + ".crt";
    env.identity.key = stem + ".key";
  }
  auto src = MakeClients(src_bed->kubeconfig);
  auto dr = MakeClients(dr_kubeconfig);
  if (!src.ok() || !dr.ok()) return Fail(src.ok() ? dr.error() : src.error());
  env.src = std::move(*src);
  env.dr = std::move(*dr);
  env.src_discovery = std::make_unique<kubeclient::Discovery>(*env.src.rest, RealClock::Get());
  env.dr_discovery = std::make_unique<kubeclient::Discovery>(*env.dr.rest, RealClock::Get());
  for (auto* d : {env.src_discovery.get(), env.dr_discovery.get()}) {
    if (auto warm = d->PreferredResources(); !warm.ok()) return Fail(warm.error());
  }
  const auto sizes = flags.IntList("objects");
  const auto reps = flags.IntList("reps");
  const auto baselines = Split(flags.Get("baselines"), ';');
  std::cout << "\n### Object sync: full sync and no-change cycle\n";
  for (std::size_t i = 0; i < sizes.size(); ++i) {
    const auto pick = [i](const auto& v) { return v[std::min(i, v.size() - 1)]; };
    Status done = RunSize(env, static_cast<std::size_t>(sizes[i]), pick(reps),
                          Split(pick(baselines), ','), static_cast<int>(flags.Int("seed-workers")));
    if (!done.ok()) return Fail(done.error());
  }
  return 0;
}

}  // namespace
}  // namespace drs::bench

int main(int argc, char** argv) {
  using drs::bench::Fail;
  (void)drs::InitLogging("warn", drs::LogFormat::kText);
  // --objects, --reps and --baselines (';' between sizes) go per namespace
  // size; the last entry serves the sizes after it.
  auto flags = drs::bench::Flags::Parse(
      argc, argv,
      {{"testbed", ""},
       {"source-cluster", "source"},
       {"dr-cluster", "dr"},
       {"dr-kubeconfig", ""},
       {"dr-user", "testbed-admin"},
       {"objects", "1000,10000"},
       {"reps", "3,1"},
       {"baselines", "curl-apply,curl-create,apply-16,apply-8;curl-apply,apply-16,apply-8"},
       {"seed-workers", "16"},
       {"parallel", "16"},
       {"curl", "curl"}});
  if (!flags.ok()) return Fail(flags.error());
  return drs::bench::Run(*flags);
}
