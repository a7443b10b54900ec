#pragma once
// A small Prometheus metrics registry: counters, gauges and histograms, each
// registered once as a family with label names and used through children
// picked by label values.
//
//   auto& reconciles = registry.AddCounter("drs_reconciles_total", "Reconciles run.",
//                                          {"controller", "result"});
//   reconciles.WithLabels({"replication", "success"}).Inc();
//   std::string text = registry.Render();  // for GET /metrics
//
// Updating a child is a few atomic operations; only WithLabels takes a lock,
// so hot paths keep the child reference (children live as long as the
// registry). Misuse that can only be a programming error — an invalid or
// re-registered-differently name, the wrong number of label values — stops
// the process with a message: metric names and label sets are constants in
// our code, never input.
//
// Thread-safety: thread-safe throughout. The Registry owns its families;
// the Registry must outlive every reference handed out.

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "base/clock.h"
#include "runtime/metrics_text.h"

namespace drs::runtime {

namespace internal {
// Reports a programming error in metric use and aborts.
[[noreturn]] void DieOnMetricMisuse(const std::string& what);
}  // namespace internal

// Monotonically increasing.
class Counter {
 public:
  // REQUIRES: delta >= 0 (a negative delta is ignored: counters never go down).
  void Inc(double delta = 1.0);
  double Value() const { return value_.load(std::memory_order_relaxed); }
  void AppendSamples(const LabelPairs& labels, std::vector<MetricSample>& out) const;

 private:
  std::atomic<double> value_{0.0};
};

// A value that goes up and down.
class Gauge {
 public:
  void Set(double value) { value_.store(value, std::memory_order_relaxed); }
  void Add(double delta) { value_.fetch_add(delta, std::memory_order_relaxed); }
  void Inc() { Add(1.0); }
  void Dec() { Add(-1.0); }
  double Value() const { return value_.load(std::memory_order_relaxed); }
  void AppendSamples(const LabelPairs& labels, std::vector<MetricSample>& out) const;

 private:
  std::atomic<double> value_{0.0};
};

// Observations counted into buckets by upper bound (`le`), plus their sum.
// A scrape racing an Observe may see the sum without the count or the other
// way round, as with client_golang; each bucket count is exact.
class Histogram {
 public:
  // REQUIRES: `upper_bounds` strictly increasing, finite (+Inf is implicit).
  explicit Histogram(std::vector<double> upper_bounds);
  void Observe(double value);
  void ObserveDuration(Clock::Duration duration);
  std::uint64_t Count() const;
  double Sum() const { return sum_.load(std::memory_order_relaxed); }
  void AppendSamples(const LabelPairs& labels, std::vector<MetricSample>& out) const;

 private:
  const std::vector<double> upper_bounds_;
  // One per bound plus the +Inf bucket; not cumulative (summed when scraped).
  std::vector<std::atomic<std::uint64_t>> counts_;
  std::atomic<double> sum_{0.0};
};

// client_golang's DefBuckets: request latencies from 5 ms to 10 s.
std::vector<double> DefaultBuckets();
// `count` bounds: start, start*factor, ... REQUIRES: start > 0, factor > 1, count >= 1.
std::vector<double> ExponentialBuckets(double start, double factor, int count);

// A metric with label names and one child per distinct list of values.
template <typename Child>
class MetricFamily final : public Collector {
 public:
  MetricFamily(std::string name, std::string help, MetricType type,
               std::vector<std::string> label_names, std::vector<double> buckets = {})
      : name_(std::move(name)),
        help_(std::move(help)),
        type_(type),
        label_names_(std::move(label_names)),
        buckets_(std::move(buckets)) {
    // An unlabelled metric exists (as 0) from the start, like client_golang's.
    if (label_names_.empty()) {
      WithLabels({});
    }
  }

  // The child for these label values (in label-name order), created at first use.
  // REQUIRES: values.size() == label_names().size().
  Child& WithLabels(const std::vector<std::string>& values) {
    if (values.size() != label_names_.size()) {
      internal::DieOnMetricMisuse(name_ + ": " + std::to_string(values.size()) +
                                  " label values for " + std::to_string(label_names_.size()) +
                                  " label names");
    }
    std::lock_guard lock(mu_);
    auto& child = children_[values];
    if (!child) {
      if constexpr (std::is_same_v<Child, Histogram>) {
        child = std::make_unique<Histogram>(buckets_);
      } else {
        child = std::make_unique<Child>();
      }
    }
    return *child;
  }

  void Collect(std::vector<MetricFamilySnapshot>& out) const override {
    MetricFamilySnapshot family{.name = name_, .help = help_, .type = type_, .samples = {}};
    std::lock_guard lock(mu_);
    for (const auto& [values, child] : children_) {
      LabelPairs labels;
      labels.reserve(values.size());
      for (std::size_t i = 0; i < values.size(); ++i) {
        labels.emplace_back(label_names_[i], values[i]);
      }
      child->AppendSamples(labels, family.samples);
    }
    out.push_back(std::move(family));
  }

  const std::string& name() const { return name_; }
  const std::vector<std::string>& label_names() const { return label_names_; }

 private:
  const std::string name_;
  const std::string help_;
  const MetricType type_;
  const std::vector<std::string> label_names_;
  const std::vector<double> buckets_;  // histograms only
  mutable std::mutex mu_;
  // Ordered so that scrapes list children in a stable order.
  std::map<std::vector<std::string>, std::unique_ptr<Child>> children_;  // guarded by mu_
};

using CounterFamily = MetricFamily<Counter>;
using GaugeFamily = MetricFamily<Gauge>;
using HistogramFamily = MetricFamily<Histogram>;

class Registry {
 public:
  Registry() = default;
  Registry(const Registry&) = delete;
  Registry& operator=(const Registry&) = delete;

  // Registers a family, or returns the one already registered under `name`
  // when type, help, label names (and buckets) match, so independent
  // components can share a family. A mismatch or an invalid name is fatal.
  CounterFamily& AddCounter(const std::string& name, const std::string& help,
                            const std::vector<std::string>& label_names = {});
  GaugeFamily& AddGauge(const std::string& name, const std::string& help,
                        const std::vector<std::string>& label_names = {});
  HistogramFamily& AddHistogram(const std::string& name, const std::string& help,
                                const std::vector<std::string>& label_names,
                                std::vector<double> buckets = DefaultBuckets());

  // Adds families computed at scrape time. Their names must not clash with
  // registered families (not checked: a collector's names are known only
  // when it runs).
  void AddCollector(std::unique_ptr<Collector> collector);

  std::vector<MetricFamilySnapshot> Gather() const;
  // The exposition text (format 0.0.4) of every family, sorted by name.
  std::string Render() const;

 private:
  struct Entry {
    MetricType type;
    std::string help;
    std::vector<std::string> label_names;
    std::vector<double> buckets;
    std::unique_ptr<Collector> family;
  };
  // Defined and instantiated in metrics.cc only.
  template <typename Family>
  Family& AddFamily(const std::string& name, const std::string& help, MetricType type,
                    const std::vector<std::string>& label_names, std::vector<double> buckets);

  mutable std::mutex mu_;
  std::map<std::string, Entry, std::less<>> families_;  // guarded by mu_
  std::vector<std::unique_ptr<Collector>> collectors_;  // guarded by mu_
};

// dr_syncer_build_info{version,revision,compiler} 1: which build is running,
// joinable onto other series in queries.
void RegisterBuildInfo(Registry& registry, std::string_view version, std::string_view revision);

}  // namespace drs::runtime
