#pragma once
// Shared pieces of the benchmark drivers in bench/: finding a test bed
// cluster, dr-syncer's client stack without a client-side throttle, the
// ConfigMaps every benchmark writes, wall-clock timing, order statistics,
// process memory readings and the Markdown rows the drivers print.
//
// The drivers are plain programs rather than Google Benchmark cases: they
// measure I/O against real API servers, where one run of a few seconds
// repeated a few times says more than many short iterations.
//
// Thread-safety: free functions are reentrant; BenchClients is thread-safe
// to use (its members are).

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "base/result.h"
#include "kube/group_version.h"
#include "kubeclient/dynamic_client.h"
#include "kubeclient/rest_client.h"

namespace drs::bench {

inline const kube::GroupVersionResource kConfigMaps{"", "v1", "configmaps"};
inline const kube::GroupVersionResource kNamespaces{"", "v1", "namespaces"};

// One cluster of a bed made by `scripts/testbed --dir DIR up`, read from
// DIR/testbed.json. Plain data.
struct BedCluster {
  std::string server;
  std::string kubeconfig;
  std::string ca;
  std::string client_cert;
  std::string client_key;
  std::string kubectl;
  std::string audit_log;  // logs/audit.log
};
Result<BedCluster> LoadBedCluster(const std::string& dir, const std::string& cluster);

// Runs the bed's kubectl as admin with `args` (e.g. get configmaps -n X -o
// json); returns its wall time. Fails unless it succeeds and prints a list of
// `objects` items.
Result<double> TimeKubectlList(const BedCluster& bed, std::vector<std::string> args,
                               std::size_t objects);

// dr-syncer's RestClient + DynamicClient for a kubeconfig, with the QPS
// limit raised far above anything the bed can serve so the client-side
// token bucket never throttles a benchmark.
struct BenchClients {
  std::unique_ptr<kubeclient::RestClient> rest;
  std::unique_ptr<kubeclient::DynamicClient> dynamic;
};
Result<BenchClients> MakeClients(const std::string& kubeconfig);

// Creates a namespace named PREFIX-<random>; returns its name.
Result<std::string> CreateFreshNamespace(kubeclient::DynamicClient& client,
                                         std::string_view prefix);

// ConfigMap number `index` in `ns`: three labels and `data_bytes` of data
// spread over four keys, like a small application config. `generation`
// changes the data (for updates) but not the name or labels.
nlohmann::json MakeConfigMap(const std::string& ns, std::size_t index, std::size_t data_bytes,
                             int generation = 0);
std::string ConfigMapName(std::size_t index);
// A ConfigMapList document of `objects` such ConfigMaps shaped as a server
// sends them (items without kind, with uid, resourceVersion and
// creationTimestamp), for measuring decoding with no bed.
std::string SyntheticConfigMapList(std::size_t objects, std::size_t data_bytes);

// Runs fn(i) for i in [0, count) on `workers` threads taking indices in
// order; returns the first error (every index is still attempted).
Status RunParallel(std::size_t count, int workers,
                   const std::function<Status(std::size_t index)>& fn);

using Seconds = std::chrono::duration<double>;
inline Seconds Since(std::chrono::steady_clock::time_point start) {
  return std::chrono::steady_clock::now() - start;
}

// CPU time (user + system) used so far by this process, or by its reaped
// children (getrusage).
enum class CpuOf { kSelf, kChildren };
double CpuSeconds(CpuOf who);

// Nearest-rank percentile (p in [0, 100]) of unsorted samples; 0 when empty.
double Percentile(std::vector<double> samples, double p);
inline double Median(std::vector<double> samples) { return Percentile(std::move(samples), 50); }

// Process memory, in bytes. Heap in use is malloc's own count (mallinfo2),
// exact where RSS is blurred by pages malloc keeps after a free.
struct MemorySample {
  std::int64_t rss = 0;       // VmRSS
  std::int64_t peak_rss = 0;  // VmHWM since start or the last ResetPeakRss()
  std::int64_t heap_in_use = 0;
};
MemorySample SampleMemory();
// Hands free heap pages back to the kernel (malloc_trim), so RSS drops to
// about what is in use.
void TrimHeap();
// Resets VmHWM to the current RSS (Linux: "5" > /proc/self/clear_refs).
void ResetPeakRss();

// A driver's flags: --name=value or --name value. Unknown flags are errors.
class Flags {
 public:
  // `defaults` names every accepted flag with its default value.
  static Result<Flags> Parse(int argc, char** argv, std::map<std::string, std::string> defaults);
  const std::string& Get(const std::string& name) const { return values_.at(name); }
  std::int64_t Int(const std::string& name) const { return std::stoll(Get(name)); }
  std::vector<int> IntList(const std::string& name) const;  // "1,4,16"

 private:
  std::map<std::string, std::string> values_;
};

// One row of a Markdown results table: | cells... |
void PrintRow(const std::vector<std::string>& cells);
std::string Fixed(double value, int decimals);
// "1.234 s (1.100–1.500)": the median and range of durations in seconds.
std::string SecondsSpread(const std::vector<double>& seconds);
// "8123 obj/s".
std::string PerSecond(std::size_t objects, double seconds);

// The outcome of a Result without its value.
template <typename T>
Status ToStatus(Result<T> result) {
  if (!result.ok()) {
    return std::move(result).error();
  }
  return OkStatus();
}

// Logs to stderr and returns 1, for main().
int Fail(const Error& error);

}  // namespace drs::bench
