#pragma once
// Kubernetes' $(VAR) expansion, as the kubelet applies it to env values,
// command and args (k8s.io/kubernetes third_party/forked/golang/expansion):
//   $(NAME)  -> the value of NAME when it is defined, else left as written;
//   $$       -> a literal '$' (so "$$(NAME)" is the text "$(NAME)");
//   a '$' before any other character, or an unclosed "$(", stays as written.
//
// Thread-safety: pure functions.

#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace drs::kubelet {

// Returns the value of a variable, or nullopt when it is not defined.
using VarLookup = std::function<std::optional<std::string>(std::string_view name)>;

std::string ExpandVars(std::string_view input, const VarLookup& lookup);

}  // namespace drs::kubelet
