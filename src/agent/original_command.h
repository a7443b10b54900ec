#pragma once
// Splits SSH_ORIGINAL_COMMAND — the one string the client's ssh sent, its
// arguments joined with spaces — into words, the way a shell would for the
// commands we accept, but with no shell: every word must be a plain word
// (identifiers.h), separated by single spaces. Anything a shell would
// interpret (quotes, backslashes, $, `, ;, |, &, <, >, globs, ~, #,
// newlines, tabs, non-ASCII) is refused instead of being interpreted, so
// "what we checked" and "what runs" can never differ.
//
// Thread-safety: pure functions.

#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace drs::agent {

// PermissionDenied with a one-line reason when the command is empty, too
// long, has an empty word (two spaces in a row, a leading or trailing
// space) or a character outside the plain set.
Result<std::vector<std::string>> SplitOriginalCommand(std::string_view command);

}  // namespace drs::agent
