#include "sshkeys/public_key.h"

#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "base/base64.h"
#include "sshkeys/ssh_wire.h"
#include "sshkeys/test_vectors.h"

namespace drs::sshkeys {
namespace {

using ::testing::HasSubstr;

PublicKey Rfc8032Key() {
  auto key = PublicKey::FromRaw(test::FromHex(test::kRfc8032PublicHex));
  EXPECT_TRUE(key.ok()) << key.error();
  return std::move(key).value();
}

std::string Blob(std::string_view type, std::string_view raw, std::string_view trailer = "") {
  WireWriter writer;
  writer.PutString(type);
  writer.PutString(raw);
  writer.PutBytes(trailer);
  return std::move(writer).ReleasePublic();
}

TEST(PublicKeyTest, EncodesTheKnownVectorAsOpenSshDoes) {
  const PublicKey key = Rfc8032Key();
  EXPECT_EQ(key.BlobBase64(), test::kRfc8032BlobBase64);
  EXPECT_EQ(key.Fingerprint(), test::kRfc8032Fingerprint);
  EXPECT_EQ(key.ToLine(), "ssh-ed25519 " + std::string(test::kRfc8032BlobBase64));
  auto line = FormatPublicKeyLine(key, "dr-syncer mover shop/shop-dr");
  ASSERT_TRUE(line.ok()) << line.error();
  EXPECT_EQ(*line, "ssh-ed25519 " + std::string(test::kRfc8032BlobBase64) +
                       " dr-syncer mover shop/shop-dr");
}

TEST(PublicKeyTest, BlobRoundTrips) {
  const PublicKey key = Rfc8032Key();
  auto again = PublicKey::FromBlob(key.Blob());
  ASSERT_TRUE(again.ok()) << again.error();
  EXPECT_EQ(*again, key);
}

TEST(PublicKeyTest, LineRoundTripsWithAndWithoutComment) {
  const PublicKey key = Rfc8032Key();
  for (const std::string comment : {"", "a b  c", "ünïcödé@host"}) {
    auto line = FormatPublicKeyLine(key, comment);
    ASSERT_TRUE(line.ok()) << line.error();
    auto parsed = ParsePublicKeyLine(*line + "\n");
    ASSERT_TRUE(parsed.ok()) << parsed.error();
    EXPECT_EQ(parsed->key, key);
    EXPECT_EQ(parsed->comment, comment);
  }
}

TEST(PublicKeyTest, ParseToleratesSurroundingBlanksAndCrlf) {
  auto parsed = ParsePublicKeyLine("  ssh-ed25519\t" + std::string(test::kRfc8032BlobBase64) +
                                   "   me@host  \r\n");
  ASSERT_TRUE(parsed.ok()) << parsed.error();
  EXPECT_EQ(parsed->key, Rfc8032Key());
  EXPECT_EQ(parsed->comment, "me@host");
}

TEST(PublicKeyTest, RawKeyMustBe32Bytes) {
  for (std::size_t size : {0u, 31u, 33u, 64u}) {
    auto key = PublicKey::FromRaw(std::string(size, 'k'));
    ASSERT_FALSE(key.ok()) << size;
    EXPECT_THAT(key.error().message(), HasSubstr("32 bytes, got " + std::to_string(size)));
  }
}

TEST(PublicKeyTest, MalformedBlobsAreRefused) {
  const std::string raw = test::FromHex(test::kRfc8032PublicHex);
  struct Case {
    std::string name;
    std::string blob;
    std::string want;
  };
  const Case cases[] = {
      {"rsa", Blob("ssh-rsa", raw), "unsupported SSH key type \"ssh-rsa\""},
      {"short key", Blob("ssh-ed25519", raw.substr(0, 31)), "32 bytes, got 31"},
      {"long key", Blob("ssh-ed25519", raw + "x"), "32 bytes, got 33"},
      {"trailing bytes", Blob("ssh-ed25519", raw, "junk"), "4 unexpected bytes"},
      {"truncated", Blob("ssh-ed25519", raw).substr(0, 40), "truncated"},
      {"empty", "", "truncated"},
      {"garbage type", Blob("\x01\x02", raw), "does not start with a key type"},
  };
  for (const Case& c : cases) {
    auto key = PublicKey::FromBlob(c.blob);
    ASSERT_FALSE(key.ok()) << c.name;
    EXPECT_EQ(key.error().code(), ErrorCode::kInvalid) << c.name;
    EXPECT_THAT(key.error().ToString(), HasSubstr(c.want)) << c.name;
  }
}

TEST(PublicKeyTest, MalformedLinesAreRefusedWithTheirReason) {
  const std::string b64(test::kRfc8032BlobBase64);
  const std::string raw = test::FromHex(test::kRfc8032PublicHex);
  struct Case {
    std::string name;
    std::string line;
    std::string want;
  };
  const Case cases[] = {
      {"empty", "", "empty public key line"},
      {"blank", "  \n", "empty public key line"},
      {"rsa", "ssh-rsa AAAAB3NzaC1yc2E= me", "unsupported SSH key type \"ssh-rsa\""},
      {"ecdsa", "ecdsa-sha2-nistp256 AAAA me", "unsupported SSH key type \"ecdsa-sha2-nistp256\""},
      {"security key", "sk-ssh-ed25519@openssh.com AAAA", "unsupported SSH key type"},
      {"certificate", "ssh-ed25519-cert-v01@openssh.com AAAA", "unsupported SSH key type"},
      {"options", "restrict,command=\"x\" ssh-ed25519 " + b64, "options are not accepted"},
      {"private key pasted", "-----BEGIN OPENSSH PRIVATE KEY-----", "not a public key line"},
      {"no key", "ssh-ed25519", "no key"},
      {"bad base64", "ssh-ed25519 AAAA$AAA", "invalid base64"},
      {"blob of another type", "ssh-ed25519 " + Base64Encode(Blob("ssh-rsa", raw)),
       "unsupported SSH key type \"ssh-rsa\""},
      {"short blob", "ssh-ed25519 " + Base64Encode(Blob("ssh-ed25519", raw.substr(1))),
       "32 bytes, got 31"},
      {"two lines", "ssh-ed25519 " + b64 + "\nssh-ed25519 " + b64, "several lines"},
      {"control char in comment", "ssh-ed25519 " + b64 + " a\x01z", "control character"},
  };
  for (const Case& c : cases) {
    auto parsed = ParsePublicKeyLine(c.line);
    ASSERT_FALSE(parsed.ok()) << c.name;
    EXPECT_EQ(parsed.error().code(), ErrorCode::kInvalid) << c.name;
    EXPECT_THAT(parsed.error().ToString(), HasSubstr(c.want)) << c.name;
  }
}

TEST(PublicKeyTest, CommentsMustBeOneSaneLine) {
  EXPECT_TRUE(ValidateComment("").ok());
  EXPECT_TRUE(ValidateComment("dr-syncer controller").ok());
  EXPECT_FALSE(ValidateComment("two\nlines").ok());
  EXPECT_FALSE(ValidateComment("tab\there").ok());
  EXPECT_FALSE(ValidateComment(std::string("nul\0", 4)).ok());
  EXPECT_TRUE(ValidateComment(std::string(kMaxCommentBytes, 'c')).ok());
  EXPECT_FALSE(ValidateComment(std::string(kMaxCommentBytes + 1, 'c')).ok());
  auto line = FormatPublicKeyLine(Rfc8032Key(), "inject\nssh-ed25519 AAAA other");
  ASSERT_FALSE(line.ok());
  EXPECT_THAT(line.error().message(), HasSubstr("control character at offset 6"));
}

}  // namespace
}  // namespace drs::sshkeys
