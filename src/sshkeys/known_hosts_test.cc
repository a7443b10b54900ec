#include "sshkeys/known_hosts.h"

#include <string>
#include <utility>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "sshkeys/test_vectors.h"

namespace drs::sshkeys {
namespace {

using ::testing::HasSubstr;

PublicKey Rfc8032Key() {
  auto key = PublicKey::FromRaw(test::FromHex(test::kRfc8032PublicHex));
  EXPECT_TRUE(key.ok()) << key.error();
  return std::move(key).value();
}

const std::string kKeyField = "ssh-ed25519 " + std::string(test::kRfc8032BlobBase64);

TEST(KnownHostsTest, FormatsAsOpenSshLooksHostsUp) {
  struct Case {
    std::string host;
    std::uint16_t port;
    std::string want_host_field;
  };
  const Case cases[] = {
      {"127.0.1.2", 2222, "[127.0.1.2]:2222"},
      {"10.0.0.7", 22, "10.0.0.7"},
      {"Node-1.Example.COM", 2222, "[node-1.example.com]:2222"},
      {"fd00::1", 2222, "[fd00::1]:2222"},
      {"fd00::1", 22, "fd00::1"},
  };
  for (const Case& c : cases) {
    auto line = FormatKnownHostsLine(c.host, c.port, Rfc8032Key());
    ASSERT_TRUE(line.ok()) << c.host << ": " << line.error();
    EXPECT_EQ(*line, c.want_host_field + " " + kKeyField);
  }
}

TEST(KnownHostsTest, RoundTrips) {
  for (const auto& [host, port] : std::vector<std::pair<std::string, std::uint16_t>>{
           {"127.0.1.2", 2222}, {"agent.local", 22}, {"fd00::1", 65535}}) {
    auto line = FormatKnownHostsLine(host, port, Rfc8032Key());
    ASSERT_TRUE(line.ok()) << line.error();
    auto entry = ParseKnownHostsLine(*line + " comment\n");
    ASSERT_TRUE(entry.ok()) << entry.error();
    EXPECT_EQ(entry->host, host);
    EXPECT_EQ(entry->port, port);
    EXPECT_EQ(entry->key, Rfc8032Key());
  }
}

TEST(KnownHostsTest, BadHostsAndPortsAreRefused) {
  for (const std::string& host :
       std::vector<std::string>{"", "a b", "a,b", "*.example.com", "h?st", "[h]", "!h", "h\n",
                                "|1|hash", std::string(254, 'h')}) {
    auto line = FormatKnownHostsLine(host, 2222, Rfc8032Key());
    EXPECT_FALSE(line.ok()) << "host " << host;
  }
  auto zero = FormatKnownHostsLine("127.0.0.1", 0, Rfc8032Key());
  ASSERT_FALSE(zero.ok());
  EXPECT_THAT(zero.error().message(), HasSubstr("port 0"));
}

TEST(KnownHostsTest, MalformedLinesAreRefusedWithTheirReason) {
  struct Case {
    std::string line;
    std::string want;
  };
  const Case cases[] = {
      {"", "empty known_hosts line"},
      {"127.0.0.1", "has no key"},
      {"[127.0.0.1]:0 " + kKeyField, "not a number from 1 to 65535"},
      {"[127.0.0.1]:70000 " + kKeyField, "not a number from 1 to 65535"},
      {"[127.0.0.1]:22x " + kKeyField, "not a number"},
      {"[127.0.0.1 " + kKeyField, "not of the form [host]:port"},
      {"a,b " + kKeyField, "reserved character"},
      {"@cert-authority *.example.com " + kKeyField, "markers"},
      {"|1|c2FsdA==|aGFzaA== " + kKeyField, "hashed hosts"},
      {"127.0.0.1 ssh-rsa AAAAB3NzaC1yc2E=", "unsupported SSH key type \"ssh-rsa\""},
  };
  for (const Case& c : cases) {
    auto entry = ParseKnownHostsLine(c.line);
    ASSERT_FALSE(entry.ok()) << c.line;
    EXPECT_THAT(entry.error().ToString(), HasSubstr(c.want)) << c.line;
  }
}

}  // namespace
}  // namespace drs::sshkeys
