#include "kubelet/env_expansion.h"

namespace drs::kubelet {

std::string ExpandVars(std::string_view input, const VarLookup& lookup) {
  std::string out;
  out.reserve(input.size());
  std::size_t i = 0;
  while (i < input.size()) {
    if (input[i] != '$' || i + 1 >= input.size()) {
      out += input[i++];
      continue;
    }
    const char next = input[i + 1];
    if (next == '$') {  // escaped: "$$" is one literal '$'
      out += '$';
      i += 2;
      continue;
    }
    if (next != '(') {
      out += '$';
      ++i;
      continue;
    }
    const std::size_t close = input.find(')', i + 2);
    if (close == std::string_view::npos) {  // unclosed: the rest is literal
      out += input.substr(i);
      break;
    }
    const std::string_view name = input.substr(i + 2, close - i - 2);
    const auto value = name.empty() ? std::nullopt : lookup(name);
    if (value) {
      out += *value;
    } else {
      out += input.substr(i, close - i + 1);
    }
    i = close + 1;
  }
  return out;
}

}  // namespace drs::kubelet
