#include "api/condition.h"

#include <algorithm>
#include <utility>

#include "api/json_reader.h"
#include "base/rfc3339.h"

namespace drs::api {

using nlohmann::json;

namespace {

// Kubernetes keeps whole seconds in metav1.Time; truncating here makes a
// condition we set compare equal to the one we read back.
Clock::WallTime WholeSeconds(Clock::WallTime t) {
  return std::chrono::floor<std::chrono::seconds>(t);
}

}  // namespace

std::string_view ConditionStatusName(ConditionStatus status) {
  switch (status) {
    case ConditionStatus::kTrue:
      return "True";
    case ConditionStatus::kFalse:
      return "False";
    case ConditionStatus::kUnknown:
      return "Unknown";
  }
  return "Unknown";
}

bool SetCondition(std::vector<Condition>& conditions, Condition condition, Clock::WallTime now) {
  if (condition.reason.empty()) condition.reason = "Unknown";
  const Clock::WallTime transition = WholeSeconds(condition.last_transition_time.value_or(now));
  auto it = std::find_if(conditions.begin(), conditions.end(),
                         [&](const Condition& c) { return c.type == condition.type; });
  if (it == conditions.end()) {
    condition.last_transition_time = transition;
    conditions.push_back(std::move(condition));
    return true;
  }
  bool changed = false;
  if (it->status != condition.status || !it->last_transition_time.has_value()) {
    it->status = condition.status;
    it->last_transition_time = transition;
    changed = true;
  }
  if (it->reason != condition.reason) {
    it->reason = std::move(condition.reason);
    changed = true;
  }
  if (it->message != condition.message) {
    it->message = std::move(condition.message);
    changed = true;
  }
  if (it->observed_generation != condition.observed_generation) {
    it->observed_generation = condition.observed_generation;
    changed = true;
  }
  return changed;
}

bool RemoveCondition(std::vector<Condition>& conditions, std::string_view type) {
  return std::erase_if(conditions, [&](const Condition& c) { return c.type == type; }) > 0;
}

const Condition* FindCondition(const std::vector<Condition>& conditions, std::string_view type) {
  for (const Condition& c : conditions) {
    if (c.type == type) return &c;
  }
  return nullptr;
}

bool IsConditionStatus(const std::vector<Condition>& conditions, std::string_view type,
                       ConditionStatus status) {
  const Condition* c = FindCondition(conditions, type);
  return c != nullptr && c->status == status;
}

json ToJson(const Condition& condition) {
  json out = {
      {"type", condition.type},
      {"status", ConditionStatusName(condition.status)},
      {"reason", condition.reason.empty() ? "Unknown" : condition.reason},
      {"message", condition.message},
  };
  // The schema requires a time; a condition that never went through
  // SetCondition gets the epoch rather than a hole that fails validation.
  out["lastTransitionTime"] =
      FormatRfc3339(condition.last_transition_time.value_or(Clock::WallTime{}));
  if (condition.observed_generation != 0) {
    out["observedGeneration"] = condition.observed_generation;
  }
  return out;
}

json ConditionsToJson(const std::vector<Condition>& conditions) {
  json out = json::array();
  for (const Condition& c : conditions) out.push_back(ToJson(c));
  return out;
}

namespace {

void DecodeCondition(ObjectReader& r, Condition& out) {
  if (!r.String("type", out.type)) r.errors().AddRequired(r.PathOf("type"));
  std::string status;
  if (!r.String("status", status)) {
    r.errors().AddRequired(r.PathOf("status"));
  } else if (status == "True") {
    out.status = ConditionStatus::kTrue;
  } else if (status == "False") {
    out.status = ConditionStatus::kFalse;
  } else if (status == "Unknown") {
    out.status = ConditionStatus::kUnknown;
  } else {
    r.errors().Add(r.PathOf("status"), "must be True, False or Unknown, not \"" + status + "\"");
  }
  r.String("reason", out.reason);
  r.String("message", out.message);
  r.Time("lastTransitionTime", out.last_transition_time);
  r.Int64("observedGeneration", out.observed_generation);
}

}  // namespace

Result<Condition> ConditionFromJson(const json& condition) {
  FieldErrors errors;
  if (!condition.is_object()) return InvalidError("a condition must be an object");
  ObjectReader r(&condition, "", &errors);
  Condition out;
  DecodeCondition(r, out);
  DRS_RETURN_IF_ERROR(errors.ToStatus());
  return out;
}

Result<std::vector<Condition>> ConditionsFromJson(const json& conditions) {
  std::vector<Condition> out;
  if (conditions.is_null()) return out;
  if (!conditions.is_array()) return InvalidError("conditions must be a list");
  const json wrapper = {{"conditions", conditions}};
  FieldErrors errors;
  ObjectReader r(&wrapper, "", &errors);
  ReadConditions(r, "conditions", out);
  DRS_RETURN_IF_ERROR(errors.ToStatus());
  return out;
}

void ReadConditions(ObjectReader& status, std::string_view key, std::vector<Condition>& out) {
  std::vector<Condition> decoded;
  status.Objects(key, [&](ObjectReader& item) {
    Condition c;
    DecodeCondition(item, c);
    decoded.push_back(std::move(c));
  });
  out = std::move(decoded);
}

}  // namespace drs::api
