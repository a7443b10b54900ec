#include "sync/glob.h"

#include <cstddef>

namespace drs::sync {

bool GlobMatch(std::string_view pattern, std::string_view name) {
  // Greedy matching with one backtrack point: the last '*' seen, and where
  // in `name` it currently ends. Moving that end forward is the only choice a
  // '*' offers, so one point suffices and the run time stays polynomial.
  std::size_t p = 0;
  std::size_t n = 0;
  std::size_t star = std::string_view::npos;
  std::size_t star_end = 0;
  while (n < name.size()) {
    if (p < pattern.size() && (pattern[p] == '?' || pattern[p] == name[n])) {
      ++p;
      ++n;
    } else if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      star_end = n;
    } else if (star != std::string_view::npos) {
      p = star + 1;
      n = ++star_end;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

}  // namespace drs::sync
