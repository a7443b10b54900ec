#include "agent/access_policy.h"

#include <set>
#include <utility>

#include <nlohmann/json.hpp>

#include "agent/identifiers.h"
#include "base/file_util.h"
#include "base/rfc3339.h"
#include "sshkeys/public_key.h"

namespace drs::agent {
namespace {

using nlohmann::json;

// access.json holds a few hundred keys at most; 1 MiB is far above that and
// keeps a wrong mount from costing memory.
constexpr std::size_t kMaxAccessFileBytes = std::size_t{1} << 20;

Error Bad(const std::string& where, const std::string& why) {
  return InvalidError(where + ": " + why);
}

// The string at obj[field]; Invalid when missing or not a string.
Result<std::string> RequiredString(const json& obj, const char* field, const std::string& where) {
  const auto it = obj.find(field);
  if (it == obj.end()) return Bad(where, std::string("missing \"") + field + "\"");
  if (!it->is_string()) return Bad(where, std::string("\"") + field + "\" must be a string");
  return it->get<std::string>();
}

Result<KeyRole> ParseRole(const std::string& text, const std::string& where) {
  if (text == "controller") return KeyRole::kController;
  if (text == "mover") return KeyRole::kMover;
  return Bad(where, "role \"" + text + "\" is not one of controller, mover");
}

Result<VolumeGrant> ParseVolume(const json& item, const std::string& where) {
  if (!item.is_object()) return Bad(where, "must be an object");
  DRS_ASSIGN_OR_RETURN(std::string ns, RequiredString(item, "namespace", where));
  DRS_ASSIGN_OR_RETURN(std::string claim, RequiredString(item, "claim", where));
  DRS_ASSIGN_OR_RETURN(std::string volume, RequiredString(item, "volumeName", where));
  if (!IsDnsLabel(ns)) return Bad(where, "namespace \"" + ns + "\" is not a DNS-1123 label");
  if (!IsDnsSubdomain(claim)) {
    return Bad(where, "claim \"" + claim + "\" is not a DNS-1123 subdomain");
  }
  if (!IsDnsSubdomain(volume)) {
    return Bad(where, "volumeName \"" + volume + "\" is not a DNS-1123 subdomain");
  }
  return VolumeGrant{.ns = std::move(ns), .claim = std::move(claim), .volume_name = volume};
}

Result<std::vector<VolumeGrant>> ParseVolumes(const json& key, const std::string& where) {
  std::vector<VolumeGrant> volumes;
  const auto it = key.find("volumes");
  if (it == key.end() || it->is_null()) return volumes;
  if (!it->is_array()) return Bad(where, "\"volumes\" must be an array");
  std::set<std::pair<std::string, std::string>> seen;
  for (std::size_t i = 0; i < it->size(); ++i) {
    DRS_ASSIGN_OR_RETURN(VolumeGrant grant,
                         ParseVolume((*it)[i], where + ": volumes[" + std::to_string(i) + "]"));
    if (!seen.emplace(grant.ns, grant.claim).second) {
      return Bad(where, "volume " + grant.ns + "/" + grant.claim + " is listed twice");
    }
    volumes.push_back(std::move(grant));
  }
  return volumes;
}

Result<Clock::WallTime> ParseNotAfter(const json& value, const std::string& where) {
  if (!value.is_string()) return Bad(where, "\"notAfter\" must be a string");
  auto time = ParseRfc3339(value.get<std::string>());
  if (!time.ok()) return Bad(where, "notAfter: " + time.error().message());
  return Clock::WallTime(std::chrono::floor<std::chrono::seconds>(*time));
}

Result<AccessKey> ParseKey(const json& item, std::size_t index) {
  std::string where = "keys[" + std::to_string(index) + "]";
  if (!item.is_object()) return Bad(where, "must be an object");
  DRS_ASSIGN_OR_RETURN(std::string id, RequiredString(item, "id", where));
  if (!IsKeyId(id)) return Bad(where, "id must match [A-Za-z0-9._/-]{1,200}");
  where = "key \"" + id + "\"";
  DRS_ASSIGN_OR_RETURN(const std::string role_text, RequiredString(item, "role", where));
  DRS_ASSIGN_OR_RETURN(const KeyRole role, ParseRole(role_text, where));
  DRS_ASSIGN_OR_RETURN(const std::string line, RequiredString(item, "publicKey", where));
  auto parsed = sshkeys::ParsePublicKeyLine(line);
  if (!parsed.ok()) return Bad(where, "publicKey: " + parsed.error().ToString());
  AccessKey key{.id = std::move(id), .role = role, .public_key = parsed->key.ToLine()};
  if (const auto it = item.find("notAfter"); it != item.end() && !it->is_null()) {
    DRS_ASSIGN_OR_RETURN(key.not_after, ParseNotAfter(*it, where));
  }
  DRS_ASSIGN_OR_RETURN(key.volumes, ParseVolumes(item, where));
  if (role == KeyRole::kController && !key.volumes.empty()) {
    return Bad(where, "a controller key may not list volumes");
  }
  return key;
}

Result<AccessPolicy> ParseDocument(const json& doc) {
  if (!doc.is_object()) return InvalidError("access policy must be a JSON object");
  const auto version = doc.find("version");
  if (version == doc.end() || !version->is_number_integer() ||
      version->get<long long>() != kAccessPolicyVersion) {
    return InvalidError("access policy \"version\" must be " +
                        std::to_string(kAccessPolicyVersion));
  }
  const auto keys = doc.find("keys");
  if (keys == doc.end() || !keys->is_array()) {
    return InvalidError("access policy \"keys\" must be an array");
  }
  AccessPolicy policy;
  std::set<std::string> ids;
  std::set<std::string> public_keys;
  for (std::size_t i = 0; i < keys->size(); ++i) {
    DRS_ASSIGN_OR_RETURN(AccessKey key, ParseKey((*keys)[i], i));
    if (!ids.insert(key.id).second) {
      return InvalidError("key \"" + key.id + "\" is listed twice");
    }
    // sshd picks the first line whose key matches: two ids on one key would
    // make the identity, and so the permissions, depend on file order.
    if (!public_keys.insert(key.public_key).second) {
      return InvalidError("key \"" + key.id + "\" has the same public key as another entry");
    }
    policy.keys.push_back(std::move(key));
  }
  return policy;
}

}  // namespace

std::string_view KeyRoleName(KeyRole role) {
  return role == KeyRole::kController ? "controller" : "mover";
}

bool AccessKey::ExpiredAt(Clock::WallTime now) const {
  return not_after.has_value() && now >= *not_after;
}

const VolumeGrant* AccessKey::FindVolume(std::string_view ns, std::string_view claim) const {
  for (const VolumeGrant& grant : volumes) {
    if (grant.ns == ns && grant.claim == claim) return &grant;
  }
  return nullptr;
}

const AccessKey* AccessPolicy::FindKey(std::string_view id) const {
  for (const AccessKey& key : keys) {
    if (key.id == id) return &key;
  }
  return nullptr;
}

Result<AccessPolicy> ParseAccessPolicy(std::string_view json_text) {
  json doc;
  try {
    doc = json::parse(json_text);
  } catch (const json::exception& e) {
    return InvalidError(std::string("access policy is not valid JSON: ") + e.what());
  }
  return ParseDocument(doc);
}

Result<AccessPolicy> LoadAccessPolicy(const std::string& path) {
  auto text = ReadFileToString(path, kMaxAccessFileBytes);
  if (!text.ok()) return std::move(text).error().WithContext("reading access file " + path);
  auto policy = ParseAccessPolicy(*text);
  if (!policy.ok()) return std::move(policy).error().WithContext("in access file " + path);
  return policy;
}

}  // namespace drs::agent
