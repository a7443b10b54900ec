#include "runtime/leader_election_config.h"

#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <random>

namespace drs::runtime {
namespace {

// HOST_NAME_MAX is 64 on Linux; room for it and the terminating NUL.
constexpr std::size_t kHostNameBuffer = 256;

std::string Millis(std::chrono::milliseconds d) { return std::to_string(d.count()) + "ms"; }

std::string Factor(double f) {
  char text[32];
  std::snprintf(text, sizeof(text), "%g", f);
  return text;
}

}  // namespace

Status ValidateLeaderElectionConfig(const LeaderElectionConfig& config) {
  if (config.lease_namespace.empty())
    return InvalidError("leader election: lease namespace is empty");
  if (config.lease_name.empty()) return InvalidError("leader election: lease name is empty");
  if (config.identity.empty()) return InvalidError("leader election: identity is empty");
  if (config.retry_period <= std::chrono::milliseconds::zero()) {
    return InvalidError("leader election: retryPeriod must be positive, got " +
                        Millis(config.retry_period));
  }
  const auto jittered_retry =
      std::chrono::duration<double, std::milli>(config.retry_period) * kJitterFactor;
  if (std::chrono::duration<double, std::milli>(config.renew_deadline) <= jittered_retry) {
    return InvalidError("leader election: renewDeadline (" + Millis(config.renew_deadline) +
                        ") must be greater than retryPeriod*" + Factor(kJitterFactor) + " (" +
                        Millis(config.retry_period) + ")");
  }
  if (config.lease_duration <= config.renew_deadline) {
    return InvalidError(
        "leader election: leaseDuration (" + std::to_string(config.lease_duration.count()) +
        "s) must be greater than renewDeadline (" + Millis(config.renew_deadline) + ")");
  }
  return OkStatus();
}

std::string DefaultIdentity() {
  char host[kHostNameBuffer] = {};
  if (::gethostname(host, sizeof(host) - 1) != 0 || host[0] == '\0') {
    std::snprintf(host, sizeof(host), "unknown-host");
  }
  std::random_device device;
  std::uniform_int_distribution<std::uint32_t> any;
  char suffix[16];
  std::snprintf(suffix, sizeof(suffix), "%08x", any(device));
  return std::string(host) + "_" + std::to_string(::getpid()) + "_" + suffix;
}

}  // namespace drs::runtime
