#include "kubelet/quantity.h"

#include <gtest/gtest.h>

namespace drs::kubelet {
namespace {

TEST(RenderResourceTest, CeilOfValueOverDivisor) {
  const struct {
    const char* value;
    const char* divisor;
    const char* want;
  } cases[] = {
      {"4", "1", "4"},        {"500m", "1", "1"},        {"500m", "1m", "500"},
      {"1Gi", "1Mi", "1024"}, {"64Mi", "1", "67108864"}, {"1e3", "1", "1000"},
      {"1.5", "1", "2"},      {"0", "1", "0"},           {"2G", "1M", "2000"},
  };
  for (const auto& c : cases) {
    auto r = RenderResource(c.value, c.divisor);
    ASSERT_TRUE(r.ok()) << c.value << "/" << c.divisor << ": " << r.error();
    EXPECT_EQ(*r, c.want) << c.value << "/" << c.divisor;
  }
}

TEST(RenderResourceTest, RejectsWhatIsNotAQuantity) {
  EXPECT_FALSE(RenderResource("lots", "1").ok());
  EXPECT_FALSE(RenderResource("1", "0").ok());
  EXPECT_FALSE(RenderResource("-1", "1").ok());
  EXPECT_FALSE(RenderResource("", "1").ok());
}

}  // namespace
}  // namespace drs::kubelet
