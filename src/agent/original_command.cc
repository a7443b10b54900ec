#include "agent/original_command.h"

#include "agent/identifiers.h"

namespace drs::agent {
namespace {

// rsync's server command line with every allowed option is under 300
// bytes; 4 KiB leaves room and bounds what a client can make us parse.
constexpr std::size_t kMaxCommandBytes = 4096;

Error Refused(std::string reason) { return Error(ErrorCode::kPermissionDenied, std::move(reason)); }

}  // namespace

Result<std::vector<std::string>> SplitOriginalCommand(std::string_view command) {
  if (command.empty()) return Refused("empty command");
  if (command.size() > kMaxCommandBytes) {
    return Refused("command longer than " + std::to_string(kMaxCommandBytes) + " bytes");
  }
  std::vector<std::string> words;
  std::size_t start = 0;
  while (true) {
    const std::size_t space = command.find(' ', start);
    const std::string_view word = command.substr(
        start, space == std::string_view::npos ? std::string_view::npos : space - start);
    if (word.empty()) return Refused("empty argument (extra space) in command");
    if (const auto pos = FirstUnplainPosition(word); pos != std::string_view::npos) {
      return Refused("shell metacharacter or unexpected character " + DescribeCharacter(word, pos) +
                     " in command");
    }
    words.emplace_back(word);
    if (space == std::string_view::npos) return words;
    start = space + 1;
  }
}

}  // namespace drs::agent
