#include "controller/datasync/key_ring.h"

#include <algorithm>

#include "base/base64.h"
#include "base/rfc3339.h"
#include "controller/datasync/json_read.h"

namespace drs::controller::datasync {
namespace {

constexpr api::Duration kMaxOverlap = std::chrono::hours(24);

std::string PrivateKeyName(std::int64_t serial) {
  return std::string(kPrivateKeyDataPrefix) + std::to_string(serial);
}

}  // namespace

api::Duration RotationOverlap(api::Duration interval) {
  return std::min<api::Duration>(interval / 2, kMaxOverlap);
}

RotationPlan PlanRotation(const KeyRing& ring, Clock::WallTime now, api::Duration interval,
                          api::Duration overlap) {
  RotationPlan plan;
  const RingKey* active = nullptr;
  for (const RingKey& k : ring.keys) {
    if (!k.Live(now)) {
      plan.drop.push_back(k.serial);
    } else if (!k.not_after && (active == nullptr || k.serial > active->serial)) {
      active = &k;
    }
  }
  const bool due = active == nullptr || now - active->created >= interval;
  if (!due) return plan;
  plan.mint = true;
  plan.mint_serial = ring.last_serial + 1;
  const auto not_after = now + std::chrono::duration_cast<Clock::WallTime::duration>(overlap);
  for (const RingKey& k : ring.keys) {
    if (k.Live(now) && !k.not_after) plan.retire[k.serial] = not_after;
  }
  return plan;
}

RotationPlan PlanForcedRotation(const KeyRing& ring, Clock::WallTime now, api::Duration overlap) {
  RotationPlan plan;
  plan.mint = true;
  plan.mint_serial = ring.last_serial + 1;
  const auto not_after = now + std::chrono::duration_cast<Clock::WallTime::duration>(overlap);
  for (const RingKey& k : ring.keys) {
    if (!k.Live(now)) {
      plan.drop.push_back(k.serial);
    } else if (!k.not_after || *k.not_after > not_after) {
      plan.retire[k.serial] = not_after;
    }
  }
  return plan;
}

void ApplyRotation(KeyRing& ring, const RotationPlan& plan, std::optional<RingKey> minted,
                   Clock::WallTime now) {
  std::erase_if(ring.keys, [&](const RingKey& k) {
    return std::find(plan.drop.begin(), plan.drop.end(), k.serial) != plan.drop.end();
  });
  for (RingKey& k : ring.keys) {
    auto it = plan.retire.find(k.serial);
    if (it != plan.retire.end()) k.not_after = it->second;
  }
  if (plan.mint && minted) {
    minted->serial = plan.mint_serial;
    minted->created = now;
    minted->not_after.reset();
    ring.last_serial = std::max(ring.last_serial, plan.mint_serial);
    ring.keys.push_back(std::move(*minted));
  }
  std::sort(ring.keys.begin(), ring.keys.end(),
            [](const RingKey& a, const RingKey& b) { return a.serial < b.serial; });
}

const RingKey* KeyForUse(const KeyRing& ring, Clock::WallTime now, api::Duration propagation) {
  const auto settle = std::chrono::duration_cast<Clock::WallTime::duration>(propagation);
  for (auto it = ring.keys.rbegin(); it != ring.keys.rend(); ++it) {
    if (it->Live(now) && it->created + settle <= now) return &*it;
  }
  return NewestLive(ring, now);
}

const RingKey* NewestLive(const KeyRing& ring, Clock::WallTime now) {
  for (auto it = ring.keys.rbegin(); it != ring.keys.rend(); ++it) {
    if (it->Live(now)) return &*it;
  }
  return nullptr;
}

nlohmann::json EncodeRingData(const KeyRing& ring) {
  nlohmann::json keys = nlohmann::json::array();
  nlohmann::json data = nlohmann::json::object();
  for (const RingKey& k : ring.keys) {
    nlohmann::json entry = {
        {"serial", k.serial}, {"created", FormatRfc3339(k.created)}, {"publicKey", k.public_key}};
    if (k.not_after) entry["notAfter"] = FormatRfc3339(*k.not_after);
    keys.push_back(std::move(entry));
    data[PrivateKeyName(k.serial)] = Base64Encode(k.private_key.reveal());
  }
  const nlohmann::json ring_json = {{"lastSerial", ring.last_serial}, {"keys", keys}};
  data[std::string(kRingDataKey)] = Base64Encode(ring_json.dump());
  return data;
}

Result<KeyRing> DecodeRingData(const nlohmann::json& data) {
  if (!data.is_object()) return InvalidError("key Secret: data is not an object");
  auto encoded = data.find(std::string(kRingDataKey));
  if (encoded == data.end() || !encoded->is_string()) {
    return InvalidError("key Secret: no " + std::string(kRingDataKey));
  }
  DRS_ASSIGN_OR_RETURN(std::string text, Base64Decode(encoded->get<std::string>()));
  const auto parsed = nlohmann::json::parse(text, nullptr, false);
  if (!Member(parsed, "keys").is_array()) {
    return InvalidError("key Secret: " + std::string(kRingDataKey) + " is not a key ring");
  }
  KeyRing ring;
  ring.last_serial = IntAt(parsed, {"lastSerial"});
  for (const auto& entry : ArrayAt(parsed, {"keys"})) {
    if (!Member(entry, "serial").is_number_integer() || !Member(entry, "publicKey").is_string()) {
      return InvalidError("key Secret: a key entry lacks serial or publicKey");
    }
    RingKey k;
    k.serial = IntAt(entry, {"serial"});
    k.public_key = StringAt(entry, {"publicKey"});
    DRS_ASSIGN_OR_RETURN(k.created, ParseRfc3339(StringAt(entry, {"created"})));
    if (!Member(entry, "notAfter").is_null()) {
      DRS_ASSIGN_OR_RETURN(k.not_after, ParseRfc3339(StringAt(entry, {"notAfter"})));
    }
    auto priv = data.find(PrivateKeyName(k.serial));
    if (priv == data.end() || !priv->is_string()) {
      return InvalidError("key Secret: no private key for serial " + std::to_string(k.serial));
    }
    auto bytes = Base64Decode(priv->get<std::string>());
    if (!bytes.ok()) {
      return InvalidError("key Secret: private key " + std::to_string(k.serial) +
                          " is not valid base64");
    }
    k.private_key = SecretBytes(std::move(bytes).value());
    ring.last_serial = std::max(ring.last_serial, k.serial);
    ring.keys.push_back(std::move(k));
  }
  std::sort(ring.keys.begin(), ring.keys.end(),
            [](const RingKey& a, const RingKey& b) { return a.serial < b.serial; });
  return ring;
}

}  // namespace drs::controller::datasync
