#include "sshkeys/ssh_wire.h"

#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace drs::sshkeys {
namespace {

using ::testing::HasSubstr;

TEST(SshWireTest, WritesBigEndianIntegersAndLengthPrefixedStrings) {
  WireWriter writer;
  writer.PutU32(0x01020304);
  writer.PutString("ab");
  writer.PutU8(0xff);
  writer.PutBytes("z");
  EXPECT_EQ(writer.view(), std::string("\x01\x02\x03\x04\x00\x00\x00\x02"
                                       "ab\xff"
                                       "z",
                                       12));
}

TEST(SshWireTest, ReadsBackWhatWasWritten) {
  WireWriter writer;
  writer.PutU32(0xdeadbeef);
  writer.PutString("ssh-ed25519");
  writer.PutString("");
  writer.PutU8(7);
  const std::string bytes = std::move(writer).ReleasePublic();

  WireReader reader(bytes);
  auto u32 = reader.ReadU32("number");
  ASSERT_TRUE(u32.ok()) << u32.error();
  EXPECT_EQ(*u32, 0xdeadbeefu);
  auto type = reader.ReadString("type");
  ASSERT_TRUE(type.ok()) << type.error();
  EXPECT_EQ(*type, "ssh-ed25519");
  auto empty = reader.ReadString("empty");
  ASSERT_TRUE(empty.ok()) << empty.error();
  EXPECT_EQ(*empty, "");
  auto u8 = reader.ReadU8("byte");
  ASSERT_TRUE(u8.ok()) << u8.error();
  EXPECT_EQ(*u8, 7);
  EXPECT_TRUE(reader.empty());
}

TEST(SshWireTest, ShortDataIsAnErrorNamingTheField) {
  struct Case {
    std::string bytes;
    std::string want;
  };
  const Case cases[] = {
      {std::string("\x00\x00\x01", 3), "comment needs 4 bytes, 3 left"},
      // A length that points past the end must not be trusted.
      {std::string("\x00\x00\x00\x09secret", 10), "comment needs 9 bytes, 6 left"},
      {std::string("\xff\xff\xff\xff", 4), "comment needs 4294967295 bytes, 0 left"},
  };
  for (const Case& c : cases) {
    WireReader reader(c.bytes);
    auto result = reader.ReadString("comment");
    ASSERT_FALSE(result.ok());
    EXPECT_EQ(result.error().code(), ErrorCode::kInvalid);
    EXPECT_THAT(result.error().message(), HasSubstr(c.want));
    // The bytes themselves are never quoted: they may be a private key.
    EXPECT_THAT(result.error().message(), ::testing::Not(HasSubstr("secret")));
  }
}

}  // namespace
}  // namespace drs::sshkeys
