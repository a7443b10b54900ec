#include "sync_objects.h"

#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <set>
#include <sstream>
#include <thread>

#include "base/base64.h"

namespace drs::bench {
namespace {

using nlohmann::json;

// Of every kMixPeriod objects: ConfigMaps, then Secrets, Services and
// Deployments. Config and credentials outnumber workloads in real
// namespaces; each app is a Deployment with its Service.
constexpr std::size_t kMixPeriod = 20;
constexpr std::size_t kConfigMapSlots = 9;
constexpr std::size_t kSecretSlots = 7;
constexpr std::size_t kServiceSlots = 2;
constexpr std::size_t kConfigMapDataBytes = 300;
constexpr int kSecretKeys = 3;

// A control plane is idle when all its processes together use less than
// this share of one core over a window (idle, each uses about 1%).
constexpr double kQuietCoreShare = 0.15;
constexpr auto kQuietWindow = std::chrono::milliseconds(500);
constexpr int kQuietWindowsNeeded = 2;

enum class Slot { kConfigMap, kSecret, kService, kDeployment };

Slot SlotOf(std::size_t index) {
  const std::size_t s = index % kMixPeriod;
  if (s < kConfigMapSlots) return Slot::kConfigMap;
  if (s < kConfigMapSlots + kSecretSlots) return Slot::kSecret;
  if (s < kConfigMapSlots + kSecretSlots + kServiceSlots) return Slot::kService;
  return Slot::kDeployment;
}

json Labels(const std::string& app) {
  return {{"app.kubernetes.io/name", app}, {"app.kubernetes.io/part-of", "dr-syncer-bench"}};
}

// The app a Service or Deployment belongs to: both of one period share it.
std::string AppOf(std::size_t index) { return "app-" + std::to_string(index / kMixPeriod); }

json MakeSecret(const std::string& ns, std::size_t index) {
  json data = json::object();
  for (int k = 0; k < kSecretKeys; ++k) {
    data["key-" + std::to_string(k)] =
        Base64Encode("secret-" + std::to_string(index) + "-" + std::to_string(k) +
                     "-0123456789abcdef0123456789abcdef");
  }
  return {{"apiVersion", "v1"},
          {"kind", "Secret"},
          {"metadata",
           {{"name", "secret-" + std::to_string(index)},
            {"namespace", ns},
            {"labels", Labels(AppOf(index))}}},
          {"type", "Opaque"},
          {"data", std::move(data)}};
}

json MakeService(const std::string& ns, std::size_t index) {
  const std::string app = AppOf(index);
  return {{"apiVersion", "v1"},
          {"kind", "Service"},
          {"metadata",
           {{"name", "svc-" + std::to_string(index)}, {"namespace", ns}, {"labels", Labels(app)}}},
          {"spec",
           {{"clusterIP", "None"},
            {"selector", {{"app.kubernetes.io/name", app}}},
            {"ports", {{{"name", "http"}, {"port", 80}, {"targetPort", 8080}}}}}}};
}

json MakeDeployment(const std::string& ns, std::size_t index) {
  const std::string app = AppOf(index);
  const json container = {
      {"name", "app"},
      {"image", "registry.example.com/shop/" + app + ":1.4.2"},
      {"ports", {{{"name", "http"}, {"containerPort", 8080}}}},
      {"env", {{{"name", "LOG_LEVEL"}, {"value", "info"}}}},
      {"envFrom",
       {{{"configMapRef", {{"name", "cm-" + std::to_string(index / kMixPeriod * kMixPeriod)}}}}}},
      {"resources",
       {{"requests", {{"cpu", "100m"}, {"memory", "128Mi"}}}, {"limits", {{"memory", "256Mi"}}}}},
      {"readinessProbe", {{"httpGet", {{"path", "/healthz"}, {"port", "http"}}}}}};
  return {
      {"apiVersion", "apps/v1"},
      {"kind", "Deployment"},
      {"metadata",
       {{"name", "deploy-" + std::to_string(index)}, {"namespace", ns}, {"labels", Labels(app)}}},
      {"spec",
       {{"replicas", 1},
        {"selector", {{"matchLabels", {{"app.kubernetes.io/name", app}}}}},
        {"template",
         {{"metadata", {{"labels", Labels(app)}}},
          {"spec", {{"containers", json::array({container})}}}}}}}};
}

// utime + stime of a process, in clock ticks (0 when it is gone).
long long CpuTicks(int pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string stat((std::istreambuf_iterator<char>(in)), {});
  const auto close = stat.rfind(')');
  if (close == std::string::npos) return 0;
  std::istringstream fields(stat.substr(close + 2));
  std::string field;
  long long ticks = 0;
  // After "(comm) ": state is field 3; utime and stime are fields 14 and 15.
  for (int i = 3; i <= 15 && fields >> field; ++i) {
    if (i >= 14) ticks += std::stoll(field);
  }
  return ticks;
}

std::vector<int> ControlPlanePids(const std::string& bed_dir) {
  std::vector<int> pids;
  std::ifstream in(bed_dir + "/testbed.json");
  const json doc = json::parse(in, nullptr, false);
  if (doc.is_discarded()) return pids;
  const json clusters = doc.value("clusters", json::object());
  for (const auto& [name, cluster] : clusters.items()) {
    for (const char* component : {"etcd", "apiserver", "controller-manager"}) {
      std::ifstream pid_file(cluster.value("dir", "") + "/" + component + ".pid");
      int pid = 0;
      if (pid_file >> pid) pids.push_back(pid);
    }
  }
  return pids;
}

std::int64_t StatusBytes(const std::string& status, std::string_view field) {
  const auto at = status.find(field);
  return at == std::string::npos ? 0 : std::stoll(status.substr(at + field.size())) * 1024;
}

}  // namespace

TypedObject MakeMixedObject(const std::string& ns, std::size_t index) {
  switch (SlotOf(index)) {
    case Slot::kConfigMap:
      return {kConfigMaps, MakeConfigMap(ns, index, kConfigMapDataBytes)};
    case Slot::kSecret:
      return {kSecrets, MakeSecret(ns, index)};
    case Slot::kService:
      return {kServices, MakeService(ns, index)};
    case Slot::kDeployment:
      return {kDeployments, MakeDeployment(ns, index)};
  }
  return {};
}

std::string MixDescription() {
  return "45% ConfigMaps (300 B data), 35% Secrets, 10% headless Services, 10% Deployments "
         "(1 replica)";
}

std::vector<std::string> MixedConfigMapNames(std::size_t objects) {
  std::vector<std::string> names;
  for (std::size_t i = 0; i < objects; ++i) {
    if (SlotOf(i) == Slot::kConfigMap) names.push_back(ConfigMapName(i));
  }
  return names;
}

Result<double> SeedNamespace(kubeclient::DynamicClient& client, const std::string& ns,
                             std::size_t objects, int workers) {
  const json ns_object = {
      {"apiVersion", "v1"}, {"kind", "Namespace"}, {"metadata", {{"name", ns}}}};
  auto created = client.Create(kNamespaces, "", ns_object);
  if (!created.ok()) {
    if (created.error().code() == ErrorCode::kAlreadyExists) return 0.0;
    return std::move(created).error();
  }
  const auto start = std::chrono::steady_clock::now();
  DRS_RETURN_IF_ERROR(RunParallel(objects, workers, [&](std::size_t i) -> Status {
    const TypedObject o = MakeMixedObject(ns, i);
    auto r = client.Create(o.gvr, ns, o.object);
    return r.ok() ? OkStatus() : Status(std::move(r).error());
  }));
  return Since(start).count();
}

double WaitForQuietBed(const std::string& bed_dir, double timeout_s) {
  const std::vector<int> pids = ControlPlanePids(bed_dir);
  const auto ticks = [&] {
    long long sum = 0;
    for (const int pid : pids) sum += CpuTicks(pid);
    return sum;
  };
  const double ticks_per_s = static_cast<double>(sysconf(_SC_CLK_TCK));
  const double quiet_ticks = kQuietCoreShare * ticks_per_s * Seconds(kQuietWindow).count();
  const auto start = std::chrono::steady_clock::now();
  int quiet = 0;
  while (quiet < kQuietWindowsNeeded) {
    if (Since(start).count() > timeout_s) {
      std::cerr << "warning: the bed was still busy after " << timeout_s << " s\n";
      break;
    }
    const long long before = ticks();
    std::this_thread::sleep_for(kQuietWindow);  // a measuring window, not synchronisation
    quiet = static_cast<double>(ticks() - before) < quiet_ticks ? quiet + 1 : 0;
  }
  return Since(start).count();
}

std::uintmax_t AuditLogSize(const std::string& path) {
  std::error_code ec;
  const auto size = std::filesystem::file_size(path, ec);
  return ec ? 0 : size;
}

Result<AuditCount> CountAuditRequests(const std::string& path, std::uintmax_t from,
                                      const std::string& user) {
  static const std::set<std::string> kWriteVerbs = {"create", "update", "patch", "delete",
                                                    "deletecollection"};
  if (AuditLogSize(path) < from) {
    return FailedPreconditionError(path + " was rotated during the measurement");
  }
  std::ifstream in(path);
  in.seekg(static_cast<std::streamoff>(from));
  AuditCount count;
  for (std::string line; std::getline(in, line);) {
    const json e = json::parse(line, nullptr, false);
    if (!e.is_object() || e.value("stage", "") != "ResponseComplete" ||
        e.value("user", json::object()).value("username", "") != user) {
      continue;
    }
    ++count.requests;
    if (kWriteVerbs.count(e.value("verb", ""))) ++count.writes;
  }
  return count;
}

MemorySample ProcessMemory(int pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  const std::string status((std::istreambuf_iterator<char>(in)), {});
  return {.rss = StatusBytes(status, "VmRSS:"), .peak_rss = StatusBytes(status, "VmHWM:")};
}

bool ResetProcessPeakRss(int pid) {
  std::ofstream out("/proc/" + std::to_string(pid) + "/clear_refs");
  out << "5";
  out.flush();
  return static_cast<bool>(out);
}

}  // namespace drs::bench
