// list_bench: how fast dr-syncer turns a large LIST into its informer cache,
// and what the cache costs in memory.
//
//   bed:     DynamicClient::ListAll (pages of --page) of --objects ConfigMaps
//            + Store::Replace, against `kubectl get configmaps -o json` of the
//            same namespace in the same run (the baseline; kubectl pages by
//            500 too, and pays its own process start, decoding and printing)
//            and against `kubectl get --raw` of the list in one unpaged GET
//            (the server's floor: serving and transfer, no decoding).
//   offline: the same list as one prepared ConfigMapList document (what the
//            server sent, pages joined), parsed and stored with no network:
//            the decode + store share of the bed figure.
//   memory:  malloc's heap in use and RSS with the store holding the
//            objects, against before; the peak RSS while listing.
//
// With --offline-only the document is synthetic and no bed is needed.

#include <chrono>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "base/logging.h"
#include "bench_support.h"
#include "runtime/store.h"

namespace drs::bench {
namespace {

using nlohmann::json;
using Clock = std::chrono::steady_clock;

struct Timing {
  double decode_s = 0;  // parse (or LIST, on the bed) up to ObjectPtrs
  double store_s = 0;   // Store::Replace
  double Total() const { return decode_s + store_s; }
};

struct MemoryDelta {
  double heap_per_object = 0;
  double rss_per_object = 0;
  double peak_rss_mib = 0;
};

// Moves each item into the shared, immutable form the store holds.
template <typename Items>
std::vector<runtime::ObjectPtr> ToObjects(Items&& items) {
  std::vector<runtime::ObjectPtr> objects;
  objects.reserve(items.size());
  for (auto& item : items) {
    objects.push_back(std::make_shared<const json>(std::move(item)));
  }
  return objects;
}

// Parses a whole ConfigMapList document into `store`; with
// `drop_managed_fields`, each item loses metadata.managedFields first (what
// client-go users do with an informer transform to save memory).
Result<Timing> DecodeAndStore(const std::string& doc, runtime::Store& store,
                              bool drop_managed_fields = false) {
  const auto start = Clock::now();
  auto parsed = json::parse(doc, nullptr, /*allow_exceptions=*/false);
  if (parsed.is_discarded() || !parsed.contains("items")) {
    return InvalidError("the prepared document is not a list");
  }
  std::string rv = parsed["metadata"].value("resourceVersion", "");
  if (drop_managed_fields) {
    for (auto& item : parsed["items"]) {
      item["metadata"].erase("managedFields");
    }
  }
  auto objects = ToObjects(parsed["items"]);
  Timing t{.decode_s = Since(start).count()};
  const auto store_start = Clock::now();
  DRS_RETURN_IF_ERROR(store.Replace(std::move(objects), std::move(rv)));
  t.store_s = Since(store_start).count();
  return t;
}

// Lists the namespace from the bed into `store`.
Result<Timing> ListAndStore(kubeclient::DynamicClient& client, const std::string& ns,
                            std::int64_t page, runtime::Store& store) {
  const auto start = Clock::now();
  DRS_ASSIGN_OR_RETURN(auto list, client.ListAll(kConfigMaps, ns, {.limit = page}));
  auto objects = ToObjects(std::move(list.items));
  Timing t{.decode_s = Since(start).count()};
  const auto store_start = Clock::now();
  DRS_RETURN_IF_ERROR(store.Replace(std::move(objects), list.resource_version));
  t.store_s = Since(store_start).count();
  return t;
}

// Runs `fill` into a fresh store. With `memory`, this is a memory pass:
// free heap pages are handed back to the kernel first (and again after,
// once the temporaries are gone) so RSS moves only with what this pass
// allocates; its timing is not reported, as page faults inflate it.
template <typename Fill>
Result<Timing> Measured(std::size_t objects, const Fill& fill, MemoryDelta* memory) {
  if (memory != nullptr) {
    TrimHeap();
    ResetPeakRss();
  }
  const MemorySample before = SampleMemory();
  runtime::Store store;
  DRS_ASSIGN_OR_RETURN(Timing t, fill(store));
  if (store.Size() != objects) {
    return InternalError("stored " + std::to_string(store.Size()) + " objects, expected " +
                         std::to_string(objects));
  }
  if (memory != nullptr) {
    const std::int64_t peak = SampleMemory().peak_rss;
    TrimHeap();
    const MemorySample after = SampleMemory();
    const auto n = static_cast<double>(objects);
    memory->heap_per_object = static_cast<double>(after.heap_in_use - before.heap_in_use) / n;
    memory->rss_per_object = static_cast<double>(after.rss - before.rss) / n;
    memory->peak_rss_mib = static_cast<double>(peak - before.rss) / (1 << 20);
  }
  return t;
}

// The list every measurement turns into a store: exactly what the server
// returns for the namespace (pages joined), or a synthetic one offline.
struct Setup {
  std::string doc;
  std::size_t listed = 0;  // items in doc: the seeded ones + kube-root-ca.crt
  std::optional<BedCluster> bed;
  BenchClients clients;
  std::string ns;
};

Result<Setup> Prepare(const Flags& flags) {
  const auto objects = static_cast<std::size_t>(flags.Int("objects"));
  const auto data_bytes = static_cast<std::size_t>(flags.Int("data-bytes"));
  Setup s;
  if (flags.Get("offline-only") == "1") {
    s.doc = SyntheticConfigMapList(objects, data_bytes);
    s.listed = objects;
    return s;
  }
  DRS_ASSIGN_OR_RETURN(s.bed, LoadBedCluster(flags.Get("testbed"), flags.Get("cluster")));
  DRS_ASSIGN_OR_RETURN(s.clients, MakeClients(s.bed->kubeconfig));
  DRS_ASSIGN_OR_RETURN(s.ns, CreateFreshNamespace(*s.clients.dynamic, "bench-list"));
  const auto start = Clock::now();
  DRS_RETURN_IF_ERROR(RunParallel(
      objects, static_cast<int>(flags.Int("seed-workers")), [&](std::size_t i) -> Status {
        auto r = s.clients.dynamic->Create(kConfigMaps, s.ns, MakeConfigMap(s.ns, i, data_bytes));
        return r.ok() ? OkStatus() : Status(std::move(r).error());
      }));
  std::cerr << "seeded " << objects << " ConfigMaps in " << s.ns << " in "
            << Fixed(Since(start).count(), 1) << " s" << std::endl;
  DRS_ASSIGN_OR_RETURN(auto list,
                       s.clients.dynamic->ListAll(kConfigMaps, s.ns, {.limit = flags.Int("page")}));
  s.listed = list.items.size();
  s.doc = json{{"apiVersion", "v1"},
               {"kind", "ConfigMapList"},
               {"metadata", {{"resourceVersion", list.resource_version}}},
               {"items", std::move(list.items)}}
              .dump();
  return s;
}

struct Results {
  std::vector<double> offline_total, offline_decode, offline_store;
  std::vector<double> bed_total, bed_store, kubectl, kubectl_raw;
  MemoryDelta offline_memory, bed_memory, offline_memory_lean;
};

// Memory passes (without, then with managedFields), then the timed
// repetitions.
Status RunOffline(const Setup& s, int reps, Results& r) {
  DRS_RETURN_IF_ERROR(Measured(
      s.listed, [&](runtime::Store& store) { return DecodeAndStore(s.doc, store, true); },
      &r.offline_memory_lean));
  for (int rep = -1; rep < reps; ++rep) {
    DRS_ASSIGN_OR_RETURN(
        Timing t, Measured(
                      s.listed, [&](runtime::Store& store) { return DecodeAndStore(s.doc, store); },
                      rep < 0 ? &r.offline_memory : nullptr));
    if (rep < 0) {
      continue;  // the memory pass
    }
    r.offline_total.push_back(t.Total());
    r.offline_decode.push_back(t.decode_s);
    r.offline_store.push_back(t.store_s);
  }
  return OkStatus();
}

// A memory pass, then dr-syncer and kubectl back to back in each repetition.
Status RunBed(Setup& s, int reps, std::int64_t page, Results& r) {
  for (int rep = -1; rep < reps; ++rep) {
    DRS_ASSIGN_OR_RETURN(Timing t, Measured(
                                       s.listed,
                                       [&](runtime::Store& store) {
                                         return ListAndStore(*s.clients.dynamic, s.ns, page, store);
                                       },
                                       rep < 0 ? &r.bed_memory : nullptr));
    if (rep < 0) {
      continue;  // the memory pass
    }
    r.bed_total.push_back(t.Total());
    r.bed_store.push_back(t.store_s);
    DRS_ASSIGN_OR_RETURN(
        double k,
        TimeKubectlList(*s.bed, {"get", "configmaps", "-n", s.ns, "-o", "json"}, s.listed));
    r.kubectl.push_back(k);
    DRS_ASSIGN_OR_RETURN(
        double raw,
        TimeKubectlList(*s.bed, {"get", "--raw", "/api/v1/namespaces/" + s.ns + "/configmaps"},
                        s.listed));
    r.kubectl_raw.push_back(raw);
  }
  return OkStatus();
}

std::string Memory(double offline, double bed, bool have_bed, int decimals,
                   const std::string& unit) {
  return Fixed(offline, decimals) + unit + " / " + (have_bed ? Fixed(bed, decimals) + unit : "-");
}

void Print(const Setup& s, const Results& r, const Flags& flags) {
  const std::size_t n = s.listed;
  const bool bed = s.bed.has_value();
  std::cout << "\n### LIST of " << n << " ConfigMaps (" << flags.Get("data-bytes")
            << " B data, 3 labels; list " << Fixed(static_cast<double>(s.doc.size()) / 1e6, 1)
            << " MB as JSON, " << s.doc.size() / n << " B/object), median of " << flags.Get("reps")
            << " (min–max)\n\n";
  PrintRow({"measure", "dr-syncer", "baseline", "ratio"});
  PrintRow({"---", "---", "---", "---"});
  if (bed) {
    PrintRow({"bed: ListAll (pages of " + flags.Get("page") + ") + Store::Replace",
              SecondsSpread(r.bed_total) + ", " + PerSecond(n, Median(r.bed_total)),
              "`kubectl get cm -o json`: " + SecondsSpread(r.kubectl) + ", " +
                  PerSecond(n, Median(r.kubectl)),
              Fixed(Median(r.kubectl) / Median(r.bed_total), 2) + "× kubectl's rate"});
    PrintRow({"bed: same, server floor", "",
              "`kubectl get --raw` (one unpaged GET, no decoding): " +
                  SecondsSpread(r.kubectl_raw) + ", " + PerSecond(n, Median(r.kubectl_raw)),
              Fixed(Median(r.kubectl_raw) / Median(r.bed_total), 2) + "× its rate"});
    PrintRow({"bed: of which Store::Replace", SecondsSpread(r.bed_store), "", ""});
  }
  PrintRow(
      {"offline: parse list + Store::Replace",
       SecondsSpread(r.offline_total) + ", " + PerSecond(n, Median(r.offline_total)),
       bed ? "bed: ListAll + Store::Replace" : "",
       bed ? Fixed(Median(r.offline_total) / Median(r.bed_total), 2) + " of the bed time" : ""});
  PrintRow({"offline: of which parse", SecondsSpread(r.offline_decode), "", ""});
  PrintRow({"offline: of which Store::Replace", SecondsSpread(r.offline_store), "", ""});
  PrintRow({"memory: heap per cached object (offline / bed)",
            Memory(r.offline_memory.heap_per_object, r.bed_memory.heap_per_object, bed, 0, " B"),
            "", ""});
  PrintRow({"memory: heap per cached object without managedFields (offline)",
            Fixed(r.offline_memory_lean.heap_per_object, 0) + " B", "", ""});
  PrintRow({"memory: RSS growth per cached object (offline / bed)",
            Memory(r.offline_memory.rss_per_object, r.bed_memory.rss_per_object, bed, 0, " B"), "",
            ""});
  PrintRow({"memory: peak RSS above start (offline / bed)",
            Memory(r.offline_memory.peak_rss_mib, r.bed_memory.peak_rss_mib, bed, 1, " MiB"), "",
            ""});
}

int Run(const Flags& flags) {
  const auto reps = static_cast<int>(flags.Int("reps"));
  auto setup = Prepare(flags);
  if (!setup.ok()) {
    return Fail(setup.error());
  }
  Results results;
  if (Status s = RunOffline(*setup, reps, results); !s.ok()) {
    return Fail(s.error());
  }
  if (setup->bed) {
    if (Status s = RunBed(*setup, reps, flags.Int("page"), results); !s.ok()) {
      return Fail(s.error());
    }
  }
  Print(*setup, results, flags);
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
                                         {"objects", "10000"},
                                         {"page", "500"},
                                         {"data-bytes", "300"},
                                         {"reps", "5"},
                                         {"seed-workers", "16"},
                                         {"offline-only", "0"}});
  if (!flags.ok()) {
    return Fail(flags.error());
  }
  return drs::bench::Run(*flags);
}
