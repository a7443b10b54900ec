#pragma once
// The core/v1 Event objects the event recorder sends, built without I/O:
// the involvedObject reference, the namespace and name an Event gets, the
// Event itself and the merge patch that bumps its count.
//
// Thread-safety: pure functions.

#include <cstdint>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "base/clock.h"

namespace drs::runtime {

enum class EventType { kNormal, kWarning };
std::string_view EventTypeName(EventType type);  // "Normal", "Warning"

// The API server's limit on a name (a DNS subdomain), and the message
// length the events.k8s.io API enforces, which core/v1 readers expect too.
inline constexpr std::size_t kMaxEventNameLength = 253;
inline constexpr std::size_t kMaxEventMessageBytes = 1024;

// involvedObject: apiVersion, kind, name, namespace, uid and
// resourceVersion of `object`; absent fields are left out.
nlohmann::json ObjectReferenceFor(const nlohmann::json& object);
// A string that identifies the object of a reference (its uid and names),
// for correlating events about it.
std::string ObjectIdentity(const nlohmann::json& reference);
// The object's namespace, or "default" for a cluster-scoped object (where
// client-go puts those Events).
std::string EventNamespaceFor(const nlohmann::json& object);
// "<object name>.<unique as 16 hex digits>". Characters a DNS subdomain
// does not allow become '-', and the name part is shortened to fit.
std::string EventName(std::string_view object_name, std::uint64_t unique);
// At most kMaxEventMessageBytes, cut at a UTF-8 character boundary.
std::string TruncateEventMessage(std::string_view message);

struct EventSource {
  std::string component;  // e.g. "dr-syncer"
  std::string host;       // the pod or node; may be empty
};

struct EventFields {
  std::string name;
  std::string ns;
  nlohmann::json involved_object;
  EventType type = EventType::kNormal;
  std::string reason;
  std::string message;
  std::int32_t count = 1;
  Clock::WallTime first_timestamp;
  Clock::WallTime last_timestamp;
};

// A complete v1 Event, ready to POST.
nlohmann::json MakeEvent(const EventFields& fields, const EventSource& source);
// The JSON merge patch that records another occurrence of an existing Event.
nlohmann::json MakeEventCountPatch(std::int32_t count, Clock::WallTime last_timestamp);

}  // namespace drs::runtime
