#include "agent/identifiers.h"

#include <string>

#include <gtest/gtest.h>

namespace drs::agent {
namespace {

TEST(IdentifiersTest, DnsLabels) {
  EXPECT_TRUE(IsDnsLabel("shop"));
  EXPECT_TRUE(IsDnsLabel("a-1"));
  EXPECT_TRUE(IsDnsLabel(std::string(63, 'a')));
  EXPECT_FALSE(IsDnsLabel(std::string(64, 'a')));
  EXPECT_FALSE(IsDnsLabel(""));
  EXPECT_FALSE(IsDnsLabel("-a"));
  EXPECT_FALSE(IsDnsLabel("a-"));
  EXPECT_FALSE(IsDnsLabel("Shop"));
  EXPECT_FALSE(IsDnsLabel("a.b"));
  EXPECT_FALSE(IsDnsLabel(".."));
}

TEST(IdentifiersTest, DnsSubdomains) {
  EXPECT_TRUE(IsDnsSubdomain("data"));
  EXPECT_TRUE(IsDnsSubdomain("pvc-3f2a.b-c"));
  EXPECT_FALSE(IsDnsSubdomain("a..b"));
  EXPECT_FALSE(IsDnsSubdomain(".a"));
  EXPECT_FALSE(IsDnsSubdomain("a."));
  EXPECT_FALSE(IsDnsSubdomain(".."));
  EXPECT_FALSE(IsDnsSubdomain("a/b"));
  EXPECT_FALSE(IsDnsSubdomain(std::string(254, 'a')));
}

TEST(IdentifiersTest, KeyIds) {
  EXPECT_TRUE(IsKeyId("mover/shop/shop-dr/7"));
  EXPECT_TRUE(IsKeyId("controller/3"));
  EXPECT_TRUE(IsKeyId("A_b.c-d"));
  EXPECT_FALSE(IsKeyId(""));
  EXPECT_FALSE(IsKeyId(std::string(201, 'a')));
  EXPECT_FALSE(IsKeyId("a b"));
  EXPECT_FALSE(IsKeyId("a\"b"));
  EXPECT_FALSE(IsKeyId("a\nb"));
  EXPECT_FALSE(IsKeyId("a,b"));
}

TEST(IdentifiersTest, PlainWordsRefuseEveryShellMetacharacter) {
  EXPECT_TRUE(IsPlainWord("--bwlimit=100"));
  EXPECT_TRUE(IsPlainWord("-lHogDtpAXrSe.LsfxCIvu"));
  EXPECT_TRUE(IsPlainWord("/var/lib/kubelet/pods"));
  EXPECT_FALSE(IsPlainWord(""));
  for (char c : std::string(" \t\n\r\"'\\$`;|&<>*?[]{}()~#!%^")) {
    const std::string word = std::string("a") + c + "b";
    EXPECT_FALSE(IsPlainWord(word)) << "accepted " << word;
    EXPECT_EQ(FirstUnplainPosition(word), 1u);
  }
  EXPECT_FALSE(IsPlainWord(std::string("a\0b", 3)));
  EXPECT_FALSE(IsPlainWord("caf\xc3\xa9"));
  EXPECT_EQ(FirstUnplainPosition("abc"), std::string_view::npos);
}

TEST(IdentifiersTest, DescribesCharactersPrintably) {
  EXPECT_EQ(DescribeCharacter("a;b", 1), "';'");
  EXPECT_EQ(DescribeCharacter("a\nb", 1), "byte 0x0a");
  EXPECT_EQ(DescribeCharacter("a b", 1), "byte 0x20");
  EXPECT_EQ(DescribeCharacter("\xff", 0), "byte 0xff");
}

}  // namespace
}  // namespace drs::agent
