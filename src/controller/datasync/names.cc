#include "controller/datasync/names.h"

#include "sync/desired_hash.h"
#include "sync/transform.h"

namespace drs::controller::datasync {
namespace {

bool IsDnsChar(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'; }
bool IsAlnum(char c) { return IsDnsChar(c) && c != '-'; }

std::string TrimToAlnum(std::string s) {
  while (!s.empty() && !IsAlnum(s.back())) s.pop_back();
  std::size_t start = 0;
  while (start < s.size() && !IsAlnum(s[start])) ++start;
  return s.substr(start);
}

}  // namespace

std::string HashedName(std::string_view readable, std::string_view identity, std::size_t max) {
  const std::string hash = sync::Sha256Hex(identity).substr(0, kNameHashDigits);
  std::string name;
  name.reserve(readable.size());
  for (char c : readable) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    name.push_back(IsDnsChar(c) ? c : '-');
  }
  name = TrimToAlnum(std::move(name));
  const std::size_t room = max > hash.size() + 1 ? max - hash.size() - 1 : 0;
  if (name.size() > room) name = TrimToAlnum(name.substr(0, room));
  return name.empty() ? hash : name + "-" + hash;
}

bool IsDnsLabel(std::string_view name) {
  if (name.empty() || name.size() > kMaxDnsLabel) return false;
  if (!IsAlnum(name.front()) || !IsAlnum(name.back())) return false;
  for (char c : name) {
    if (!IsDnsChar(c)) return false;
  }
  return true;
}

std::string LabelValue(std::string_view value) { return sync::ReplicationLabelValue(value); }

std::string ObjectId(std::string_view ns, std::string_view name) {
  return std::string(ns) + "/" + std::string(name);
}

}  // namespace drs::controller::datasync
