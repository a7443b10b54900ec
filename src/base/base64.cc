#include "base/base64.h"

#include <array>
#include <cstdint>

namespace drs {
namespace {

constexpr std::string_view kAlphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
constexpr std::uint8_t kNotBase64 = 0xff;
constexpr std::size_t kQuantum = 4;  // characters per 3-byte group

constexpr std::array<std::uint8_t, 256> MakeDecodeTable() {
  std::array<std::uint8_t, 256> table{};
  table.fill(kNotBase64);
  for (std::size_t i = 0; i < kAlphabet.size(); ++i) {
    table[static_cast<unsigned char>(kAlphabet[i])] = static_cast<std::uint8_t>(i);
  }
  return table;
}
constexpr auto kDecodeTable = MakeDecodeTable();

Error BadInput(std::size_t offset, std::string_view why) {
  return InvalidError("invalid base64 at offset " + std::to_string(offset) + ": " +
                      std::string(why));
}

}  // namespace

std::string Base64Encode(std::string_view bytes) {
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * kQuantum);
  std::size_t i = 0;
  const auto at = [&](std::size_t k) -> std::uint32_t {
    return static_cast<unsigned char>(bytes[k]);
  };
  for (; i + 3 <= bytes.size(); i += 3) {
    const std::uint32_t v = at(i) << 16 | at(i + 1) << 8 | at(i + 2);
    for (int shift = 18; shift >= 0; shift -= 6) out += kAlphabet[v >> shift & 0x3f];
  }
  const std::size_t rest = bytes.size() - i;
  if (rest > 0) {
    const std::uint32_t v = at(i) << 16 | (rest == 2 ? at(i + 1) << 8 : 0);
    out += kAlphabet[v >> 18 & 0x3f];
    out += kAlphabet[v >> 12 & 0x3f];
    out += rest == 2 ? kAlphabet[v >> 6 & 0x3f] : '=';
    out += '=';
  }
  return out;
}

Result<std::string> Base64Decode(std::string_view text) {
  std::string out;
  out.reserve(text.size() / kQuantum * 3);
  std::uint32_t acc = 0;
  std::size_t in_quantum = 0;  // characters of the current group seen
  std::size_t padding = 0;     // '=' seen in the current group
  bool finished = false;       // a padded group ended the data
  for (std::size_t pos = 0; pos < text.size(); ++pos) {
    const char c = text[pos];
    if (c == '\r' || c == '\n') continue;
    if (finished) return BadInput(pos, "data after padding");
    if (c == '=') {
      if (in_quantum < 2) return BadInput(pos, "misplaced padding");
      ++padding;
    } else {
      const std::uint8_t v = kDecodeTable[static_cast<unsigned char>(c)];
      if (v == kNotBase64) return BadInput(pos, "character outside the alphabet");
      if (padding > 0) return BadInput(pos, "data after padding");
      acc = acc << 6 | v;
    }
    if (++in_quantum < kQuantum) continue;
    acc <<= 6 * padding;
    out += static_cast<char>(acc >> 16 & 0xff);
    if (padding < 2) out += static_cast<char>(acc >> 8 & 0xff);
    if (padding < 1) out += static_cast<char>(acc & 0xff);
    finished = padding > 0;
    acc = 0;
    in_quantum = 0;
    padding = 0;
  }
  if (in_quantum != 0) return BadInput(text.size(), "length is not a multiple of four");
  return out;
}

}  // namespace drs
