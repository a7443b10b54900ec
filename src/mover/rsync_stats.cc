#include "mover/rsync_stats.h"

#include <array>
#include <limits>
#include <optional>
#include <string>
#include <utility>

namespace drs::mover {
namespace {

// Reads "1,234,567" or "1234567" at the start of `text` (after blanks).
// Empty when there is no digit there or the number does not fit.
std::optional<std::int64_t> LeadingNumber(std::string_view text) {
  while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
  std::int64_t value = 0;
  bool any = false;
  for (char c : text) {
    if (c == ',') continue;
    if (c < '0' || c > '9') break;
    const int digit = c - '0';
    if (value > (std::numeric_limits<std::int64_t>::max() - digit) / 10) return std::nullopt;
    value = value * 10 + digit;
    any = true;
  }
  if (!any) return std::nullopt;
  return value;
}

// "(reg: 2, dir: 3)" -> 2; 0 when there is no "reg:" part (no regular files).
std::int64_t RegularPart(std::string_view rest) {
  const std::size_t open = rest.find('(');
  if (open == std::string_view::npos) return 0;
  const std::size_t reg = rest.find("reg:", open);
  if (reg == std::string_view::npos) return 0;
  return LeadingNumber(rest.substr(reg + 4)).value_or(0);
}

using Field = std::int64_t TransferStats::*;

constexpr std::array<std::pair<std::string_view, Field>, 11> kFields = {{
    {"Number of files:", &TransferStats::files_total},
    {"Number of created files:", &TransferStats::files_created},
    {"Number of deleted files:", &TransferStats::files_deleted},
    {"Number of regular files transferred:", &TransferStats::files_transferred},
    {"Total file size:", &TransferStats::bytes_total},
    {"Total transferred file size:", &TransferStats::bytes_transferred},
    {"Literal data:", &TransferStats::literal_bytes},
    {"Matched data:", &TransferStats::matched_bytes},
    {"Total bytes sent:", &TransferStats::bytes_sent},
    {"Total bytes received:", &TransferStats::bytes_received},
    // rsync before 3.1 said "files transferred"; still read it.
    {"Number of files transferred:", &TransferStats::files_transferred},
}};

}  // namespace

Result<TransferStats> ParseRsyncStats(std::string_view output) {
  constexpr std::string_view kFirstLine = "Number of files:";
  // The last block wins: the only one in practice, but a file named like a
  // stats line in itemized output must not be taken for it.
  std::size_t start = output.rfind(std::string("\n") + std::string(kFirstLine));
  if (start != std::string_view::npos) {
    ++start;
  } else if (output.starts_with(kFirstLine)) {
    start = 0;
  } else {
    return NotFoundError("rsync printed no --stats block");
  }
  TransferStats stats;
  std::string_view rest = output.substr(start);
  while (!rest.empty()) {
    const std::size_t eol = rest.find('\n');
    std::string_view line = rest.substr(0, eol);
    rest = eol == std::string_view::npos ? std::string_view() : rest.substr(eol + 1);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    for (const auto& [label, field] : kFields) {
      if (!line.starts_with(label)) continue;
      const auto value = LeadingNumber(line.substr(label.size()));
      if (!value) {
        return InvalidError("rsync --stats line without a number: \"" + std::string(line) + "\"");
      }
      stats.*field = *value;
      if (field == &TransferStats::files_total) {
        stats.regular_files_total = RegularPart(line.substr(label.size()));
      }
      break;
    }
  }
  return stats;
}

}  // namespace drs::mover
