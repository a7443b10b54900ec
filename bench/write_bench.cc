// write_bench: create and update throughput of dr-syncer's DynamicClient with
// N concurrent workers, as a fraction of the API server's write ceiling
// measured in the same run by a plain parallel client.
//
// dr-syncer: N threads share one DynamicClient (QPS limit lifted); each takes
// the next index and POSTs (create) or PUTs (update, no resourceVersion: an
// unconditional update) ConfigMap i. The transport keeps one connection per
// concurrent request, as a pool of curl handles.
//
// Baseline (--baseline parallel, the default): one `curl --parallel
// --parallel-max N` process with a config file (-K) listing the same
// requests with the same bodies and the admin client certificate; curl
// multiplexes up to N transfers as HTTP/2 streams on one connection.
// --baseline processes: N curl processes instead, each with its share
// (index % N) over one reused connection — our connection model, but curl
// then spends about twice our CPU per write, so it is the softer ceiling.
// Every reply's status is counted: a run with any non-2xx answer fails the
// benchmark rather than reporting a rate.
//
// Each run writes into a fresh namespace; runs alternate which client goes
// first, so drift in the bed (etcd growing, compaction) falls on both.

#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "base/logging.h"
#include "base/subprocess.h"
#include "bench_support.h"

namespace drs::bench {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;
constexpr auto kCurlTimeout = std::chrono::minutes(5);

// Wall time and the client's CPU time (user + system) of each phase.
struct Phase {
  double create_s = 0;
  double update_s = 0;
  double create_cpu_s = 0;
  double update_cpu_s = 0;
};

Result<Phase> RunOurs(kubeclient::DynamicClient& client, const std::string& ns, std::size_t n,
                      int workers, std::size_t data_bytes) {
  Phase p;
  auto start = Clock::now();
  double cpu = CpuSeconds(CpuOf::kSelf);
  DRS_RETURN_IF_ERROR(RunParallel(n, workers, [&](std::size_t i) -> Status {
    auto r = client.Create(kConfigMaps, ns, MakeConfigMap(ns, i, data_bytes));
    return r.ok() ? OkStatus() : Status(std::move(r).error());
  }));
  p.create_s = Since(start).count();
  p.create_cpu_s = CpuSeconds(CpuOf::kSelf) - cpu;
  start = Clock::now();
  cpu = CpuSeconds(CpuOf::kSelf);
  DRS_RETURN_IF_ERROR(RunParallel(n, workers, [&](std::size_t i) -> Status {
    auto r = client.Update(kConfigMaps, ns, MakeConfigMap(ns, i, data_bytes, 1));
    return r.ok() ? OkStatus() : Status(std::move(r).error());
  }));
  p.update_s = Since(start).count();
  p.update_cpu_s = CpuSeconds(CpuOf::kSelf) - cpu;
  return p;
}

// Writes the bodies and one curl config per worker; returns the configs.
std::vector<std::string> WriteCurlConfigs(const BedCluster& bed, const fs::path& dir,
                                          const std::string& ns, std::size_t n, int files,
                                          std::size_t data_bytes, bool update) {
  const std::string kind = update ? "update" : "create";
  const std::string base = bed.server + "/api/v1/namespaces/" + ns + "/configmaps";
  std::vector<std::ofstream> configs;
  std::vector<std::string> paths;
  for (int w = 0; w < files; ++w) {
    paths.push_back(dir / (kind + "-" + std::to_string(w) + ".curlrc"));
    configs.emplace_back(paths.back());
  }
  for (std::size_t i = 0; i < n; ++i) {
    const fs::path body = dir / (kind + "-" + std::to_string(i) + ".json");
    std::ofstream(body) << MakeConfigMap(ns, i, data_bytes, update ? 1 : 0).dump();
    std::ofstream& c = configs[i % static_cast<std::size_t>(files)];
    if (c.tellp() > 0) {
      c << "next\n";  // options below apply to the next URL only
    }
    c << "url = \"" << (update ? base + "/" + ConfigMapName(i) : base) << "\"\n"
      << "request = \"" << (update ? "PUT" : "POST") << "\"\n"
      << "data-binary = \"@" << body.string() << "\"\n"
      << "header = \"Content-Type: application/json\"\n"
      << "cacert = \"" << bed.ca << "\"\ncert = \"" << bed.client_cert << "\"\n"
      << "key = \"" << bed.client_key << "\"\n"
      << "output = \"/dev/null\"\nsilent\nwrite-out = \"%{http_code}\\n\"\n";
  }
  return paths;
}

struct Timed {
  double wall_s = 0;
  double cpu_s = 0;
};

// Runs `command --config C` for every config C at once; returns the wall
// time and the processes' CPU time.
Result<Timed> RunCurls(const std::vector<std::string>& command,
                       const std::vector<std::string>& configs, std::size_t n, int expected_code) {
  std::vector<Result<ProcessResult>> results(configs.size(), InternalError("not run"));
  const double cpu = CpuSeconds(CpuOf::kChildren);
  const auto start = Clock::now();
  {
    std::vector<std::jthread> threads;
    for (std::size_t w = 0; w < configs.size(); ++w) {
      threads.emplace_back([&, w] {
        ProcessSpec spec{.argv = command, .timeout = kCurlTimeout};
        spec.argv.insert(spec.argv.end(), {"--config", configs[w]});
        results[w] = RunProcess(spec, {});
      });
    }
  }
  const Timed t{.wall_s = Since(start).count(), .cpu_s = CpuSeconds(CpuOf::kChildren) - cpu};
  std::size_t ok = 0;
  for (auto& r : results) {
    if (!r.ok()) {
      return std::move(r).error();
    }
    if (!r->Succeeded()) {
      return InternalError("curl failed: " + r->stderr_data);
    }
    std::istringstream codes(r->stdout_data);
    for (int code = 0; codes >> code;) {
      if (code != expected_code) {
        return InternalError("curl got HTTP " + std::to_string(code));
      }
      ++ok;
    }
  }
  if (ok != n) {
    return InternalError("curl made " + std::to_string(ok) + " of " + std::to_string(n) +
                         " writes");
  }
  return t;
}

// The plain client: curl, either one process multiplexing N transfers over
// one HTTP/2 connection (--parallel), or N processes of one connection each.
struct CurlBaseline {
  std::string curl;
  bool multiplexed = true;
};

Result<Phase> RunCurlBaseline(const BedCluster& bed, const CurlBaseline& baseline,
                              const std::string& ns, std::size_t n, int workers,
                              std::size_t data_bytes, const fs::path& tmp) {
  const fs::path dir = tmp / ns;
  fs::create_directories(dir);
  constexpr int kCreated = 201;
  constexpr int kOk = 200;
  const int files = baseline.multiplexed ? 1 : workers;
  const auto creates = WriteCurlConfigs(bed, dir, ns, n, files, data_bytes, false);
  const auto updates = WriteCurlConfigs(bed, dir, ns, n, files, data_bytes, true);
  std::vector<std::string> command = {baseline.curl};
  if (baseline.multiplexed) {
    command.insert(command.end(),
                   {"--silent", "--parallel", "--parallel-max", std::to_string(workers)});
  }
  DRS_ASSIGN_OR_RETURN(const Timed create, RunCurls(command, creates, n, kCreated));
  DRS_ASSIGN_OR_RETURN(const Timed update, RunCurls(command, updates, n, kOk));
  fs::remove_all(dir);
  return Phase{.create_s = create.wall_s,
               .update_s = update.wall_s,
               .create_cpu_s = create.cpu_s,
               .update_cpu_s = update.cpu_s};
}

struct Series {
  std::vector<double> create_rate, update_rate;
  std::vector<double> create_cpu_us, update_cpu_us;  // client CPU per write
  void Add(const Phase& p, std::size_t n) {
    const auto writes = static_cast<double>(n);
    create_rate.push_back(writes / p.create_s);
    update_rate.push_back(writes / p.update_s);
    create_cpu_us.push_back(p.create_cpu_s * 1e6 / writes);
    update_cpu_us.push_back(p.update_cpu_s * 1e6 / writes);
  }
};

// The median of the per-repetition ratios: each pair ran back to back, so
// pairing cancels much of the drift between repetitions.
double PairedRatio(const std::vector<double>& ours, const std::vector<double>& base) {
  std::vector<double> ratios;
  for (std::size_t i = 0; i < ours.size() && i < base.size(); ++i) {
    ratios.push_back(ours[i] / base[i]);
  }
  return Median(ratios);
}

std::string Rates(const std::vector<double>& r) {
  return Fixed(Median(r), 0) + " (" + Fixed(Percentile(r, 0), 0) + "–" +
         Fixed(Percentile(r, 100), 0) + ")";
}

int Run(const Flags& flags) {
  const auto n = static_cast<std::size_t>(flags.Int("objects"));
  const auto data_bytes = static_cast<std::size_t>(flags.Int("data-bytes"));
  const auto reps = static_cast<int>(flags.Int("reps"));
  auto bed = LoadBedCluster(flags.Get("testbed"), flags.Get("cluster"));
  if (!bed.ok()) {
    return Fail(bed.error());
  }
  auto clients = MakeClients(bed->kubeconfig);
  if (!clients.ok()) {
    return Fail(clients.error());
  }
  kubeclient::DynamicClient& client = *clients->dynamic;
  const CurlBaseline baseline{.curl = flags.Get("curl"),
                              .multiplexed = flags.Get("baseline") == "parallel"};
  const fs::path tmp = fs::temp_directory_path() / ("drs-write-bench-" + std::to_string(getpid()));

  std::cout << "\n### Writes: " << n << " ConfigMaps per run (" << data_bytes
            << " B data), objects/s, median of " << reps << " (min–max); baseline: curl "
            << (baseline.multiplexed ? "--parallel (one process, HTTP/2 streams)"
                                     : "processes (one connection each)")
            << "\n\n";
  PrintRow({"workers", "op", "dr-syncer", "curl baseline", "ratio",
            "client CPU µs/write, dr-syncer / curl"});
  PrintRow({"---", "---", "---", "---", "---", "---"});
  for (const int workers : flags.IntList("workers")) {
    Series ours, curl;
    for (int rep = 0; rep < reps; ++rep) {
      for (int turn = 0; turn < 2; ++turn) {
        const bool ours_turn = (turn == 0) == (rep % 2 == 0);
        auto ns = CreateFreshNamespace(client, ours_turn ? "bench-w-ours" : "bench-w-curl");
        if (!ns.ok()) {
          return Fail(ns.error());
        }
        auto phase = ours_turn ? RunOurs(client, *ns, n, workers, data_bytes)
                               : RunCurlBaseline(*bed, baseline, *ns, n, workers, data_bytes, tmp);
        if (!phase.ok()) {
          return Fail(phase.error());
        }
        (ours_turn ? ours : curl).Add(*phase, n);
      }
    }
    const std::string w = std::to_string(workers);
    PrintRow({w, "create", Rates(ours.create_rate), Rates(curl.create_rate),
              Fixed(PairedRatio(ours.create_rate, curl.create_rate), 2),
              Fixed(Median(ours.create_cpu_us), 0) + " / " + Fixed(Median(curl.create_cpu_us), 0)});
    PrintRow({w, "update", Rates(ours.update_rate), Rates(curl.update_rate),
              Fixed(PairedRatio(ours.update_rate, curl.update_rate), 2),
              Fixed(Median(ours.update_cpu_us), 0) + " / " + Fixed(Median(curl.update_cpu_us), 0)});
  }
  fs::remove_all(tmp);
  return 0;
}

}  // namespace
}  // namespace drs::bench

int main(int argc, char** argv) {
  using drs::bench::Fail;
  (void)drs::InitLogging("warn", drs::LogFormat::kText);
  auto flags = drs::bench::Flags::Parse(argc, argv,
                                        {{"testbed", ""},
                                         {"cluster", "bench"},
                                         {"objects", "1000"},
                                         {"data-bytes", "300"},
                                         {"workers", "1,4,16"},
                                         {"reps", "3"},
                                         {"curl", "curl"},
                                         {"baseline", "parallel"}});
  if (!flags.ok()) {
    return Fail(flags.error());
  }
  return drs::bench::Run(*flags);
}
