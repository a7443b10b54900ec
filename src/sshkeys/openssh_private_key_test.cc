#include "sshkeys/openssh_private_key.h"

#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "base/base64.h"
#include "sshkeys/openssh_armor.h"
#include "sshkeys/ssh_wire.h"
#include "sshkeys/test_vectors.h"

namespace drs::sshkeys {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

KeyPair Rfc8032Pair(std::string comment = "rfc8032") {
  auto pair = KeyPair::FromSeed(SecretBytes(test::FromHex(test::kRfc8032SeedHex)), comment);
  EXPECT_TRUE(pair.ok()) << pair.error();
  return std::move(pair).value();
}

// The pieces of a key file, so each test can break exactly one of them.
struct Parts {
  std::string magic{"openssh-key-v1\0", 15};
  std::string cipher = "none";
  std::string kdf = "none";
  std::string kdf_options;
  std::uint32_t key_count = 1;
  std::string public_blob;
  std::uint32_t check1 = 0x11223344;
  std::uint32_t check2 = 0x11223344;
  std::string type = "ssh-ed25519";
  std::string pub;
  std::string priv;  // seed || pub
  std::string comment = "rfc8032";
  std::string padding;  // empty: OpenSSH's 1, 2, 3, ...
  std::string trailer;  // bytes after the private section
};

Parts GoodParts() {
  const std::string seed = test::FromHex(test::kRfc8032SeedHex);
  const std::string pub = test::FromHex(test::kRfc8032PublicHex);
  Parts p;
  WireWriter blob;
  blob.PutString("ssh-ed25519");
  blob.PutString(pub);
  p.public_blob = std::move(blob).ReleasePublic();
  p.pub = pub;
  p.priv = seed + pub;
  return p;
}

SecretBytes Build(const Parts& p) {
  WireWriter section;
  section.PutU32(p.check1);
  section.PutU32(p.check2);
  section.PutString(p.type);
  section.PutString(p.pub);
  section.PutString(p.priv);
  section.PutString(p.comment);
  if (p.padding.empty()) {
    for (std::uint8_t i = 1; section.size() % 8 != 0; ++i) section.PutU8(i);
  } else {
    section.PutBytes(p.padding);
  }
  WireWriter file;
  file.PutBytes(p.magic);
  file.PutString(p.cipher);
  file.PutString(p.kdf);
  file.PutString(p.kdf_options);
  file.PutU32(p.key_count);
  file.PutString(p.public_blob);
  file.PutString(section.view());
  file.PutBytes(p.trailer);
  return ArmorOpenSshKey(file.view());
}

TEST(OpenSshPrivateKeyTest, RoundTrips) {
  for (const std::string comment : {"", "rfc8032", "dr-syncer mover shop/shop-dr"}) {
    const KeyPair pair = Rfc8032Pair(comment);
    auto text = EncodeOpenSshPrivateKey(pair);
    ASSERT_TRUE(text.ok()) << text.error();
    auto parsed = ParseOpenSshPrivateKey(*text);
    ASSERT_TRUE(parsed.ok()) << parsed.error();
    EXPECT_EQ(parsed->seed(), pair.seed());
    EXPECT_EQ(parsed->public_key(), pair.public_key());
    EXPECT_EQ(parsed->comment(), comment);
  }
}

TEST(OpenSshPrivateKeyTest, GeneratedKeysRoundTrip) {
  auto pair = KeyPair::Generate("fresh");
  ASSERT_TRUE(pair.ok()) << pair.error();
  auto text = EncodeOpenSshPrivateKey(*pair);
  ASSERT_TRUE(text.ok()) << text.error();
  auto parsed = ParseOpenSshPrivateKey(*text);
  ASSERT_TRUE(parsed.ok()) << parsed.error();
  EXPECT_EQ(parsed->seed(), pair->seed());
  EXPECT_EQ(parsed->PublicKeyLine(), pair->PublicKeyLine());
}

TEST(OpenSshPrivateKeyTest, LaysOutTheFileAsOpenSshDoes) {
  const SecretBytes text = EncodeOpenSshPrivateKeyWithCheck(Rfc8032Pair(), 0x11223344);
  // Our independent construction of the same bytes agrees.
  EXPECT_EQ(text, Build(GoodParts()));
  const std::string_view t = text.reveal();
  EXPECT_THAT(std::string(t), StartsWith("-----BEGIN OPENSSH PRIVATE KEY-----\n"));
  EXPECT_TRUE(t.ends_with("\n-----END OPENSSH PRIVATE KEY-----\n"));
  // Body lines are 70 characters, the last one at most 70.
  std::vector<std::string_view> lines;
  for (std::size_t start = 0; start < t.size();) {
    const std::size_t end = t.find('\n', start);
    lines.push_back(t.substr(start, end - start));
    start = end + 1;
  }
  ASSERT_GE(lines.size(), 4u);
  for (std::size_t i = 1; i + 2 < lines.size(); ++i) EXPECT_EQ(lines[i].size(), 70u) << i;
  EXPECT_LE(lines[lines.size() - 2].size(), 70u);
}

TEST(OpenSshPrivateKeyTest, RandomCheckIntegersDiffer) {
  const KeyPair pair = Rfc8032Pair();
  auto a = EncodeOpenSshPrivateKey(pair);
  auto b = EncodeOpenSshPrivateKey(pair);
  ASSERT_TRUE(a.ok() && b.ok());
  // 2^-32 chance of a false failure.
  EXPECT_FALSE(*a == *b);
}

TEST(OpenSshPrivateKeyTest, AcceptsCrlfAndSurroundingBlankLines) {
  const SecretBytes text = EncodeOpenSshPrivateKeyWithCheck(Rfc8032Pair(), 7);
  std::string crlf = "\n\n";
  for (char c : text.reveal()) {
    if (c == '\n') crlf += '\r';
    crlf += c;
  }
  crlf += "\n";
  auto parsed = ParseOpenSshPrivateKey(SecretBytes(crlf));
  ASSERT_TRUE(parsed.ok()) << parsed.error();
  EXPECT_EQ(parsed->public_key(), Rfc8032Pair().public_key());
}

TEST(OpenSshPrivateKeyTest, BrokenStructuresAreRefusedWithTheirReason) {
  struct Case {
    std::string name;
    void (*mutate)(Parts&);
    std::string want;
    ErrorCode code = ErrorCode::kInvalid;
  };
  const Case cases[] = {
      {"magic", [](Parts& p) { p.magic = std::string("openssh-key-v2\0", 15); }, "openssh-key-v1"},
      {"encrypted",
       [](Parts& p) {
         p.cipher = "aes256-ctr";
         p.kdf = "bcrypt";
       },
       "encrypted with a passphrase", ErrorCode::kFailedPrecondition},
      {"kdf options", [](Parts& p) { p.kdf_options = "salt"; }, "encrypted",
       ErrorCode::kFailedPrecondition},
      {"two keys", [](Parts& p) { p.key_count = 2; }, "holds 2 keys"},
      {"zero keys", [](Parts& p) { p.key_count = 0; }, "holds 0 keys"},
      {"rsa header",
       [](Parts& p) {
         WireWriter blob;
         blob.PutString("ssh-rsa");
         blob.PutString(p.pub);
         p.public_blob = std::move(blob).ReleasePublic();
       },
       "unsupported SSH key type \"ssh-rsa\""},
      {"check ints", [](Parts& p) { p.check2 = 1; }, "check integers differ"},
      {"private type", [](Parts& p) { p.type = "ssh-rsa"; }, "does not hold an ssh-ed25519 key"},
      {"short private", [](Parts& p) { p.priv = p.priv.substr(0, 63); }, "63 bytes, expected 64"},
      {"section pub", [](Parts& p) { p.pub[0] ^= 1; }, "public key copies in the file disagree"},
      {"private pub half", [](Parts& p) { p.priv[40] ^= 1; }, "copies in the file disagree"},
      // The seed no longer belongs to the public key the file claims.
      {"seed", [](Parts& p) { p.priv[0] ^= 1; }, "does not match its public key"},
      {"padding values", [](Parts& p) { p.padding = std::string("\x01\x03\x03\x04\x05\x06", 6); },
       "padding bytes are not 1, 2, 3"},
      {"unpadded",
       [](Parts& p) {
         p.padding = std::string("\x01\x02\x03\x04\x05", 5);  // one short of a block
       },
       "not padded to 8"},
      {"trailer", [](Parts& p) { p.trailer = "xx"; }, "2 unexpected bytes after the key"},
      {"control char comment", [](Parts& p) { p.comment = "a\nb"; }, "control character"},
  };
  for (const Case& c : cases) {
    Parts parts = GoodParts();
    c.mutate(parts);
    auto parsed = ParseOpenSshPrivateKey(Build(parts));
    ASSERT_FALSE(parsed.ok()) << c.name;
    EXPECT_EQ(parsed.error().code(), c.code) << c.name << ": " << parsed.error();
    EXPECT_THAT(parsed.error().ToString(), HasSubstr(c.want)) << c.name;
  }
}

TEST(OpenSshPrivateKeyTest, BrokenArmourIsRefusedWithTheirReason) {
  const std::string good(EncodeOpenSshPrivateKeyWithCheck(Rfc8032Pair(), 7).reveal());
  const std::string body = good.substr(36, good.size() - 36 - 34);
  struct Case {
    std::string name;
    std::string text;
    std::string want;
  };
  const Case cases[] = {
      {"empty", "", "no \"-----BEGIN OPENSSH PRIVATE KEY-----\" line"},
      {"pkcs8", "-----BEGIN PRIVATE KEY-----\nMC4CAQ==\n-----END PRIVATE KEY-----\n",
       "found a PEM \"PRIVATE KEY\" block"},
      {"rsa", "-----BEGIN RSA PRIVATE KEY-----\nAAAA\n-----END RSA PRIVATE KEY-----\n",
       "\"RSA PRIVATE KEY\""},
      {"public key", "ssh-ed25519 " + std::string(test::kRfc8032BlobBase64), "no \"-----BEGIN"},
      {"no end", good.substr(0, good.size() - 34), "no \"-----END OPENSSH PRIVATE KEY-----\""},
      {"text before", "hello\n" + good, "text before its BEGIN line"},
      {"text after", good + "x", "text after its END line"},
      {"empty body", "-----BEGIN OPENSSH PRIVATE KEY-----\n-----END OPENSSH PRIVATE KEY-----\n",
       "empty body"},
      {"bad char",
       "-----BEGIN OPENSSH PRIVATE KEY-----\n" + body.substr(0, 10) + "$" + body.substr(11) +
           "-----END OPENSSH PRIVATE KEY-----\n",
       "non-base64 character at offset 10"},
      {"short body",
       "-----BEGIN OPENSSH PRIVATE KEY-----\n" + body.substr(0, 9) +
           "\n-----END OPENSSH PRIVATE KEY-----\n",
       "not a multiple of four"},
      {"truncated key",
       "-----BEGIN OPENSSH PRIVATE KEY-----\n" + body.substr(0, 141) +
           "\n-----END OPENSSH PRIVATE KEY-----\n",
       "truncated"},
  };
  for (const Case& c : cases) {
    auto parsed = ParseOpenSshPrivateKey(SecretBytes(c.text));
    ASSERT_FALSE(parsed.ok()) << c.name;
    EXPECT_THAT(parsed.error().ToString(), HasSubstr(c.want)) << c.name;
    // No part of the key material is ever quoted back.
    EXPECT_THAT(parsed.error().ToString(), Not(HasSubstr(body.substr(100, 16)))) << c.name;
  }
}

TEST(OpenSshPrivateKeyTest, ErrorsNeverQuoteTheKey) {
  Parts parts = GoodParts();
  parts.check2 = 1;
  const SecretBytes text = Build(parts);
  auto parsed = ParseOpenSshPrivateKey(text);
  ASSERT_FALSE(parsed.ok());
  const std::string message = parsed.error().ToString();
  const std::string body(text.reveal().substr(36, 200));
  for (std::size_t i = 0; i + 8 <= body.size(); i += 8) {
    if (body[i] == '\n') continue;
    EXPECT_THAT(message, Not(HasSubstr(body.substr(i, 8))));
  }
  EXPECT_THAT(message, Not(HasSubstr(Base64Encode(test::FromHex(test::kRfc8032SeedHex)))));
}

}  // namespace
}  // namespace drs::sshkeys
