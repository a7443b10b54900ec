#include "runtime/metrics.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace drs::runtime {

namespace internal {
void DieOnMetricMisuse(const std::string& what) {
  std::fprintf(stderr, "FATAL: metrics misuse: %s\n", what.c_str());
  std::abort();
}
}  // namespace internal

void Counter::Inc(double delta) {
  if (delta < 0) {
    return;
  }
  value_.fetch_add(delta, std::memory_order_relaxed);
}

void Counter::AppendSamples(const LabelPairs& labels, std::vector<MetricSample>& out) const {
  out.push_back({.suffix = "", .labels = labels, .value = Value()});
}

void Gauge::AppendSamples(const LabelPairs& labels, std::vector<MetricSample>& out) const {
  out.push_back({.suffix = "", .labels = labels, .value = Value()});
}

Histogram::Histogram(std::vector<double> upper_bounds)
    : upper_bounds_(std::move(upper_bounds)), counts_(upper_bounds_.size() + 1) {}

void Histogram::Observe(double value) {
  // `le` is inclusive: the first bound >= value.
  const auto bucket = static_cast<std::size_t>(
      std::lower_bound(upper_bounds_.begin(), upper_bounds_.end(), value) - upper_bounds_.begin());
  counts_[bucket].fetch_add(1, std::memory_order_relaxed);
  sum_.fetch_add(value, std::memory_order_relaxed);
}

void Histogram::ObserveDuration(Clock::Duration duration) {
  Observe(std::chrono::duration<double>(duration).count());
}

std::uint64_t Histogram::Count() const {
  std::uint64_t total = 0;
  for (const auto& count : counts_) {
    total += count.load(std::memory_order_relaxed);
  }
  return total;
}

void Histogram::AppendSamples(const LabelPairs& labels, std::vector<MetricSample>& out) const {
  std::uint64_t cumulative = 0;
  auto bucket_sample = [&](std::string le) {
    LabelPairs with_le = labels;
    with_le.emplace_back("le", std::move(le));
    out.push_back({.suffix = "_bucket",
                   .labels = std::move(with_le),
                   .value = static_cast<double>(cumulative)});
  };
  for (std::size_t i = 0; i < upper_bounds_.size(); ++i) {
    cumulative += counts_[i].load(std::memory_order_relaxed);
    bucket_sample(FormatMetricValue(upper_bounds_[i]));
  }
  cumulative += counts_.back().load(std::memory_order_relaxed);
  bucket_sample("+Inf");
  out.push_back({.suffix = "_sum", .labels = labels, .value = Sum()});
  // The +Inf bucket, so that _count always equals it within one scrape.
  out.push_back({.suffix = "_count", .labels = labels, .value = static_cast<double>(cumulative)});
}

std::vector<double> DefaultBuckets() {
  return {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
}

std::vector<double> ExponentialBuckets(double start, double factor, int count) {
  if (start <= 0 || factor <= 1 || count < 1) {
    internal::DieOnMetricMisuse("ExponentialBuckets needs start > 0, factor > 1, count >= 1");
  }
  std::vector<double> bounds;
  bounds.reserve(static_cast<std::size_t>(count));
  for (int i = 0; i < count; ++i) {
    bounds.push_back(start * std::pow(factor, i));
  }
  return bounds;
}

namespace {

void CheckNames(const std::string& name, const std::vector<std::string>& label_names,
                MetricType type) {
  if (!IsValidMetricName(name)) {
    internal::DieOnMetricMisuse("invalid metric name \"" + name + "\"");
  }
  for (const auto& label : label_names) {
    if (!IsValidLabelName(label) || (type == MetricType::kHistogram && label == "le")) {
      internal::DieOnMetricMisuse(name + ": invalid label name \"" + label + "\"");
    }
  }
}

void CheckBuckets(const std::string& name, std::vector<double>& buckets) {
  // A trailing +Inf is allowed for convenience; the renderer adds its own.
  if (!buckets.empty() && std::isinf(buckets.back()) && buckets.back() > 0) {
    buckets.pop_back();
  }
  for (std::size_t i = 0; i < buckets.size(); ++i) {
    if (!std::isfinite(buckets[i]) || (i > 0 && buckets[i] <= buckets[i - 1])) {
      internal::DieOnMetricMisuse(name + ": histogram buckets must be finite and increasing");
    }
  }
}

}  // namespace

template <typename Family>
Family& Registry::AddFamily(const std::string& name, const std::string& help, MetricType type,
                            const std::vector<std::string>& label_names,
                            std::vector<double> buckets) {
  CheckNames(name, label_names, type);
  std::lock_guard lock(mu_);
  if (auto it = families_.find(name); it != families_.end()) {
    const Entry& entry = it->second;
    if (entry.type != type || entry.help != help || entry.label_names != label_names ||
        entry.buckets != buckets) {
      internal::DieOnMetricMisuse("metric \"" + name + "\" registered twice, differently");
    }
    return static_cast<Family&>(*entry.family);
  }
  auto family = std::make_unique<Family>(name, help, type, label_names, buckets);
  Family& ref = *family;
  families_.emplace(name, Entry{.type = type,
                                .help = help,
                                .label_names = label_names,
                                .buckets = std::move(buckets),
                                .family = std::move(family)});
  return ref;
}

CounterFamily& Registry::AddCounter(const std::string& name, const std::string& help,
                                    const std::vector<std::string>& label_names) {
  return AddFamily<CounterFamily>(name, help, MetricType::kCounter, label_names, {});
}

GaugeFamily& Registry::AddGauge(const std::string& name, const std::string& help,
                                const std::vector<std::string>& label_names) {
  return AddFamily<GaugeFamily>(name, help, MetricType::kGauge, label_names, {});
}

HistogramFamily& Registry::AddHistogram(const std::string& name, const std::string& help,
                                        const std::vector<std::string>& label_names,
                                        std::vector<double> buckets) {
  CheckBuckets(name, buckets);
  return AddFamily<HistogramFamily>(name, help, MetricType::kHistogram, label_names,
                                    std::move(buckets));
}

void Registry::AddCollector(std::unique_ptr<Collector> collector) {
  std::lock_guard lock(mu_);
  collectors_.push_back(std::move(collector));
}

std::vector<MetricFamilySnapshot> Registry::Gather() const {
  std::vector<MetricFamilySnapshot> out;
  // Held while collecting: families and collectors are never removed, and a
  // scrape is rare next to increments, which never take this lock.
  std::lock_guard lock(mu_);
  for (const auto& [name, entry] : families_) {
    entry.family->Collect(out);
  }
  for (const auto& collector : collectors_) {
    collector->Collect(out);
  }
  return out;
}

std::string Registry::Render() const { return RenderText(Gather()); }

void RegisterBuildInfo(Registry& registry, std::string_view version, std::string_view revision) {
  registry
      .AddGauge("dr_syncer_build_info",
                "A metric with a constant '1' value labeled by the version and revision "
                "dr-syncer was built from, and the compiler.",
                {"version", "revision", "compiler"})
      .WithLabels({std::string(version), std::string(revision), __VERSION__})
      .Set(1);
}

}  // namespace drs::runtime
