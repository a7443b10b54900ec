#pragma once
// Test helpers shared by the agent's unit tests: deterministic Ed25519
// public key lines and access.json documents. Header-only, test-only.
//
// Thread-safety: pure functions.

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "sshkeys/public_key.h"

namespace drs::agent::test {

// "ssh-ed25519 <base64>" of the 32-byte key fill,fill,...; distinct fills
// give distinct keys.
inline std::string KeyLine(char fill) {
  return sshkeys::PublicKey::FromRaw(std::string(sshkeys::kEd25519PublicKeyBytes, fill))->ToLine();
}

inline nlohmann::json MoverKey(const std::string& id, char fill, const std::string& ns,
                               const std::string& claim, const std::string& volume) {
  return {{"id", id},
          {"role", "mover"},
          {"publicKey", KeyLine(fill) + " dr-syncer mover"},
          {"volumes", {{{"namespace", ns}, {"claim", claim}, {"volumeName", volume}}}}};
}

inline nlohmann::json ControllerKey(const std::string& id, char fill) {
  return {{"id", id}, {"role", "controller"}, {"publicKey", KeyLine(fill)}};
}

// A vector, not a json: nlohmann turns a one-element braced list of an
// object into that object rather than an array.
inline std::string AccessJson(const std::vector<nlohmann::json>& keys) {
  nlohmann::json doc = {{"version", 1}, {"keys", nlohmann::json::array()}};
  for (const auto& key : keys) doc["keys"].push_back(key);
  return doc.dump();
}

}  // namespace drs::agent::test
