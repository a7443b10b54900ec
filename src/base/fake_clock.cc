#include "base/fake_clock.h"

namespace drs {

namespace {
// A fixed, recognisable start so test output is reproducible.
constexpr auto kWallEpoch = std::chrono::sys_days{std::chrono::year{2026} / 1 / 1};
}  // namespace

FakeClock::FakeClock() : now_(TimePoint{} + std::chrono::hours(1)), wall_now_(kWallEpoch) {}

Clock::TimePoint FakeClock::Now() const {
  std::lock_guard lock(mu_);
  return now_;
}

Clock::WallTime FakeClock::WallNow() const {
  std::lock_guard lock(mu_);
  return wall_now_;
}

bool FakeClock::SleepUntil(TimePoint deadline, std::stop_token stop) {
  std::unique_lock lock(mu_);
  ++sleepers_;
  cv_.notify_all();
  const bool reached = cv_.wait(lock, stop, [&] { return now_ >= deadline; });
  --sleepers_;
  return reached;
}

void FakeClock::Advance(Duration d) {
  {
    std::lock_guard lock(mu_);
    now_ += d;
    wall_now_ += std::chrono::duration_cast<std::chrono::system_clock::duration>(d);
  }
  cv_.notify_all();
}

void FakeClock::SetWall(WallTime t) {
  std::lock_guard lock(mu_);
  wall_now_ = t;
}

void FakeClock::WaitForSleepers(int n) {
  std::unique_lock lock(mu_);
  cv_.wait(lock, [&] { return sleepers_ >= n; });
}

int FakeClock::sleepers() const {
  std::lock_guard lock(mu_);
  return sleepers_;
}

}  // namespace drs
