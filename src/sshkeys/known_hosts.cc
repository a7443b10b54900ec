#include "sshkeys/known_hosts.h"

#include <charconv>

namespace drs::sshkeys {
namespace {

// RFC 1035's limit on a full domain name; addresses are shorter.
constexpr std::size_t kMaxHostBytes = 253;
constexpr std::string_view kReservedHostChars = ",*?![]|#@";

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

Result<std::uint16_t> ParsePort(std::string_view text) {
  unsigned value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value == 0 || value > 65535) {
    return InvalidError("known_hosts port \"" + std::string(text.substr(0, 8)) +
                        "\" is not a number from 1 to 65535");
  }
  return static_cast<std::uint16_t>(value);
}

}  // namespace

Status ValidateKnownHost(std::string_view host) {
  if (host.empty()) return InvalidError("known_hosts host is empty");
  if (host.size() > kMaxHostBytes) {
    return InvalidError("known_hosts host is " + std::to_string(host.size()) +
                        " bytes, longer than any host name");
  }
  for (char c : host) {
    const auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u == 0x7f || kReservedHostChars.find(c) != std::string_view::npos) {
      return InvalidError("known_hosts host \"" + std::string(host) +
                          "\" has a blank, control or reserved character (,*?![]|#@)");
    }
  }
  return OkStatus();
}

Result<std::string> FormatKnownHostsLine(std::string_view host, std::uint16_t port,
                                         const PublicKey& key) {
  DRS_RETURN_IF_ERROR(ValidateKnownHost(host));
  if (port == 0) return InvalidError("known_hosts port 0 for host " + std::string(host));
  std::string line =
      port == kDefaultSshPort ? Lower(host) : "[" + Lower(host) + "]:" + std::to_string(port);
  line += ' ';
  line += key.ToLine();
  return line;
}

Result<KnownHostsEntry> ParseKnownHostsLine(std::string_view line) {
  const std::size_t start = line.find_first_not_of(" \t");
  if (start == std::string_view::npos) return InvalidError("empty known_hosts line");
  line.remove_prefix(start);
  const std::size_t blank = line.find_first_of(" \t");
  if (blank == std::string_view::npos) return InvalidError("known_hosts line has no key");
  const std::string_view host_field = line.substr(0, blank);
  if (host_field.starts_with('@') || host_field.starts_with('|')) {
    return InvalidError(
        "known_hosts markers (@cert-authority, @revoked) and hashed hosts are not supported");
  }
  std::string_view host = host_field;
  std::uint16_t port = kDefaultSshPort;
  if (host_field.starts_with('[')) {
    const std::size_t close = host_field.find("]:");
    if (close == std::string_view::npos) {
      return InvalidError("known_hosts host \"" + std::string(host_field) +
                          "\" is not of the form [host]:port");
    }
    host = host_field.substr(1, close - 1);
    DRS_ASSIGN_OR_RETURN(port, ParsePort(host_field.substr(close + 2)));
  }
  DRS_RETURN_IF_ERROR(ValidateKnownHost(host));
  Result<ParsedPublicKeyLine> key = ParsePublicKeyLine(line.substr(blank));
  if (!key.ok()) {
    return std::move(key).error().WithContext("reading the known_hosts key of " +
                                              std::string(host_field));
  }
  return KnownHostsEntry{.host = Lower(host), .port = port, .key = std::move(key->key)};
}

}  // namespace drs::sshkeys
