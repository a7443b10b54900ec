#include "agent/identifiers.h"

#include <cstddef>

namespace drs::agent {
namespace {

constexpr std::size_t kMaxDnsLabel = 63;
constexpr std::size_t kMaxDnsSubdomain = 253;
constexpr std::size_t kMaxKeyId = 200;
// Longer than any path or flag value the agent renders; a bound keeps a
// hostile SSH_ORIGINAL_COMMAND from costing anything.
constexpr std::size_t kMaxPlainWord = 4096;

bool IsLowerAlnum(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }

bool IsAlnum(char c) { return IsLowerAlnum(c) || (c >= 'A' && c <= 'Z'); }

bool IsPlainCharacter(char c) {
  switch (c) {
    case '.':
    case '_':
    case ',':
    case ':':
    case '=':
    case '/':
    case '@':
    case '+':
    case '-':
      return true;
    default:
      return IsAlnum(c);
  }
}

}  // namespace

bool IsDnsLabel(std::string_view text) {
  if (text.empty() || text.size() > kMaxDnsLabel) return false;
  if (!IsLowerAlnum(text.front()) || !IsLowerAlnum(text.back())) return false;
  for (char c : text) {
    if (!IsLowerAlnum(c) && c != '-') return false;
  }
  return true;
}

bool IsDnsSubdomain(std::string_view text) {
  if (text.empty() || text.size() > kMaxDnsSubdomain) return false;
  std::size_t start = 0;
  while (true) {
    const std::size_t dot = text.find('.', start);
    const std::string_view label =
        text.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start);
    if (!IsDnsLabel(label)) return false;
    if (dot == std::string_view::npos) return true;
    start = dot + 1;
  }
}

bool IsKeyId(std::string_view text) {
  if (text.empty() || text.size() > kMaxKeyId) return false;
  for (char c : text) {
    if (!IsAlnum(c) && c != '.' && c != '_' && c != '/' && c != '-') return false;
  }
  return true;
}

bool IsPlainWord(std::string_view text) {
  return !text.empty() && text.size() <= kMaxPlainWord &&
         FirstUnplainPosition(text) == std::string_view::npos;
}

std::size_t FirstUnplainPosition(std::string_view text) {
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (!IsPlainCharacter(text[i])) return i;
  }
  return std::string_view::npos;
}

std::string DescribeCharacter(std::string_view text, std::size_t pos) {
  if (pos >= text.size()) return "end of text";
  const auto byte = static_cast<unsigned char>(text[pos]);
  constexpr unsigned char kFirstPrintable = 0x21;  // '!'; space is described as a byte
  constexpr unsigned char kLastPrintable = 0x7e;   // '~'
  if (byte >= kFirstPrintable && byte <= kLastPrintable) return std::string("'") + text[pos] + "'";
  constexpr const char* kHex = "0123456789abcdef";
  return std::string("byte 0x") + kHex[byte >> 4] + kHex[byte & 0xf];
}

}  // namespace drs::agent
