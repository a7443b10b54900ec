#pragma once
// The mover Job and its Secret for one claim in the DR namespace
// (docs/data-sync.md): dr-syncer-agent pull, run once (backoffLimit 0: the
// controller decides retries, with backoff and jitter), with the DR claim
// at /data and the Secret — the Replication's mover private key and a
// known_hosts that pins the source cluster's agent host keys — read-only at
// /etc/dr-syncer/mover, mode 0400.
//
// Order of creation, so the private key never sits in an unowned Secret:
// the Job is created suspended, then the Secret with the Job as its owner
// (garbage-collected with it), then the Job is resumed.
//
// Names: "<replication>-<claim>-<run>", at most 63 characters; when that is
// too long the "<replication>-<claim>" part is shortened and a hash of the
// whole added. The Secret has the Job's name.
//
// Thread-safety: pure functions.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "api/replication.h"
#include "base/clock.h"
#include "base/result.h"
#include "base/secret_bytes.h"
#include "controller/datasync/source_locator.h"

namespace drs::controller::datasync {

// Finished Jobs are kept this long at most; the controller deletes a claim's
// older Jobs itself as soon as a newer one exists.
inline constexpr std::int32_t kMoverJobTtlSeconds = 7 * 24 * 3600;
// activeDeadlineSeconds = timeout + this: the mover's own --timeout fires
// first and reports what it did; the deadline is the backstop.
inline constexpr std::chrono::seconds kMoverDeadlineGrace{60};

struct MoverJobSettings {
  std::string replication;  // "<namespace>/<name>"
  std::string source_ns;
  std::string claim;
  std::string destination_ns;
  std::int64_t run = 1;
  std::int32_t attempt = 0;
  Clock::WallTime created_at;
  std::string image;
  AgentEndpoint endpoint;
  std::int32_t ssh_port = api::kDefaultAgentSshPort;
  std::string key_id;
  api::DataSyncConfig config;
  // The digests recorded after the claim's last successful run (its
  // status); with config.skip_unchanged and both well-formed the mover may
  // skip an unchanged transfer.
  std::string previous_source_digest;
  std::string previous_destination_digest;
};

std::string MoverJobName(std::string_view replication, std::string_view source_ns,
                         std::string_view claim, std::int64_t run);
// The labels every mover Job of this claim carries (for LIST selectors).
std::string MoverSelector(std::string_view replication);

// The container's arguments after the binary: "pull", then the flags.
std::vector<std::string> MoverArgs(const MoverJobSettings& settings);
// The Job, suspended.
nlohmann::json MoverJob(const MoverJobSettings& settings);
// known_hosts lines "[address]:port ssh-ed25519 <base64>", one per host
// key; Invalid for a bad address, port or key line.
Result<std::string> KnownHosts(std::string_view address, std::int32_t port,
                               const std::vector<std::string>& host_public_keys);
// The Secret, owned by the Job (`job_uid`).
nlohmann::json MoverSecret(const MoverJobSettings& settings, std::string_view job_uid,
                           const SecretBytes& private_key, std::string_view known_hosts);

}  // namespace drs::controller::datasync
