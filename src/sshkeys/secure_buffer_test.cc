#include "sshkeys/secure_buffer.h"

#include <string>

#include <gtest/gtest.h>

namespace drs::sshkeys {
namespace {

TEST(SecureBufferTest, KeepsEveryByteAcrossGrowth) {
  SecureBuffer buffer;
  std::string expected;
  // Far beyond the initial capacity, so the buffer is regrown several times.
  for (int i = 0; i < 5000; ++i) {
    const char c = static_cast<char>('a' + i % 26);
    buffer.PushBack(c);
    expected += c;
    if (i % 7 == 0) {
      buffer.Append("xyz");
      expected += "xyz";
    }
  }
  EXPECT_EQ(buffer.view(), expected);
  EXPECT_EQ(buffer.size(), expected.size());
}

TEST(SecureBufferTest, ResizeZeroFillsAndTruncates) {
  SecureBuffer buffer;
  buffer.Append("abc");
  buffer.Resize(5);
  EXPECT_EQ(buffer.view(), std::string("abc\0\0", 5));
  buffer.Resize(2);
  EXPECT_EQ(buffer.view(), "ab");
}

TEST(SecureBufferTest, ReleaseSecretMovesTheBytesAndEmptiesTheBuffer) {
  SecureBuffer buffer;
  buffer.Append("private bytes");
  SecretBytes secret = std::move(buffer).ReleaseSecret();
  EXPECT_EQ(secret.reveal(), "private bytes");
  EXPECT_EQ(buffer.size(), 0u);  // NOLINT(bugprone-use-after-move): the documented state
}

TEST(SecureBufferTest, ReleasePublicCopiesOutTheBytes) {
  SecureBuffer buffer;
  buffer.Append("public blob");
  EXPECT_EQ(std::move(buffer).ReleasePublic(), "public blob");
}

}  // namespace
}  // namespace drs::sshkeys
