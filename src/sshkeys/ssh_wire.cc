#include "sshkeys/ssh_wire.h"

#include <string>

namespace drs::sshkeys {
namespace {

constexpr std::size_t kU32Bytes = 4;

Error Truncated(std::string_view field, std::size_t needed, std::size_t left) {
  return InvalidError("truncated data: " + std::string(field) + " needs " + std::to_string(needed) +
                      " bytes, " + std::to_string(left) + " left");
}

}  // namespace

void WireWriter::PutU8(std::uint8_t v) { buffer_.PushBack(static_cast<char>(v)); }

void WireWriter::PutU32(std::uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8) {
    PutU8(static_cast<std::uint8_t>(v >> shift & 0xff));
  }
}

void WireWriter::PutBytes(std::string_view bytes) { buffer_.Append(bytes); }

void WireWriter::PutString(std::string_view bytes) {
  PutU32(static_cast<std::uint32_t>(bytes.size()));
  PutBytes(bytes);
}

Result<std::uint8_t> WireReader::ReadU8(std::string_view field) {
  DRS_ASSIGN_OR_RETURN(std::string_view byte, ReadBytes(1, field));
  return static_cast<std::uint8_t>(byte[0]);
}

Result<std::uint32_t> WireReader::ReadU32(std::string_view field) {
  DRS_ASSIGN_OR_RETURN(std::string_view bytes, ReadBytes(kU32Bytes, field));
  std::uint32_t v = 0;
  for (char c : bytes) v = v << 8 | static_cast<unsigned char>(c);
  return v;
}

Result<std::string_view> WireReader::ReadBytes(std::size_t n, std::string_view field) {
  if (n > rest_.size()) return Truncated(field, n, rest_.size());
  std::string_view out = rest_.substr(0, n);
  rest_.remove_prefix(n);
  return out;
}

Result<std::string_view> WireReader::ReadString(std::string_view field) {
  DRS_ASSIGN_OR_RETURN(std::uint32_t length, ReadU32(field));
  return ReadBytes(length, field);
}

}  // namespace drs::sshkeys
