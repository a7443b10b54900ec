#include "base/secret_bytes.h"

#include <sstream>

#include <gtest/gtest.h>

#include "base/logging.h"

namespace drs {
namespace {

TEST(SecretBytesTest, NeverPrintsItsBytes) {
  const SecretBytes s(std::string("hunter2-private-key"));
  std::ostringstream os;
  os << s;
  EXPECT_EQ(os.str(), "[redacted: 19 bytes]");
  EXPECT_EQ(s.reveal(), "hunter2-private-key");
}

TEST(SecretBytesTest, MoveLeavesTheSourceEmpty) {
  SecretBytes a(std::string(64, 'k'));
  SecretBytes b = std::move(a);
  EXPECT_TRUE(a.empty());  // NOLINT(bugprone-use-after-move): checking the wipe
  EXPECT_EQ(b.size(), 64U);
  SecretBytes c;
  c = std::move(b);
  EXPECT_TRUE(b.empty());  // NOLINT(bugprone-use-after-move)
  EXPECT_EQ(c.reveal(), std::string(64, 'k'));
}

TEST(SecretBytesTest, ComparesByContent) {
  EXPECT_EQ(SecretBytes(std::string("abc")), SecretBytes(std::string("abc")));
  EXPECT_FALSE(SecretBytes(std::string("abc")) == SecretBytes(std::string("abd")));
  EXPECT_FALSE(SecretBytes(std::string("abc")) == SecretBytes(std::string("ab")));
  EXPECT_EQ(SecretBytes(std::string("x")).Copy().reveal(), "x");
}

TEST(LoggingTest, TextFieldsQuoteOnlyWhenNeeded) {
  ASSERT_TRUE(InitLogging("info", LogFormat::kText).ok());
  EXPECT_EQ(Fields("synced", {{"object", "shop/web"}, {"reason", "a b"}, {"empty", ""}}),
            R"(synced object=shop/web reason="a b" empty="")");
}

TEST(LoggingTest, JsonFieldsAreEscaped) {
  ASSERT_TRUE(InitLogging("debug", LogFormat::kJson).ok());
  EXPECT_EQ(Fields("say \"hi\"", {{"k", "v\n"}}), R"("msg":"say \"hi\"","k":"v\n")");
  ASSERT_TRUE(InitLogging("info", LogFormat::kText).ok());
}

TEST(LoggingTest, RejectsUnknownLevelAndFormat) {
  EXPECT_FALSE(InitLogging("chatty", LogFormat::kText).ok());
  EXPECT_TRUE(InitLogging("off", LogFormat::kText).ok());
  EXPECT_FALSE(ParseLogFormat("xml").ok());
  EXPECT_EQ(*ParseLogFormat("json"), LogFormat::kJson);
  ASSERT_TRUE(InitLogging("info", LogFormat::kText).ok());
}

}  // namespace
}  // namespace drs
