#include "base/result.h"

#include <cstdio>

namespace drs::internal {

void DieOnBadResultAccess(const Error& error) {
  std::fprintf(stderr, "FATAL: value() called on a Result holding an error: %s\n",
               error.ToString().c_str());
  std::abort();
}

}  // namespace drs::internal
