#pragma once
// KeyRing: the SSH keys of one key holder — the agents' host key of a source
// cluster, the controller's key for that cluster's agents, or the mover key
// of one Replication — with the pure rotation plan and the codec of the
// Secret (in the controller's namespace) that stores the ring.
//
// Rotation (PlanRotation): a ring has at most one active key (no notAfter)
// and any number of retiring ones (notAfter set). When there is no active
// key, or it is older than the interval, a new one is minted and the old
// active key retires with notAfter = now + overlap; retiring keys past
// their notAfter are dropped. A forced rotation (PlanForcedRotation, the
// RemoteCluster's dr-syncer.io/rotate-keys annotation) mints whatever the
// active key's age and retires every live key by now + overlap at the
// latest. Serials only grow (lastSerial is kept even
// when every key was dropped), so "mover/shop/app/7" names one key forever.
//
// Which key to use (KeyForUse): the newest live key that is at least
// `propagation` old — agents learn a new public key only when their
// mounted Secret refreshes — else the newest live key.
//
// Thread-safety: value types (move-only: private keys are SecretBytes) and
// pure functions.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "api/duration.h"
#include "base/clock.h"
#include "base/result.h"
#include "base/secret_bytes.h"

namespace drs::controller::datasync {

// Secret data keys: the ring's public part and one private key per serial.
inline constexpr std::string_view kRingDataKey = "ring.json";
inline constexpr std::string_view kPrivateKeyDataPrefix = "key-";

struct RingKey {
  std::int64_t serial = 0;
  Clock::WallTime created;
  std::optional<Clock::WallTime> not_after;  // set while retiring
  std::string public_key;                    // "ssh-ed25519 AAAA... comment"
  SecretBytes private_key;                   // OpenSSH PEM

  bool Live(Clock::WallTime now) const { return !not_after || now < *not_after; }
};

struct KeyRing {
  std::int64_t last_serial = 0;
  std::vector<RingKey> keys;  // ascending serial
};

struct RotationPlan {
  bool mint = false;
  std::int64_t mint_serial = 0;
  std::map<std::int64_t, Clock::WallTime> retire;  // serial -> notAfter
  std::vector<std::int64_t> drop;
  bool empty() const { return !mint && retire.empty() && drop.empty(); }
};

// How long a retired key keeps working: half the interval, at most a day.
// Long enough for every agent to learn the new key and for movers created
// with the old one to start; short enough that a leaked old key dies soon.
api::Duration RotationOverlap(api::Duration interval);

RotationPlan PlanRotation(const KeyRing& ring, Clock::WallTime now, api::Duration interval,
                          api::Duration overlap);
// Rotation on demand (a key may have leaked): always mints; every live key
// retires with notAfter = now + overlap, or keeps an earlier notAfter it
// already had; dead keys are dropped.
RotationPlan PlanForcedRotation(const KeyRing& ring, Clock::WallTime now, api::Duration overlap);

// Applies `plan`; `minted` is the new key when plan.mint (its serial and
// created time are taken from the plan and `now`).
// REQUIRES: minted is set iff plan.mint.
void ApplyRotation(KeyRing& ring, const RotationPlan& plan, std::optional<RingKey> minted,
                   Clock::WallTime now);

// nullptr when the ring has no live key.
const RingKey* KeyForUse(const KeyRing& ring, Clock::WallTime now, api::Duration propagation);
// The newest live key (what agents present as their host key); nullptr if none.
const RingKey* NewestLive(const KeyRing& ring, Clock::WallTime now);

// The Secret `data` (base64 values) of a ring, and back. Decoding is
// Invalid, naming the entry, on anything malformed; a private key entry
// without its ring.json line is ignored.
nlohmann::json EncodeRingData(const KeyRing& ring);
Result<KeyRing> DecodeRingData(const nlohmann::json& data);

}  // namespace drs::controller::datasync
