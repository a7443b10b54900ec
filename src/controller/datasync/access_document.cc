#include "controller/datasync/access_document.h"

#include <algorithm>
#include <tuple>

#include "base/rfc3339.h"
#include "controller/datasync/json_read.h"

namespace drs::controller::datasync {
namespace {

nlohmann::json KeyEntry(std::string id, std::string_view role, const RingKey& key) {
  nlohmann::json entry = {{"id", std::move(id)}, {"role", role}, {"publicKey", key.public_key}};
  if (key.not_after) entry["notAfter"] = FormatRfc3339(*key.not_after);
  return entry;
}

bool VolumeLess(const GrantedVolume& a, const GrantedVolume& b) {
  return std::tie(a.ns, a.claim) < std::tie(b.ns, b.claim);
}

}  // namespace

std::string ControllerKeyId(std::int64_t serial) { return "controller/" + std::to_string(serial); }

std::string MoverKeyId(std::string_view replication, std::int64_t serial) {
  return "mover/" + std::string(replication) + "/" + std::to_string(serial);
}

nlohmann::json BuildAccessDocument(const KeyRing& controller,
                                   const std::vector<MoverAccess>& movers, Clock::WallTime now) {
  nlohmann::json keys = nlohmann::json::array();
  for (const RingKey& k : controller.keys) {
    if (k.Live(now)) keys.push_back(KeyEntry(ControllerKeyId(k.serial), "controller", k));
  }
  std::vector<MoverAccess> sorted = movers;
  std::sort(sorted.begin(), sorted.end(), [](const MoverAccess& a, const MoverAccess& b) {
    return a.grant->replication < b.grant->replication;
  });
  for (const MoverAccess& m : sorted) {
    nlohmann::json volumes = nlohmann::json::array();
    for (const GrantedVolume& v : m.grant->volumes) {
      volumes.push_back({{"namespace", v.ns}, {"claim", v.claim}, {"volumeName", v.volume_name}});
    }
    for (const RingKey& k : m.ring->keys) {
      if (!k.Live(now)) continue;
      nlohmann::json entry = KeyEntry(MoverKeyId(m.grant->replication, k.serial), "mover", k);
      entry["volumes"] = volumes;
      keys.push_back(std::move(entry));
    }
  }
  return {{"version", kAccessVersion}, {"keys", std::move(keys)}};
}

std::vector<GrantedVolume> UpdateGrant(const std::vector<GrantedVolume>& current,
                                       std::vector<GrantedVolume> wanted, Clock::WallTime now) {
  for (GrantedVolume& w : wanted) {
    w.granted = now;
    for (const GrantedVolume& c : current) {
      if (c.ns == w.ns && c.claim == w.claim && c.volume_name == w.volume_name) {
        w.granted = c.granted;
      }
    }
  }
  std::sort(wanted.begin(), wanted.end(), VolumeLess);
  return wanted;
}

nlohmann::json GrantToJson(const MoverGrant& grant) {
  nlohmann::json volumes = nlohmann::json::array();
  for (const GrantedVolume& v : grant.volumes) {
    volumes.push_back({{"namespace", v.ns},
                       {"claim", v.claim},
                       {"volumeName", v.volume_name},
                       {"granted", FormatRfc3339(v.granted)}});
  }
  return {{"replication", grant.replication}, {"volumes", std::move(volumes)}};
}

Result<MoverGrant> GrantFromJson(const nlohmann::json& json) {
  if (!Member(json, "replication").is_string() || !Member(json, "volumes").is_array()) {
    return InvalidError("grant: not an object with replication and volumes");
  }
  MoverGrant grant;
  grant.replication = StringAt(json, {"replication"});
  for (const auto& v : ArrayAt(json, {"volumes"})) {
    if (!v.is_object()) return InvalidError("grant: a volume is not an object");
    GrantedVolume g{.ns = StringAt(v, {"namespace"}),
                    .claim = StringAt(v, {"claim"}),
                    .volume_name = StringAt(v, {"volumeName"}),
                    .granted = {}};
    DRS_ASSIGN_OR_RETURN(g.granted, ParseRfc3339(StringAt(v, {"granted"})));
    if (g.ns.empty() || g.claim.empty()) return InvalidError("grant: a volume lacks its claim");
    grant.volumes.push_back(std::move(g));
  }
  return grant;
}

}  // namespace drs::controller::datasync
