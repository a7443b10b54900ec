#include "base/base64.h"

#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace drs {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

TEST(Base64Test, EncodesAndDecodesRfc4648Vectors) {
  struct Case {
    std::string plain;
    std::string encoded;
  };
  const Case cases[] = {{"", ""},
                        {"f", "Zg=="},
                        {"fo", "Zm8="},
                        {"foo", "Zm9v"},
                        {"foob", "Zm9vYg=="},
                        {"fooba", "Zm9vYmE="},
                        {"foobar", "Zm9vYmFy"},
                        {std::string("\x00\xff\xfe", 3), "AP/+"}};
  for (const Case& c : cases) {
    EXPECT_EQ(Base64Encode(c.plain), c.encoded);
    auto decoded = Base64Decode(c.encoded);
    ASSERT_TRUE(decoded.ok()) << c.encoded << ": " << decoded.error();
    EXPECT_EQ(*decoded, c.plain);
  }
}

TEST(Base64Test, RoundTripsEveryByteValue) {
  std::string all;
  for (int i = 0; i < 256; ++i) all += static_cast<char>(i);
  for (std::size_t len = 0; len <= all.size(); len += 37) {
    auto back = Base64Decode(Base64Encode(all.substr(0, len)));
    ASSERT_TRUE(back.ok());
    EXPECT_EQ(*back, all.substr(0, len));
  }
}

TEST(Base64Test, SkipsLineBreaks) {
  auto decoded = Base64Decode("Zm9v\r\nYmFy\n");
  ASSERT_TRUE(decoded.ok()) << decoded.error();
  EXPECT_EQ(*decoded, "foobar");
}

TEST(Base64Test, RejectsMalformedInputWithoutEchoingIt) {
  for (const std::string bad :
       {"Zm9", "Zm9v!", "Zm 9v", "Z===", "Zg==Zg==", "Zg=a", "=Zg=", "Zm9v-_", "Zg=", "secret*"}) {
    auto decoded = Base64Decode(bad);
    ASSERT_FALSE(decoded.ok()) << bad;
    EXPECT_EQ(decoded.error().code(), ErrorCode::kInvalid);
    EXPECT_THAT(decoded.error().message(), HasSubstr("invalid base64"));
    EXPECT_THAT(decoded.error().message(), Not(HasSubstr(bad))) << bad;
  }
}

}  // namespace
}  // namespace drs
