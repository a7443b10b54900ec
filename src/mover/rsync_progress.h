#pragma once
// Progress of a running transfer, from rsync's --info=progress2 lines (one
// every few hundred milliseconds on stdout, ended by '\r'):
//
//       8552451  42%    7.85MB/s    0:00:01 (xfr#1, to-chk=2/4)
//
// and a reporter that turns them into a log line on stderr at most every
// interval, so a long transfer shows life in `kubectl logs` without
// flooding it.
//
// Thread-safety: ParseProgressLine is pure; ProgressReporter is not
// thread-safe (the process runner's one thread feeds it).

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "base/clock.h"

namespace drs::mover {

struct Progress {
  std::int64_t bytes = 0;              // transferred so far in this run
  int percent = 0;                     // of the bytes rsync knows it must move
  std::string rate;                    // rsync's own rendering, "7.85MB/s"
  std::string eta;                     // "0:00:01"; the elapsed time on the final line
  std::int64_t files_transferred = 0;  // "xfr#N", 0 before the first
  friend bool operator==(const Progress&, const Progress&) = default;
};

// Empty for anything that is not a progress2 line.
std::optional<Progress> ParseProgressLine(std::string_view line);

// Logs "transfer progress" with the fields at most once per `interval`, and
// always the first time.
class ProgressReporter {
 public:
  ProgressReporter(Clock& clock, std::chrono::milliseconds interval, std::string volume)
      : clock_(clock), interval_(interval), volume_(std::move(volume)) {}

  // Returns whether it logged.
  bool Update(const Progress& progress);
  // Logs the latest progress if the last Update did not: the final numbers.
  void Finish();
  const std::optional<Progress>& last() const { return last_; }

 private:
  void Log(const Progress& progress);

  Clock& clock_;
  std::chrono::milliseconds interval_;
  std::string volume_;
  std::optional<Clock::TimePoint> last_logged_;
  std::optional<Progress> last_;
  bool last_logged_is_latest_ = false;
};

}  // namespace drs::mover
