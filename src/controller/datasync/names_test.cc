#include "controller/datasync/names.h"

#include <gtest/gtest.h>

namespace drs::controller::datasync {
namespace {

TEST(HashedNameTest, KeepsTheReadablePartAndAddsAHashOfTheIdentity) {
  const std::string a = HashedName("drs-key-mover-app", "shop/app", kMaxDnsLabel);
  EXPECT_TRUE(a.starts_with("drs-key-mover-app-")) << a;
  EXPECT_EQ(a.size(), std::string("drs-key-mover-app-").size() + kNameHashDigits);
  EXPECT_TRUE(IsDnsLabel(a)) << a;
  // Same readable part, other identity: another name.
  EXPECT_NE(a, HashedName("drs-key-mover-app", "other/app", kMaxDnsLabel));
  // Deterministic.
  EXPECT_EQ(a, HashedName("drs-key-mover-app", "shop/app", kMaxDnsLabel));
}

TEST(HashedNameTest, ShortensAndCleansToFit) {
  const std::string long_name(200, 'x');
  const std::string n = HashedName("Mount_" + long_name + ".", "id", kMaxDnsLabel);
  EXPECT_EQ(n.size(), kMaxDnsLabel);
  EXPECT_TRUE(IsDnsLabel(n)) << n;
  EXPECT_TRUE(n.starts_with("mount-xxx")) << n;
  // Nothing readable left: just the hash.
  EXPECT_EQ(HashedName("..--..", "id", kMaxDnsLabel).size(), kNameHashDigits);
}

TEST(IsDnsLabelTest, Rules) {
  EXPECT_TRUE(IsDnsLabel("a"));
  EXPECT_TRUE(IsDnsLabel("app-data-1"));
  EXPECT_FALSE(IsDnsLabel(""));
  EXPECT_FALSE(IsDnsLabel("-a"));
  EXPECT_FALSE(IsDnsLabel("a-"));
  EXPECT_FALSE(IsDnsLabel("A"));
  EXPECT_FALSE(IsDnsLabel("a.b"));
  EXPECT_FALSE(IsDnsLabel(std::string(64, 'a')));
}

TEST(LabelValueTest, ShortValuesStayLongOnesGetAHash) {
  EXPECT_EQ(LabelValue("data"), "data");
  EXPECT_EQ(LabelValue("shop/app"), "shop.app");
  const std::string v = LabelValue(std::string(100, 'c'));
  EXPECT_LE(v.size(), kMaxLabelValue);
  EXPECT_NE(v, LabelValue(std::string(101, 'c')));
}

}  // namespace
}  // namespace drs::controller::datasync
