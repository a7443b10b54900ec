#include "controller/datasync/key_store.h"

#include "base/base64.h"
#include "base/logging.h"
#include "controller/datasync/json_read.h"
#include "controller/datasync/names.h"
#include "sync/keys.h"
#include "sync/namespace_sync.h"

namespace drs::controller::datasync {
namespace {

using nlohmann::json;

const kube::GroupVersionResource kSecrets{"", "v1", "secrets"};

Result<StoredRing> Decode(const json& secret) {
  const json& data = Member(secret, "data");
  StoredRing stored;
  stored.found = true;
  DRS_ASSIGN_OR_RETURN(stored.ring, DecodeRingData(data));
  auto annotations = kube::Annotations(secret);
  stored.remote_cluster = annotations[std::string(kRemoteClusterLabel)];
  stored.rotated_for = annotations[std::string(kRotatedForAnnotation)];
  const std::string grant = StringAt(data, {kGrantDataKey});
  if (!grant.empty()) {
    DRS_ASSIGN_OR_RETURN(std::string text, Base64Decode(grant));
    DRS_ASSIGN_OR_RETURN(stored.grant, GrantFromJson(json::parse(text, nullptr, false)));
  }
  return stored;
}

// The holder a listed key Secret belongs to, from its labels, annotations
// and owner (kept, so that writing it back keeps the garbage collection).
KeyHolder HolderOf(const json& secret, KeyRole role) {
  auto annotations = kube::Annotations(secret);
  KeyHolder holder{.role = role, .remote_cluster = annotations[std::string(kRemoteClusterLabel)]};
  if (role == KeyRole::kMover) {
    const std::string id = annotations[std::string(kKeyHolderAnnotation)];
    const std::string prefix = std::string(KeyRoleName(role)) + "/";
    if (id.starts_with(prefix)) holder.replication = id.substr(prefix.size());
  }
  const auto owners = kube::OwnerReferences(secret);
  if (!owners.empty()) holder.owner = owners.front();
  return holder;
}

}  // namespace

std::string_view KeyRoleName(KeyRole role) {
  switch (role) {
    case KeyRole::kHost:
      return "host";
    case KeyRole::kController:
      return "controller";
    case KeyRole::kMover:
      return "mover";
  }
  return "mover";
}

std::string KeyHolder::Id() const {
  return std::string(KeyRoleName(role)) + "/" +
         (role == KeyRole::kMover ? replication : remote_cluster);
}

api::Duration KeyStore::OverlapFor(api::Duration interval) const {
  return overlap_ > api::Duration::zero() ? overlap_ : RotationOverlap(interval);
}

std::string RemoteClusterLabelValue(const std::string& remote_cluster) {
  return LabelValue(remote_cluster);
}

std::string KeyStore::SecretName(const KeyHolder& holder) const {
  const std::string& object =
      holder.role == KeyRole::kMover ? holder.replication : holder.remote_cluster;
  const std::string name = object.substr(object.find('/') + 1);
  return HashedName("drs-key-" + std::string(KeyRoleName(holder.role)) + "-" + name, holder.Id(),
                    kMaxDnsLabel);
}

json KeyStore::SecretFor(const KeyHolder& holder, const StoredRing& stored,
                         const std::string& resource_version) const {
  json data = EncodeRingData(stored.ring);
  if (stored.grant)
    data[std::string(kGrantDataKey)] = Base64Encode(GrantToJson(*stored.grant).dump());
  json metadata = {
      {"name", SecretName(holder)},
      {"namespace", ns_},
      {"labels",
       {{sync::kManagedByLabel, sync::kManagedByValue},
        {kComponentLabel, kComponentKeys},
        {kKeyRoleLabel, KeyRoleName(holder.role)},
        {kRemoteClusterLabel, RemoteClusterLabelValue(holder.remote_cluster)}}},
      {"annotations",
       {{kKeyHolderAnnotation, holder.Id()}, {kRemoteClusterLabel, holder.remote_cluster}}}};
  if (!stored.rotated_for.empty()) {
    metadata["annotations"][std::string(kRotatedForAnnotation)] = stored.rotated_for;
  }
  if (!resource_version.empty()) metadata["resourceVersion"] = resource_version;
  if (holder.owner) {
    metadata["ownerReferences"] = json::array({{{"apiVersion", holder.owner->api_version},
                                                {"kind", holder.owner->kind},
                                                {"name", holder.owner->name},
                                                {"uid", holder.owner->uid}}});
  }
  return {{"apiVersion", "v1"},
          {"kind", "Secret"},
          {"metadata", std::move(metadata)},
          {"type", "Opaque"},
          {"data", std::move(data)}};
}

Result<StoredRing> KeyStore::Load(const KeyHolder& holder, std::stop_token stop) {
  auto got = local_.Get(kSecrets, ns_, SecretName(holder), stop);
  if (!got.ok()) {
    if (got.error().code() == ErrorCode::kNotFound) return StoredRing{};
    return std::move(got).error().WithContext("reading the keys of " + holder.Id());
  }
  auto decoded = Decode(*got);
  if (!decoded.ok()) {
    return std::move(decoded).error().WithContext("Secret " + ns_ + "/" + SecretName(holder) +
                                                  " (keys of " + holder.Id() + ")");
  }
  return decoded;
}

Result<StoredRing> KeyStore::Ensure(const KeyHolder& holder, api::Duration interval,
                                    const std::optional<std::vector<GrantedVolume>>& volumes,
                                    std::stop_token stop, bool* changed) {
  if (changed != nullptr) *changed = false;
  auto got = local_.Get(kSecrets, ns_, SecretName(holder), stop);
  StoredRing stored;
  std::string resource_version;
  if (got.ok()) {
    resource_version = kube::ResourceVersion(*got);
    auto decoded = Decode(*got);
    // A ring that cannot be read is replaced: its keys are unusable anyway,
    // and the next sync needs a working one.
    if (decoded.ok()) {
      stored = std::move(decoded).value();
    } else {
      GetLogger("datasync")
          ->warn(Fields(
              "replacing an unreadable key Secret",
              {{"secret", ns_ + "/" + SecretName(holder)}, {"error", decoded.error().ToString()}}));
    }
  } else if (got.error().code() != ErrorCode::kNotFound) {
    return std::move(got).error().WithContext("reading the keys of " + holder.Id());
  }
  const auto now = clock_.WallNow();
  bool dirty = !stored.found;
  const RotationPlan plan = PlanRotation(stored.ring, now, interval, OverlapFor(interval));
  if (!plan.empty()) {
    std::optional<RingKey> minted;
    if (plan.mint) {
      DRS_ASSIGN_OR_RETURN(MintedKey key, minter_.Mint("dr-syncer " + holder.Id()));
      minted = RingKey{.public_key = std::move(key.public_key),
                       .private_key = std::move(key.private_key)};
    }
    ApplyRotation(stored.ring, plan, std::move(minted), now);
    dirty = true;
    GetLogger("datasync")
        ->info(
            Fields(plan.mint ? "minted a key" : "dropped expired keys",
                   {{"holder", holder.Id()}, {"serial", std::to_string(stored.ring.last_serial)}}));
  }
  if (holder.role == KeyRole::kMover && volumes) {
    MoverGrant grant{
        .replication = holder.replication,
        .volumes = UpdateGrant(stored.grant ? stored.grant->volumes : std::vector<GrantedVolume>{},
                               *volumes, now)};
    if (!stored.grant || stored.grant->volumes != grant.volumes) {
      stored.grant = std::move(grant);
      dirty = true;
    }
  }
  stored.remote_cluster = holder.remote_cluster;
  if (!dirty) return stored;
  auto applied =
      local_.Apply(kSecrets, ns_, SecretFor(holder, stored, resource_version),
                   {.field_manager = std::string(sync::kFieldManager), .force = true}, "", stop);
  if (!applied.ok()) {
    return std::move(applied).error().WithContext("storing the keys of " + holder.Id());
  }
  stored.found = true;
  if (changed != nullptr) *changed = true;
  return stored;
}

Result<std::vector<json>> KeyStore::ListRings(KeyRole role, const std::string& remote_cluster,
                                              std::stop_token stop) {
  const std::string selector = std::string(kKeyRoleLabel) + "=" + std::string(KeyRoleName(role)) +
                               "," + std::string(kRemoteClusterLabel) + "=" +
                               RemoteClusterLabelValue(remote_cluster);
  DRS_ASSIGN_OR_RETURN(auto listed,
                       local_.ListAll(kSecrets, ns_, {.label_selector = selector}, stop));
  std::vector<json> out;
  for (json& secret : listed.items) {
    // The label is a hash for long names: the annotation says exactly.
    if (kube::Annotations(secret)[std::string(kRemoteClusterLabel)] == remote_cluster) {
      out.push_back(std::move(secret));
    }
  }
  return out;
}

Result<std::vector<StoredRing>> KeyStore::ListMovers(const std::string& remote_cluster,
                                                     std::stop_token stop) {
  DRS_ASSIGN_OR_RETURN(auto listed, ListRings(KeyRole::kMover, remote_cluster, stop));
  std::vector<StoredRing> out;
  for (const json& secret : listed) {
    auto decoded = Decode(secret);
    if (!decoded.ok()) {
      GetLogger("datasync")
          ->warn(Fields(
              "skipping an unreadable mover key Secret",
              {{"secret", ns_ + "/" + kube::Name(secret)}, {"error", decoded.error().ToString()}}));
      continue;
    }
    if (!decoded->grant) continue;
    out.push_back(std::move(decoded).value());
  }
  return out;
}

Result<ForcedRotation> KeyStore::Rotate(const KeyHolder& holder, api::Duration interval,
                                        const std::string& token, std::stop_token stop) {
  auto got = local_.Get(kSecrets, ns_, SecretName(holder), stop);
  if (!got.ok()) {
    if (got.error().code() == ErrorCode::kNotFound) return ForcedRotation::kNoRing;
    return std::move(got).error().WithContext("reading the keys of " + holder.Id());
  }
  return RotateStored(holder, *got, interval, token, stop);
}

Result<ForcedRotationCount> KeyStore::RotateMovers(const std::string& remote_cluster,
                                                   api::Duration interval, const std::string& token,
                                                   std::stop_token stop) {
  DRS_ASSIGN_OR_RETURN(auto listed, ListRings(KeyRole::kMover, remote_cluster, stop));
  ForcedRotationCount count;
  for (const json& secret : listed) {
    const KeyHolder holder = HolderOf(secret, KeyRole::kMover);
    if (holder.replication.empty()) continue;  // not written by us
    DRS_ASSIGN_OR_RETURN(ForcedRotation done, RotateStored(holder, secret, interval, token, stop));
    count.rotated += done == ForcedRotation::kRotated ? 1 : 0;
    count.already += done == ForcedRotation::kAlready ? 1 : 0;
  }
  return count;
}

Result<ForcedRotation> KeyStore::RotateStored(const KeyHolder& holder, const json& secret,
                                              api::Duration interval, const std::string& token,
                                              std::stop_token stop) {
  auto decoded = Decode(secret);
  if (!decoded.ok()) {
    // Its keys are unusable already, and the next Ensure replaces it.
    GetLogger("datasync")
        ->warn(Fields(
            "not rotating an unreadable key Secret",
            {{"secret", ns_ + "/" + kube::Name(secret)}, {"error", decoded.error().ToString()}}));
    return ForcedRotation::kNoRing;
  }
  StoredRing stored = std::move(decoded).value();
  if (stored.rotated_for == token) return ForcedRotation::kAlready;
  const auto now = clock_.WallNow();
  const RotationPlan plan = PlanForcedRotation(stored.ring, now, OverlapFor(interval));
  DRS_ASSIGN_OR_RETURN(MintedKey key, minter_.Mint("dr-syncer " + holder.Id()));
  ApplyRotation(
      stored.ring, plan,
      RingKey{.public_key = std::move(key.public_key), .private_key = std::move(key.private_key)},
      now);
  stored.rotated_for = token;
  stored.remote_cluster = holder.remote_cluster;
  auto applied =
      local_.Apply(kSecrets, ns_, SecretFor(holder, stored, kube::ResourceVersion(secret)),
                   {.field_manager = std::string(sync::kFieldManager), .force = true}, "", stop);
  if (!applied.ok()) {
    return std::move(applied).error().WithContext("rotating the keys of " + holder.Id());
  }
  GetLogger("datasync")
      ->info(Fields("rotated a key on demand", {{"holder", holder.Id()},
                                                {"serial", std::to_string(stored.ring.last_serial)},
                                                {"retired", std::to_string(plan.retire.size())},
                                                {"token", token}}));
  return ForcedRotation::kRotated;
}

Status KeyStore::Delete(const KeyHolder& holder, std::stop_token stop) {
  auto deleted = local_.Delete(kSecrets, ns_, SecretName(holder), {}, stop);
  if (!deleted.ok() && deleted.error().code() != ErrorCode::kNotFound) return deleted;
  return OkStatus();
}

}  // namespace drs::controller::datasync
