#pragma once
// The Prometheus text exposition format, version 0.0.4: what a scrape of
// /metrics returns. Metric families are gathered as snapshots (plain data)
// and rendered here, so the format rules — HELP/TYPE lines, escaping, float
// spelling, histogram suffixes — live in one place and are tested on exact
// text. Also the name rules the registry enforces at registration.
//
// Thread-safety: pure functions over caller-owned values; Collector
// implementations say their own.

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace drs::runtime {

// The content type a scrape is answered with.
inline constexpr std::string_view kPrometheusTextContentType =
    "text/plain; version=0.0.4; charset=utf-8";

enum class MetricType { kCounter, kGauge, kHistogram };

std::string_view MetricTypeName(MetricType type);  // "counter", "gauge", "histogram"

// Label name/value pairs in the order they are printed.
using LabelPairs = std::vector<std::pair<std::string, std::string>>;

// One sample line: `<family name><suffix>{labels} value`. The suffix is ""
// for counters and gauges and "_bucket", "_sum" or "_count" for histograms.
struct MetricSample {
  std::string suffix;
  LabelPairs labels;
  double value = 0;
};

struct MetricFamilySnapshot {
  std::string name;
  std::string help;
  MetricType type = MetricType::kGauge;
  std::vector<MetricSample> samples;
};

// A source of metric families computed when scraped (the registry's own
// families, process metrics read from /proc). Implementations must be
// thread-safe: scrapes run on the HTTP server's threads.
class Collector {
 public:
  virtual ~Collector() = default;
  // Appends this collector's families to `out`.
  virtual void Collect(std::vector<MetricFamilySnapshot>& out) const = 0;
};

// The families as exposition text, sorted by name (stable, so a collector's
// own order breaks ties). A family without samples is left out entirely, as
// client_golang does for a labelled family nobody has used yet.
std::string RenderText(std::vector<MetricFamilySnapshot> families);

// Escaping for HELP text (backslash, newline) and label values (also the
// double quote).
std::string EscapeHelp(std::string_view help);
std::string EscapeLabelValue(std::string_view value);

// The shortest text that reads back as `value`; "+Inf", "-Inf", "NaN".
std::string FormatMetricValue(double value);

// [a-zA-Z_:][a-zA-Z0-9_:]*
bool IsValidMetricName(std::string_view name);
// [a-zA-Z_][a-zA-Z0-9_]*, and not starting with "__" (reserved for Prometheus).
bool IsValidLabelName(std::string_view name);

}  // namespace drs::runtime
