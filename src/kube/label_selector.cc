// LabelSelector construction, matching and printing. The string parser lives
// in label_selector_parse.cc.
#include "kube/label_selector.h"

#include <algorithm>
#include <utility>

#include "kube/label_validation.h"

namespace drs::kube {
namespace {

using nlohmann::json;
using Operator = LabelSelector::Operator;

std::string Quote(std::string_view s) { return "\"" + std::string(s) + "\""; }

const json* Child(const json& j, std::string_view key) {
  const auto it = j.find(key);
  return it == j.end() || it->is_null() ? nullptr : &*it;
}

// matchExpressions[].operator; only the four metav1 operators are allowed.
Result<Operator> OperatorFromJson(const json* op) {
  if (op == nullptr || !op->is_string()) return InvalidError("operator must be a string");
  const auto& name = op->get_ref<const std::string&>();
  for (Operator candidate :
       {Operator::kIn, Operator::kNotIn, Operator::kExists, Operator::kDoesNotExist}) {
    if (name == OperatorName(candidate)) return candidate;
  }
  return InvalidError("unknown operator " + Quote(name) +
                      " (want In, NotIn, Exists or DoesNotExist)");
}

Result<std::vector<std::string>> ValuesFromJson(const json* values) {
  std::vector<std::string> out;
  if (values == nullptr) return out;
  if (!values->is_array()) return InvalidError("values must be a list of strings");
  for (const json& value : *values) {
    if (!value.is_string()) {
      return InvalidError("values must be strings, got " +
                          value.dump(-1, ' ', false, json::error_handler_t::replace));
    }
    out.push_back(value.get<std::string>());
  }
  return out;
}

Result<LabelSelector::Requirement> ExpressionFromJson(const json& expression) {
  if (!expression.is_object()) return InvalidError("must be an object");
  const json* key = Child(expression, "key");
  if (key == nullptr || !key->is_string()) return InvalidError("key must be a string");
  DRS_ASSIGN_OR_RETURN(Operator op, OperatorFromJson(Child(expression, "operator")));
  DRS_ASSIGN_OR_RETURN(std::vector<std::string> values,
                       ValuesFromJson(Child(expression, "values")));
  return LabelSelector::MakeRequirement(key->get<std::string>(), op, std::move(values));
}

}  // namespace

std::string_view OperatorName(Operator op) {
  switch (op) {
    case Operator::kEquals:
      return "Equals";
    case Operator::kNotEquals:
      return "NotEquals";
    case Operator::kIn:
      return "In";
    case Operator::kNotIn:
      return "NotIn";
    case Operator::kExists:
      return "Exists";
    case Operator::kDoesNotExist:
      return "DoesNotExist";
  }
  return "Unknown";
}

bool LabelSelector::Requirement::Matches(const std::map<std::string, std::string>& labels) const {
  const auto it = labels.find(key);
  const bool present = it != labels.end();
  const bool listed = present && std::binary_search(values.begin(), values.end(), it->second);
  switch (op) {
    case Operator::kEquals:
    case Operator::kIn:
      return listed;
    case Operator::kNotEquals:
    case Operator::kNotIn:
      return !listed;
    case Operator::kExists:
      return present;
    case Operator::kDoesNotExist:
      return !present;
  }
  return false;
}

std::string LabelSelector::Requirement::ToString() const {
  const auto join = [this] {
    // "()" would parse as no values at all; "(,)" parses back to {""}.
    if (values.size() == 1 && values.front().empty()) return std::string("(,)");
    std::string out = "(";
    for (std::size_t i = 0; i < values.size(); ++i) {
      if (i > 0) out += ',';
      out += values[i];
    }
    return out + ")";
  };
  const std::string first_value = values.empty() ? std::string() : values.front();
  switch (op) {
    case Operator::kEquals:
      return key + "=" + first_value;
    case Operator::kNotEquals:
      return key + "!=" + first_value;
    case Operator::kIn:
      return key + " in " + join();
    case Operator::kNotIn:
      return key + " notin " + join();
    case Operator::kExists:
      return key;
    case Operator::kDoesNotExist:
      return "!" + key;
  }
  return key;
}

LabelSelector::LabelSelector(std::vector<Requirement> requirements)
    : requirements_(std::move(requirements)) {
  std::sort(requirements_.begin(), requirements_.end());
  requirements_.erase(std::unique(requirements_.begin(), requirements_.end()), requirements_.end());
}

Result<LabelSelector::Requirement> LabelSelector::MakeRequirement(std::string key, Operator op,
                                                                  std::vector<std::string> values) {
  DRS_RETURN_IF_ERROR(ValidateLabelKey(key));
  std::sort(values.begin(), values.end());
  values.erase(std::unique(values.begin(), values.end()), values.end());
  const std::string where = "key " + Quote(key) + ": operator " + std::string(OperatorName(op));
  switch (op) {
    case Operator::kEquals:
    case Operator::kNotEquals:
      if (values.size() != 1) return InvalidError(where + " needs exactly one value");
      break;
    case Operator::kIn:
    case Operator::kNotIn:
      if (values.empty()) return InvalidError(where + " needs at least one value");
      break;
    case Operator::kExists:
    case Operator::kDoesNotExist:
      if (!values.empty()) return InvalidError(where + " takes no values");
      break;
  }
  for (const std::string& value : values) {
    if (Status valid = ValidateLabelValue(value); !valid.ok()) {
      return InvalidError("key " + Quote(key) + ": " + valid.error().message());
    }
  }
  return Requirement{std::move(key), op, std::move(values)};
}

Result<LabelSelector> LabelSelector::FromRequirements(std::vector<Requirement> requirements) {
  for (Requirement& requirement : requirements) {
    DRS_ASSIGN_OR_RETURN(requirement, MakeRequirement(std::move(requirement.key), requirement.op,
                                                      std::move(requirement.values)));
  }
  return LabelSelector(std::move(requirements));
}

Result<LabelSelector> LabelSelector::FromLabels(const std::map<std::string, std::string>& labels) {
  std::vector<Requirement> requirements;
  for (const auto& [key, value] : labels) {
    DRS_ASSIGN_OR_RETURN(Requirement requirement, MakeRequirement(key, Operator::kEquals, {value}));
    requirements.push_back(std::move(requirement));
  }
  return LabelSelector(std::move(requirements));
}

Result<LabelSelector> LabelSelector::FromJson(const json& selector) {
  const auto fail = [](std::string message) {
    return InvalidError("invalid label selector: " + std::move(message));
  };
  if (!selector.is_object()) {
    return fail("must be a JSON object, got " + std::string(selector.type_name()));
  }
  std::vector<Requirement> requirements;
  if (const json* match_labels = Child(selector, "matchLabels")) {
    if (!match_labels->is_object()) return fail("matchLabels must be a map of strings");
    for (const auto& [key, value] : match_labels->items()) {
      if (!value.is_string()) return fail("matchLabels[" + Quote(key) + "] must be a string");
      auto requirement = MakeRequirement(key, Operator::kEquals, {value.get<std::string>()});
      if (!requirement.ok()) return fail("matchLabels: " + requirement.error().message());
      requirements.push_back(std::move(requirement).value());
    }
  }
  if (const json* expressions = Child(selector, "matchExpressions")) {
    if (!expressions->is_array()) return fail("matchExpressions must be a list");
    for (std::size_t i = 0; i < expressions->size(); ++i) {
      auto requirement = ExpressionFromJson((*expressions)[i]);
      if (!requirement.ok()) {
        return fail("matchExpressions[" + std::to_string(i) +
                    "]: " + requirement.error().message());
      }
      requirements.push_back(std::move(requirement).value());
    }
  }
  return LabelSelector(std::move(requirements));
}

bool LabelSelector::Matches(const std::map<std::string, std::string>& labels) const {
  return std::all_of(requirements_.begin(), requirements_.end(),
                     [&labels](const Requirement& r) { return r.Matches(labels); });
}

std::string LabelSelector::ToString() const {
  std::string out;
  for (const Requirement& requirement : requirements_) {
    if (!out.empty()) out += ',';
    out += requirement.ToString();
  }
  return out;
}

}  // namespace drs::kube
