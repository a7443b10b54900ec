#include "mover/rsync_progress.h"

#include <limits>
#include <vector>

#include "base/logging.h"

namespace drs::mover {
namespace {

std::vector<std::string_view> Words(std::string_view line) {
  std::vector<std::string_view> words;
  std::size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && line[i] == ' ') ++i;
    const std::size_t start = i;
    while (i < line.size() && line[i] != ' ') ++i;
    if (i > start) words.push_back(line.substr(start, i - start));
  }
  return words;
}

// Digits, optionally with "," separators; empty if anything else.
std::optional<std::int64_t> Number(std::string_view word) {
  if (word.empty()) return std::nullopt;
  std::int64_t value = 0;
  bool any = false;
  for (char c : word) {
    if (c == ',') continue;
    if (c < '0' || c > '9') return std::nullopt;
    if (value > (std::numeric_limits<std::int64_t>::max() - 9) / 10) return std::nullopt;
    value = value * 10 + (c - '0');
    any = true;
  }
  if (!any) return std::nullopt;
  return value;
}

// "(xfr#12," -> 12.
std::int64_t TransferNumber(std::string_view word) {
  constexpr std::string_view kPrefix = "(xfr#";
  if (!word.starts_with(kPrefix)) return 0;
  word.remove_prefix(kPrefix.size());
  if (word.ends_with(',')) word.remove_suffix(1);
  return Number(word).value_or(0);
}

}  // namespace

std::optional<Progress> ParseProgressLine(std::string_view line) {
  const std::vector<std::string_view> words = Words(line);
  // bytes, percent, rate, time [, (xfr#N, to-chk=a/b)]
  if (words.size() < 4) return std::nullopt;
  const auto bytes = Number(words[0]);
  std::string_view percent = words[1];
  if (!bytes || !percent.ends_with('%')) return std::nullopt;
  percent.remove_suffix(1);
  const auto pct = Number(percent);
  if (!pct || *pct > 100 || !words[2].ends_with("/s")) return std::nullopt;
  if (words[3].find(':') == std::string_view::npos) return std::nullopt;
  Progress progress{.bytes = *bytes,
                    .percent = static_cast<int>(*pct),
                    .rate = std::string(words[2]),
                    .eta = std::string(words[3])};
  if (words.size() >= 5) progress.files_transferred = TransferNumber(words[4]);
  return progress;
}

bool ProgressReporter::Update(const Progress& progress) {
  last_ = progress;
  last_logged_is_latest_ = false;
  const auto now = clock_.Now();
  if (last_logged_ && now - *last_logged_ < interval_) return false;
  last_logged_ = now;
  Log(progress);
  return true;
}

void ProgressReporter::Finish() {
  if (last_ && !last_logged_is_latest_) Log(*last_);
}

void ProgressReporter::Log(const Progress& progress) {
  last_logged_is_latest_ = true;
  static const auto log = GetLogger("mover");
  log->info(Fields("transfer progress", {{"volume", volume_},
                                         {"bytes", std::to_string(progress.bytes)},
                                         {"percent", std::to_string(progress.percent)},
                                         {"rate", progress.rate},
                                         {"eta", progress.eta},
                                         {"files", std::to_string(progress.files_transferred)}}));
}

}  // namespace drs::mover
