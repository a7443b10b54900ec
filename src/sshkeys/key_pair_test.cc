#include "sshkeys/key_pair.h"

#include <sstream>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "sshkeys/test_vectors.h"

namespace drs::sshkeys {
namespace {

using ::testing::HasSubstr;

TEST(KeyPairTest, DerivesTheRfc8032PublicKeyFromItsSeed) {
  auto pair = KeyPair::FromSeed(SecretBytes(test::FromHex(test::kRfc8032SeedHex)), "rfc8032");
  ASSERT_TRUE(pair.ok()) << pair.error();
  EXPECT_EQ(pair->public_key().raw(), test::FromHex(test::kRfc8032PublicHex));
  EXPECT_EQ(pair->Fingerprint(), test::kRfc8032Fingerprint);
  EXPECT_EQ(pair->PublicKeyLine(),
            "ssh-ed25519 " + std::string(test::kRfc8032BlobBase64) + " rfc8032");
  EXPECT_EQ(pair->seed().reveal(), test::FromHex(test::kRfc8032SeedHex));
}

TEST(KeyPairTest, GeneratesDistinctConsistentKeys) {
  auto a = KeyPair::Generate("a");
  auto b = KeyPair::Generate("b");
  ASSERT_TRUE(a.ok()) << a.error();
  ASSERT_TRUE(b.ok()) << b.error();
  EXPECT_EQ(a->seed().size(), kEd25519SeedBytes);
  EXPECT_FALSE(a->seed() == b->seed());
  EXPECT_NE(a->public_key(), b->public_key());
  // Reloading from the seed gives the same public key: the pair is consistent.
  auto again = KeyPair::FromSeed(a->seed().Copy(), "a");
  ASSERT_TRUE(again.ok()) << again.error();
  EXPECT_EQ(again->public_key(), a->public_key());
}

TEST(KeyPairTest, SeedMustBe32Bytes) {
  for (std::size_t size : {0u, 31u, 33u, 64u}) {
    auto pair = KeyPair::FromSeed(SecretBytes(std::string(size, 's')), "");
    ASSERT_FALSE(pair.ok()) << size;
    EXPECT_THAT(pair.error().message(), HasSubstr("32 bytes, got " + std::to_string(size)));
  }
}

TEST(KeyPairTest, CommentIsValidated) {
  EXPECT_FALSE(KeyPair::Generate("two\nlines").ok());
  EXPECT_FALSE(
      KeyPair::FromSeed(SecretBytes(test::FromHex(test::kRfc8032SeedHex)), "bad\rcomment").ok());
}

TEST(KeyPairTest, TheSeedNeverPrints) {
  auto pair = KeyPair::FromSeed(SecretBytes(test::FromHex(test::kRfc8032SeedHex)), "");
  ASSERT_TRUE(pair.ok()) << pair.error();
  std::ostringstream out;
  out << pair->seed();
  EXPECT_EQ(out.str(), "[redacted: 32 bytes]");
}

}  // namespace
}  // namespace drs::sshkeys
