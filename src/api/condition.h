#pragma once
// Condition: metav1.Condition, the status.conditions entries of every kind we
// own, and the helpers controllers use to maintain them with apimachinery's
// semantics (meta.SetStatusCondition): lastTransitionTime moves only when
// the status changes, so "Ready=False since 10:02" keeps meaning "since".
//
// Thread-safety: value types and pure functions.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "api/json_reader.h"
#include "base/clock.h"
#include "base/result.h"

namespace drs::api {

enum class ConditionStatus { kTrue, kFalse, kUnknown };

// "True", "False", "Unknown".
std::string_view ConditionStatusName(ConditionStatus status);

struct Condition {
  std::string type;  // CamelCase, e.g. "Ready"
  ConditionStatus status = ConditionStatus::kUnknown;
  // CamelCase and never empty on the wire (the schema requires it); an
  // empty reason is written as "Unknown".
  std::string reason;
  std::string message;
  // Set by SetCondition when left empty.
  std::optional<Clock::WallTime> last_transition_time;
  std::int64_t observed_generation = 0;

  friend bool operator==(const Condition&, const Condition&) = default;
};

// Adds or updates the condition of `condition.type`. When the status
// changes (or the condition is new), lastTransitionTime becomes
// condition.last_transition_time if set, else `now`; otherwise it keeps the
// old one. Reason, message and observedGeneration always take the new
// values. Returns whether anything changed, so callers can skip a status
// write that would change nothing.
bool SetCondition(std::vector<Condition>& conditions, Condition condition, Clock::WallTime now);

// Returns whether a condition of that type was there.
bool RemoveCondition(std::vector<Condition>& conditions, std::string_view type);

// nullptr when there is none. The pointer is valid until `conditions` changes.
const Condition* FindCondition(const std::vector<Condition>& conditions, std::string_view type);

// True when the condition exists with that status.
bool IsConditionStatus(const std::vector<Condition>& conditions, std::string_view type,
                       ConditionStatus status);
inline bool IsConditionTrue(const std::vector<Condition>& conditions, std::string_view type) {
  return IsConditionStatus(conditions, type, ConditionStatus::kTrue);
}

// The metav1.Condition JSON. Every required field is written (message even
// when empty); observedGeneration only when non-zero.
nlohmann::json ToJson(const Condition& condition);
nlohmann::json ConditionsToJson(const std::vector<Condition>& conditions);

// Invalid, naming the field, when a required field is missing or mistyped or
// the status is not True/False/Unknown.
Result<Condition> ConditionFromJson(const nlohmann::json& condition);
// `conditions` may be null (no conditions). Entries are decoded in order;
// the first bad one fails the whole list with its index in the message.
Result<std::vector<Condition>> ConditionsFromJson(const nlohmann::json& conditions);

// For the status decoders of our kinds: reads `key` of `status` into `out`,
// recording problems under the field's path.
void ReadConditions(ObjectReader& status, std::string_view key, std::vector<Condition>& out);

}  // namespace drs::api
