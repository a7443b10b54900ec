#pragma once
// LabelSelector: which objects a Replication, a watch or a list selects by
// their labels. Built from the string syntax of kubectl and the
// `labelSelector` query parameter, or from a metav1.LabelSelector in our
// CRDs; prints back to the string syntax so the API server can filter.
//
// String syntax (apimachinery's labels.Parse, without the '<'/'>' numeric
// operators): comma-separated requirements, all of which must hold:
//   a=b  a==b  a!=b  a in (x,y)  a notin (x)  a  !a
// A requirement on an absent label: != and notin hold, = and in do not.
//
// Thread-safety: an immutable value after construction; safe to share.

#include <compare>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "base/result.h"

namespace drs::kube {

class LabelSelector {
 public:
  // Declaration order is the canonical order of requirements on one key.
  enum class Operator { kEquals, kNotEquals, kIn, kNotIn, kExists, kDoesNotExist };

  struct Requirement {
    std::string key;
    Operator op = Operator::kExists;
    // Sorted and unique: exactly one for (Not)Equals, at least one for
    // (Not)In, none for Exists/DoesNotExist.
    std::vector<std::string> values;

    bool Matches(const std::map<std::string, std::string>& labels) const;
    std::string ToString() const;  // "a in (x,y)"
    friend auto operator<=>(const Requirement&, const Requirement&) = default;
  };

  // The empty selector, which matches every object.
  LabelSelector() = default;

  // Parses the string syntax; "" (or only whitespace) is the empty selector.
  static Result<LabelSelector> Parse(std::string_view text);

  // Converts a metav1.LabelSelector: matchLabels become Equals requirements,
  // matchExpressions take In, NotIn, Exists or DoesNotExist. `selector` must
  // be a JSON object: Kubernetes reads an absent selector as "nothing" in some
  // APIs and "everything" in others, so the caller decides what absence means.
  static Result<LabelSelector> FromJson(const nlohmann::json& selector);

  // Every label in `labels` must equal its value (client-go's SelectorFromSet).
  static Result<LabelSelector> FromLabels(const std::map<std::string, std::string>& labels);

  // Validates the key and values against Kubernetes' label rules and the
  // operator's value count, and sorts and deduplicates the values. Invalid
  // errors name the key.
  static Result<Requirement> MakeRequirement(std::string key, Operator op,
                                             std::vector<std::string> values);
  // Each requirement goes through MakeRequirement.
  static Result<LabelSelector> FromRequirements(std::vector<Requirement> requirements);

  bool Matches(const std::map<std::string, std::string>& labels) const;
  // True when the selector has no requirements and so matches everything.
  bool Empty() const { return requirements_.empty(); }

  // The canonical string form: requirements sorted and deduplicated, "==" as
  // "=", values sorted. Parse(ToString()) yields an equal selector; "" for
  // the empty selector.
  std::string ToString() const;

  const std::vector<Requirement>& requirements() const { return requirements_; }
  friend bool operator==(const LabelSelector&, const LabelSelector&) = default;

 private:
  // REQUIRES: every requirement came from MakeRequirement.
  explicit LabelSelector(std::vector<Requirement> requirements);

  std::vector<Requirement> requirements_;  // sorted, unique
};

// "In", "NotIn", "Exists", "DoesNotExist" as metav1.LabelSelectorOperator
// spells them, and "Equals", "NotEquals" for '=' and '!='; for messages.
std::string_view OperatorName(LabelSelector::Operator op);

}  // namespace drs::kube
