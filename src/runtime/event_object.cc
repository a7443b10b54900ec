#include "runtime/event_object.h"

#include <algorithm>
#include <cstdio>

#include "base/rfc3339.h"
#include "kube/object.h"

namespace drs::runtime {
namespace {

constexpr std::string_view kDefaultNamespace = "default";
constexpr std::size_t kHexDigits = 16;  // a uint64 in hex

bool IsDnsSubdomainChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.';
}

void SetIfNotEmpty(nlohmann::json& out, const char* field, std::string value) {
  if (!value.empty()) {
    out[field] = std::move(value);
  }
}

}  // namespace

std::string_view EventTypeName(EventType type) {
  return type == EventType::kWarning ? "Warning" : "Normal";
}

nlohmann::json ObjectReferenceFor(const nlohmann::json& object) {
  nlohmann::json ref = nlohmann::json::object();
  SetIfNotEmpty(ref, "apiVersion", kube::ApiVersion(object));
  SetIfNotEmpty(ref, "kind", kube::Kind(object));
  SetIfNotEmpty(ref, "name", kube::Name(object));
  SetIfNotEmpty(ref, "namespace", kube::Namespace(object));
  SetIfNotEmpty(ref, "uid", kube::Uid(object));
  SetIfNotEmpty(ref, "resourceVersion", kube::ResourceVersion(object));
  return ref;
}

std::string ObjectIdentity(const nlohmann::json& reference) {
  // Separated by '|', which no DNS name, kind or uid contains.
  std::string out;
  for (const char* field : {"apiVersion", "kind", "namespace", "name", "uid"}) {
    const auto it = reference.find(field);
    if (it != reference.end() && it->is_string()) {
      out += it->get_ref<const std::string&>();
    }
    out += '|';
  }
  return out;
}

std::string EventNamespaceFor(const nlohmann::json& object) {
  std::string ns = kube::Namespace(object);
  return ns.empty() ? std::string(kDefaultNamespace) : ns;
}

std::string EventName(std::string_view object_name, std::uint64_t unique) {
  constexpr std::size_t kMaxPrefix = kMaxEventNameLength - 1 - kHexDigits;
  std::string name;
  name.reserve(std::min(object_name.size(), kMaxPrefix) + 1 + kHexDigits);
  for (char c : object_name.substr(0, kMaxPrefix)) {
    const char lower = (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
    name += IsDnsSubdomainChar(lower) ? lower : '-';
  }
  char hex[kHexDigits + 1];
  std::snprintf(hex, sizeof(hex), "%016llx", static_cast<unsigned long long>(unique));
  name += '.';
  name += hex;
  return name;
}

std::string TruncateEventMessage(std::string_view message) {
  if (message.size() <= kMaxEventMessageBytes) {
    return std::string(message);
  }
  std::size_t end = kMaxEventMessageBytes;
  // Back up over continuation bytes (10xxxxxx) to the start of a character.
  while (end > 0 && (static_cast<unsigned char>(message[end]) & 0xC0U) == 0x80U) {
    --end;
  }
  return std::string(message.substr(0, end));
}

nlohmann::json MakeEvent(const EventFields& fields, const EventSource& source) {
  nlohmann::json source_json = {{"component", source.component}};
  SetIfNotEmpty(source_json, "host", source.host);
  nlohmann::json event = {
      {"apiVersion", "v1"},
      {"kind", "Event"},
      {"metadata", {{"name", fields.name}, {"namespace", fields.ns}}},
      {"involvedObject", fields.involved_object},
      {"type", EventTypeName(fields.type)},
      {"reason", fields.reason},
      {"message", TruncateEventMessage(fields.message)},
      {"count", fields.count},
      {"firstTimestamp", FormatRfc3339(fields.first_timestamp)},
      {"lastTimestamp", FormatRfc3339(fields.last_timestamp)},
      {"source", std::move(source_json)},
      {"reportingComponent", source.component},
  };
  SetIfNotEmpty(event, "reportingInstance", source.host);
  return event;
}

nlohmann::json MakeEventCountPatch(std::int32_t count, Clock::WallTime last_timestamp) {
  return {{"count", count}, {"lastTimestamp", FormatRfc3339(last_timestamp)}};
}

}  // namespace drs::runtime
