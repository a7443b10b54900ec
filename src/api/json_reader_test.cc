#include "api/json_reader.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace drs::api {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;

TEST(JsonReaderTest, AbsentAndNullKeepDefaults) {
  const json obj = json::parse(R"({"a": null})");
  FieldErrors errors;
  ObjectReader r(&obj, "spec", &errors);
  std::string s = "keep";
  std::int32_t i = 7;
  Duration d = std::chrono::seconds(3);
  EXPECT_FALSE(r.String("a", s));
  EXPECT_FALSE(r.Int32("b", i));
  EXPECT_FALSE(r.GoDuration("c", d));
  EXPECT_EQ(s, "keep");
  EXPECT_EQ(i, 7);
  EXPECT_EQ(d, std::chrono::seconds(3));
  EXPECT_FALSE(r.Object("missing").present());
  EXPECT_TRUE(errors.empty());
  ObjectReader none(nullptr, "status", &errors);
  EXPECT_FALSE(none.present());
  EXPECT_FALSE(none.String("x", s));
}

TEST(JsonReaderTest, NumbersFollowJsonNotCpp) {
  const json obj = json::parse(
      R"({"whole_float": 3.0, "big": 18446744073709551615, "neg": -5, "frac": 1.5,
          "i32_overflow": 4294967296, "dur_empty": ""})");
  FieldErrors errors;
  ObjectReader r(&obj, "", &errors);
  std::int64_t i = 0;
  EXPECT_TRUE(r.Int64("whole_float", i));
  EXPECT_EQ(i, 3);
  EXPECT_TRUE(r.Int64("neg", i));
  EXPECT_EQ(i, -5);
  EXPECT_FALSE(r.Int64("big", i));
  EXPECT_FALSE(r.Int64("frac", i));
  std::int32_t small = 0;
  EXPECT_FALSE(r.Int32("i32_overflow", small));
  double d = 0;
  EXPECT_TRUE(r.Number("neg", d));
  EXPECT_EQ(d, -5);
  Duration dur{};
  EXPECT_FALSE(r.GoDuration("dur_empty", dur));  // "" counts as absent (Go-era objects)
  const Status s = errors.ToStatus();
  ASSERT_FALSE(s.ok());
  EXPECT_THAT(s.error().message(), HasSubstr("big: must be a 64-bit integer"));
  EXPECT_THAT(s.error().message(), HasSubstr("frac: must be an integer"));
  EXPECT_THAT(s.error().message(), HasSubstr("i32_overflow: must be a 32-bit integer"));
  EXPECT_EQ(s.error().causes().size(), 3U);
  EXPECT_EQ(s.error().causes()[0].field, "big");
  EXPECT_EQ(s.error().causes()[0].reason, "FieldValueInvalid");
}

TEST(JsonReaderTest, ListsMapsAndObjectsReportElementPaths) {
  const json obj = json::parse(R"({"list": ["a", 1], "map": {"k": 2}, "objs": [{"x": 1}, 3],
                                   "notobj": [], "time": "2026-01-01T00:00:00Z",
                                   "badtime": "noon"})");
  FieldErrors errors;
  ObjectReader r(&obj, "spec", &errors);
  std::vector<std::string> list = {"default"};
  EXPECT_FALSE(r.StringList("list", list));
  EXPECT_EQ(list, std::vector<std::string>{"default"});  // all or nothing
  std::map<std::string, std::string> map;
  EXPECT_FALSE(r.StringMap("map", map));
  int seen = 0;
  EXPECT_TRUE(r.Objects("objs", [&](ObjectReader& item) {
    EXPECT_EQ(item.path(), "spec.objs[0]");
    ++seen;
  }));
  EXPECT_EQ(seen, 1);
  EXPECT_FALSE(r.Object("notobj").present());
  std::optional<Clock::WallTime> t;
  EXPECT_TRUE(r.Time("time", t));
  EXPECT_TRUE(t.has_value());
  EXPECT_FALSE(r.Time("badtime", t));
  const std::string m = errors.ToStatus().error().message();
  EXPECT_THAT(m, HasSubstr("spec.list[1]: must be a string"));
  EXPECT_THAT(m, HasSubstr("spec.map.k: must be a string"));
  EXPECT_THAT(m, HasSubstr("spec.objs[1]: must be an object"));
  EXPECT_THAT(m, HasSubstr("spec.notobj: must be an object"));
  EXPECT_THAT(m, HasSubstr("spec.badtime:"));
}

}  // namespace
}  // namespace drs::api
