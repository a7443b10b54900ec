#include "bench_support.h"

#include <malloc.h>
#include <sys/resource.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <fstream>
#include <iostream>
#include <mutex>
#include <optional>
#include <random>
#include <sstream>
#include <thread>

#include "base/clock.h"
#include "base/subprocess.h"
#include "kubeclient/kubeconfig.h"

namespace drs::bench {
namespace {

// Far above what two cores of API server can serve: the client-side limit
// must never be what a benchmark measures.
constexpr double kUnthrottledQps = 1e6;
constexpr int kUnthrottledBurst = 1'000'000;
constexpr int kDataKeys = 4;
// Room for kubectl's indented JSON of 10k small ConfigMaps (tens of MB) so
// its items can be counted; anything beyond is read and dropped.
constexpr std::size_t kKubectlOutputLimit = std::size_t{256} << 20;
constexpr auto kKubectlTimeout = std::chrono::minutes(2);

std::int64_t StatusKiB(const std::string& status, std::string_view field) {
  const auto at = status.find(field);
  if (at == std::string::npos) {
    return 0;
  }
  return std::stoll(status.substr(at + field.size())) * 1024;
}

}  // namespace

Result<BedCluster> LoadBedCluster(const std::string& dir, const std::string& cluster) {
  const std::string path = dir + "/testbed.json";
  std::ifstream in(path);
  if (!in) {
    return NotFoundError("cannot read " + path + "; is the bed up (scripts/testbed up)?");
  }
  try {
    const auto doc = nlohmann::json::parse(in);
    const auto& c = doc.at("clusters").at(cluster);
    return BedCluster{.server = c.at("server").get<std::string>(),
                      .kubeconfig = c.at("kubeconfig").get<std::string>(),
                      .ca = c.at("ca").get<std::string>(),
                      .client_cert = c.at("clientCert").get<std::string>(),
                      .client_key = c.at("clientKey").get<std::string>(),
                      .kubectl = doc.at("kubectl").get<std::string>(),
                      .audit_log = c.at("auditLog").get<std::string>()};
  } catch (const nlohmann::json::exception& e) {
    return InvalidError(path + ": " + e.what());
  }
}

// Runs kubectl with `args` against the bed; returns its wall time. The
// output must be a list of `objects` items.
Result<double> TimeKubectlList(const BedCluster& bed, std::vector<std::string> args,
                               std::size_t objects) {
  ProcessSpec spec{.argv = {bed.kubectl, "--kubeconfig", bed.kubeconfig},
                   .timeout = kKubectlTimeout,
                   .max_stdout_bytes = kKubectlOutputLimit};
  spec.argv.insert(spec.argv.end(), args.begin(), args.end());
  const auto start = std::chrono::steady_clock::now();
  DRS_ASSIGN_OR_RETURN(auto result, RunProcess(spec, {}));
  const double seconds = Since(start).count();
  if (!result.Succeeded()) {
    return InternalError("kubectl failed: " + result.stderr_data);
  }
  const auto doc = nlohmann::json::parse(result.stdout_data, nullptr, false);
  if (doc.is_discarded() || doc.value("items", nlohmann::json::array()).size() != objects) {
    return InternalError("kubectl did not return " + std::to_string(objects) + " items");
  }
  return seconds;
}

Result<BenchClients> MakeClients(const std::string& kubeconfig) {
  DRS_ASSIGN_OR_RETURN(auto config, kubeclient::LoadKubeconfigFile(kubeconfig, ""));
  config.qps = kUnthrottledQps;
  config.burst = kUnthrottledBurst;
  BenchClients clients;
  DRS_ASSIGN_OR_RETURN(clients.rest,
                       kubeclient::RestClient::Create(std::move(config), RealClock::Get()));
  clients.dynamic = std::make_unique<kubeclient::DynamicClient>(*clients.rest);
  return clients;
}

Result<std::string> CreateFreshNamespace(kubeclient::DynamicClient& client,
                                         std::string_view prefix) {
  static constexpr std::string_view kAlphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
  static constexpr int kSuffixLength = 6;
  std::random_device seed;
  std::mt19937 gen(seed());
  std::uniform_int_distribution<std::size_t> pick(0, kAlphabet.size() - 1);
  std::string name(prefix);
  name += '-';
  for (int i = 0; i < kSuffixLength; ++i) {
    name += kAlphabet[pick(gen)];
  }
  const nlohmann::json ns = {
      {"apiVersion", "v1"}, {"kind", "Namespace"}, {"metadata", {{"name", name}}}};
  auto created = client.Create(kNamespaces, "", ns);
  if (!created.ok()) {
    return std::move(created).error();
  }
  return name;
}

std::string ConfigMapName(std::size_t index) { return "cm-" + std::to_string(index); }

nlohmann::json MakeConfigMap(const std::string& ns, std::size_t index, std::size_t data_bytes,
                             int generation) {
  nlohmann::json data = nlohmann::json::object();
  const std::size_t per_key = data_bytes / kDataKeys;
  for (int k = 0; k < kDataKeys; ++k) {
    std::string value = "v" + std::to_string(generation) + "-" + std::to_string(index) + "-";
    // Printable, varied filler so the payload looks like config text.
    while (value.size() < per_key) {
      value +=
          static_cast<char>('a' + (value.size() * 7 + index + static_cast<std::size_t>(k)) % 26);
    }
    data["setting-" + std::to_string(k)] = std::move(value);
  }
  return {{"apiVersion", "v1"},
          {"kind", "ConfigMap"},
          {"metadata",
           {{"name", ConfigMapName(index)},
            {"namespace", ns},
            {"labels",
             {{"app.kubernetes.io/name", "bench"},
              {"app.kubernetes.io/part-of", "dr-syncer-bench"},
              {"shard", std::to_string(index % 16)}}}}},
          {"data", std::move(data)}};
}

std::string SyntheticConfigMapList(std::size_t objects, std::size_t data_bytes) {
  nlohmann::json items = nlohmann::json::array();
  for (std::size_t i = 0; i < objects; ++i) {
    nlohmann::json cm = MakeConfigMap("bench-offline", i, data_bytes);
    cm.erase("kind");
    cm.erase("apiVersion");
    cm["metadata"]["uid"] = "00000000-0000-4000-8000-" + std::to_string(100000000000 + i);
    cm["metadata"]["resourceVersion"] = std::to_string(1000 + i);
    cm["metadata"]["creationTimestamp"] = "2025-01-01T00:00:00Z";
    items.push_back(std::move(cm));
  }
  return nlohmann::json{{"apiVersion", "v1"},
                        {"kind", "ConfigMapList"},
                        {"metadata", {{"resourceVersion", std::to_string(1000 + objects)}}},
                        {"items", std::move(items)}}
      .dump();
}

Status RunParallel(std::size_t count, int workers,
                   const std::function<Status(std::size_t index)>& fn) {
  std::atomic<std::size_t> next{0};
  std::mutex mu;
  std::optional<Error> first_error;  // guarded by mu
  {
    std::vector<std::jthread> threads;
    threads.reserve(static_cast<std::size_t>(workers));
    for (int w = 0; w < workers; ++w) {
      threads.emplace_back([&] {
        for (std::size_t i = next++; i < count; i = next++) {
          Status status = fn(i);
          if (!status.ok()) {
            std::lock_guard lock(mu);
            if (!first_error) {
              first_error = std::move(status).error();
            }
          }
        }
      });
    }
  }
  if (first_error) {
    return std::move(*first_error);
  }
  return OkStatus();
}

double CpuSeconds(CpuOf who) {
  struct rusage usage {};
  getrusage(who == CpuOf::kSelf ? RUSAGE_SELF : RUSAGE_CHILDREN, &usage);
  const auto seconds = [](const timeval& tv) {
    return static_cast<double>(tv.tv_sec) + static_cast<double>(tv.tv_usec) / 1e6;
  };
  return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

double Percentile(std::vector<double> samples, double p) {
  if (samples.empty()) {
    return 0;
  }
  std::sort(samples.begin(), samples.end());
  const auto rank =
      static_cast<std::size_t>(std::ceil(p / 100.0 * static_cast<double>(samples.size())));
  return samples[std::clamp<std::size_t>(rank, 1, samples.size()) - 1];
}

MemorySample SampleMemory() {
  std::ifstream in("/proc/self/status");
  std::stringstream buffer;
  buffer << in.rdbuf();
  const std::string status = buffer.str();
  const struct mallinfo2 info = mallinfo2();
  return {.rss = StatusKiB(status, "VmRSS:"),
          .peak_rss = StatusKiB(status, "VmHWM:"),
          .heap_in_use = static_cast<std::int64_t>(info.uordblks + info.hblkhd)};
}

void TrimHeap() { malloc_trim(0); }

void ResetPeakRss() {
  std::ofstream out("/proc/self/clear_refs");
  out << "5";
}

Result<Flags> Flags::Parse(int argc, char** argv, std::map<std::string, std::string> defaults) {
  Flags flags;
  flags.values_ = std::move(defaults);
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg.rfind("--", 0) != 0) {
      return InvalidError("unexpected argument '" + arg + "'");
    }
    arg.erase(0, 2);
    std::string value;
    if (const auto eq = arg.find('='); eq != std::string::npos) {
      value = arg.substr(eq + 1);
      arg.resize(eq);
    } else if (i + 1 < argc) {
      value = argv[++i];
    } else {
      return InvalidError("--" + arg + " needs a value");
    }
    const auto known = flags.values_.find(arg);
    if (known == flags.values_.end()) {
      return InvalidError("unknown flag --" + arg);
    }
    // A flag whose default is a number (or a list of them) takes only those.
    const auto numeric = [](const std::string& text) {
      return !text.empty() && text.find_first_not_of("0123456789,") == std::string::npos;
    };
    if (numeric(known->second) && !numeric(value)) {
      return InvalidError("--" + arg + " takes a number, not '" + value + "'");
    }
    flags.values_[arg] = value;
  }
  return flags;
}

std::vector<int> Flags::IntList(const std::string& name) const {
  std::vector<int> out;
  std::stringstream in(Get(name));
  for (std::string item; std::getline(in, item, ',');) {
    out.push_back(std::stoi(item));
  }
  return out;
}

void PrintRow(const std::vector<std::string>& cells) {
  std::string line = "|";
  for (const auto& cell : cells) {
    line += " " + cell + " |";
  }
  std::cout << line << std::endl;
}

std::string Fixed(double value, int decimals) {
  std::ostringstream out;
  out.setf(std::ios::fixed);
  out.precision(decimals);
  out << value;
  return out.str();
}

std::string SecondsSpread(const std::vector<double>& seconds) {
  return Fixed(Median(seconds), 3) + " s (" + Fixed(Percentile(seconds, 0), 3) + "–" +
         Fixed(Percentile(seconds, 100), 3) + ")";
}

std::string PerSecond(std::size_t objects, double seconds) {
  return Fixed(static_cast<double>(objects) / seconds, 0) + " obj/s";
}

int Fail(const Error& error) {
  std::cerr << "benchmark failed: " << error << std::endl;
  return 1;
}

}  // namespace drs::bench
