#include "kube/label_validation.h"

#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace drs::kube {
namespace {

using ::testing::HasSubstr;

TEST(LabelValidationTest, AcceptsValidKeys) {
  const std::string longest_name(63, 'a');
  const std::string longest_prefix = std::string(240, 'p') + ".example.com";  // 252 bytes
  for (const std::string& key :
       {std::string("app"), std::string("app.kubernetes.io/name"), std::string("A_b.c-D"),
        std::string("dr-syncer.io/cluster"), std::string("x"), std::string("1"), longest_name,
        longest_prefix + "/" + longest_name}) {
    const Status s = ValidateLabelKey(key);
    EXPECT_TRUE(s.ok()) << key << ": " << s.error();
  }
}

TEST(LabelValidationTest, RejectsInvalidKeysNamingTheRule) {
  const struct {
    std::string key;
    std::string_view message_part;
  } cases[] = {
      {"", "name part must not be empty"},
      {"example.com/", "name part must not be empty"},
      {"/name", "prefix part must not be empty"},
      {std::string(64, 'a'), "at most 63"},
      {"-app", "begin and end with an alphanumeric"},
      {"app_", "begin and end with an alphanumeric"},
      {"a b", "only alphanumerics"},
      {"a/b/c", "only alphanumerics"},
      {"Example.com/app", "prefix part must be a lowercase DNS subdomain"},
      {"example..com/app", "prefix part must be a lowercase DNS subdomain"},
      {"example.com-/app", "prefix part must be a lowercase DNS subdomain"},
      {"ex_ample.com/app", "prefix part must be a lowercase DNS subdomain"},
      {std::string(254, 'a') + "/app", "at most 253"},
  };
  for (const auto& c : cases) {
    const Status s = ValidateLabelKey(c.key);
    ASSERT_FALSE(s.ok()) << "accepted \"" << c.key << "\"";
    EXPECT_EQ(s.error().code(), ErrorCode::kInvalid);
    EXPECT_THAT(s.error().message(), HasSubstr(c.message_part)) << c.key;
    EXPECT_THAT(s.error().message(), HasSubstr("\"" + c.key + "\""));
  }
}

TEST(LabelValidationTest, Values) {
  for (const std::string& value :
       {std::string(""), std::string("v1"), std::string("a.b_c-d"), std::string(63, 'z')}) {
    EXPECT_TRUE(ValidateLabelValue(value).ok()) << value;
  }
  const struct {
    std::string value;
    std::string_view message_part;
  } cases[] = {
      {std::string(64, 'z'), "at most 63"}, {"-a", "begin and end"},       {"a.", "begin and end"},
      {"a/b", "only alphanumerics"},        {"a b", "only alphanumerics"},
  };
  for (const auto& c : cases) {
    const Status s = ValidateLabelValue(c.value);
    ASSERT_FALSE(s.ok()) << "accepted \"" << c.value << "\"";
    EXPECT_THAT(s.error().message(), HasSubstr(c.message_part));
  }
}

}  // namespace
}  // namespace drs::kube
