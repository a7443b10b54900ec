#pragma once
// KeyStore: the key rings of PVC data sync, one Secret each in the
// controller's namespace — the host key and the controller key of every
// source cluster, the mover key of every Replication (with its volume grant).
// It rotates a ring when it is read for use (key_ring.h), minting through
// the KeyMinter, and on demand (Rotate, RotateMovers: the RemoteCluster's
// dr-syncer.io/rotate-keys annotation), and writes a Secret only when it
// changed. A retired key keeps working for the overlap: the store's
// `overlap`, or when that is zero half the keyRotationInterval, at most a
// day (RotationOverlap). Secrets are
// owned by their RemoteCluster or Replication when those live in the same
// namespace, so deleting the object deletes its keys.
//
// Writes are server-side applies carrying the resourceVersion read, so two
// writers never overwrite each other silently (the loser gets a Conflict
// and its reconcile retries).
//
// Thread-safety: thread-safe (stateless over a thread-safe client). A ring
// may be written by two callers at once (a Replication's step and its
// RemoteCluster's rotate-keys): the resourceVersion makes one of them fail
// with a Conflict and retry; a forced rotation records its token in the
// Secret, so the retry does not rotate a ring twice for one token.

#include <optional>
#include <stop_token>
#include <string>
#include <vector>

#include "api/duration.h"
#include "base/clock.h"
#include "controller/datasync/access_document.h"
#include "controller/datasync/key_minter.h"
#include "controller/datasync/key_ring.h"
#include "kube/object.h"
#include "kubeclient/dynamic_client.h"

namespace drs::controller::datasync {

enum class KeyRole { kHost, kController, kMover };
std::string_view KeyRoleName(KeyRole role);

struct KeyHolder {
  KeyRole role = KeyRole::kMover;
  std::string remote_cluster;  // "<namespace>/<name>" of the source RemoteCluster
  std::string replication;     // "<namespace>/<name>", movers only
  // Set when the owner lives in the controller's namespace.
  std::optional<kube::OwnerReference> owner;

  // "host/<rc>", "controller/<rc>", "mover/<replication>".
  std::string Id() const;
};

// What a ring's Secret holds besides the ring.
struct StoredRing {
  KeyRing ring;
  std::optional<MoverGrant> grant;  // movers
  std::string remote_cluster;       // the holder's source cluster, from its labels
  std::string rotated_for;          // the last rotate-keys token applied to the ring
  bool found = false;
};

// What a rotation on demand did to one ring.
enum class ForcedRotation {
  kRotated,  // a new key was minted, the live ones retire
  kAlready,  // the ring was rotated for this token before (a retry)
  kNoRing,   // no ring (or an unreadable one, which Ensure replaces)
};
struct ForcedRotationCount {
  int rotated = 0;
  int already = 0;
};

class KeyStore {
 public:
  // REQUIRES: every reference outlives the store. `overlap` zero: derived
  // from each cluster's interval (RotationOverlap).
  KeyStore(kubeclient::DynamicClient& local, std::string controller_namespace, KeyMinter& minter,
           Clock& clock, api::Duration overlap = {})
      : local_(local),
        ns_(std::move(controller_namespace)),
        minter_(minter),
        clock_(clock),
        overlap_(overlap) {}

  const std::string& controller_namespace() const { return ns_; }
  // How long a key retired now keeps working, for a cluster rotating on `interval`.
  api::Duration OverlapFor(api::Duration interval) const;
  std::string SecretName(const KeyHolder& holder) const;

  // The ring as stored (empty and !found when there is no Secret yet).
  Result<StoredRing> Load(const KeyHolder& holder, std::stop_token stop);
  // The ring rotated per `interval` (minting the first key if there is
  // none) and, for movers, the grant replaced by `volumes` (grant times
  // kept); written back when anything changed. `changed` says whether it was.
  Result<StoredRing> Ensure(const KeyHolder& holder, api::Duration interval,
                            const std::optional<std::vector<GrantedVolume>>& volumes,
                            std::stop_token stop, bool* changed = nullptr);
  // Rotation on demand (PlanForcedRotation) for the rotate-keys `token`.
  // Never creates a ring; a ring already rotated for `token` is left alone.
  Result<ForcedRotation> Rotate(const KeyHolder& holder, api::Duration interval,
                                const std::string& token, std::stop_token stop);
  // Rotate for every mover ring whose source is `remote_cluster` (with or
  // without a grant).
  Result<ForcedRotationCount> RotateMovers(const std::string& remote_cluster,
                                           api::Duration interval, const std::string& token,
                                           std::stop_token stop);
  // Every mover ring whose source is `remote_cluster`.
  Result<std::vector<StoredRing>> ListMovers(const std::string& remote_cluster,
                                             std::stop_token stop);
  // Deletes the holder's Secret; NotFound is success.
  Status Delete(const KeyHolder& holder, std::stop_token stop);

 private:
  nlohmann::json SecretFor(const KeyHolder& holder, const StoredRing& stored,
                           const std::string& resource_version) const;
  // Rotates the ring in `secret` (as read) for `token` and writes it back.
  Result<ForcedRotation> RotateStored(const KeyHolder& holder, const nlohmann::json& secret,
                                      api::Duration interval, const std::string& token,
                                      std::stop_token stop);
  // The key Secrets of `role` whose source is exactly `remote_cluster`.
  Result<std::vector<nlohmann::json>> ListRings(KeyRole role, const std::string& remote_cluster,
                                                std::stop_token stop);

  kubeclient::DynamicClient& local_;
  const std::string ns_;
  KeyMinter& minter_;
  Clock& clock_;
  const api::Duration overlap_;
};

// The label value that marks a key Secret's source cluster.
std::string RemoteClusterLabelValue(const std::string& remote_cluster);

}  // namespace drs::controller::datasync
