#include "kube/label_selector.h"

#include <random>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace drs::kube {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;
using Labels = std::map<std::string, std::string>;
using Op = LabelSelector::Operator;

LabelSelector MustParse(std::string_view text) {
  auto selector = LabelSelector::Parse(text);
  EXPECT_TRUE(selector.ok()) << text << ": " << selector.error();
  return selector.ok() ? std::move(selector).value() : LabelSelector();
}

TEST(LabelSelectorParseTest, CanonicalForms) {
  const struct {
    std::string_view in;
    std::string_view canonical;
  } cases[] = {
      {"", ""},
      {"   ", ""},
      {"a=b", "a=b"},
      {"a==b", "a=b"},
      {" a = b ", "a=b"},
      {"a!=b", "a!=b"},
      {"a in (y, x)", "a in (x,y)"},
      {"a in(x,x)", "a in (x)"},
      {"a notin (x)", "a notin (x)"},
      {"a", "a"},
      {"!a", "!a"},
      {"! a", "!a"},
      {"tier=front,app.kubernetes.io/name in (web),!legacy",
       "app.kubernetes.io/name in (web),!legacy,tier=front"},
      {"b=1,a=2,a!=3", "a=2,a!=3,b=1"},
      {"a=b,a=b", "a=b"},
      {"a=", "a="},
      {"a==,b", "a=,b"},
      {"a=in", "a=in"},
      {"a in (in,notin)", "a in (in,notin)"},
      {"a in (x,)", "a in (,x)"},
      {"a in (,x)", "a in (,x)"},
      {"a notin (,)", "a notin (,)"},
      {"a in ( , )", "a in (,)"},
      {"a\tin\n(x)", "a in (x)"},
  };
  for (const auto& c : cases) {
    const LabelSelector selector = MustParse(c.in);
    EXPECT_EQ(selector.ToString(), c.canonical) << "from \"" << c.in << "\"";
    EXPECT_EQ(MustParse(selector.ToString()), selector) << "round trip of \"" << c.in << "\"";
  }
}

TEST(LabelSelectorParseTest, RequirementsAreStructured) {
  const LabelSelector selector = MustParse("env in (prod,dr), app==web, !skip, tier");
  ASSERT_EQ(selector.requirements().size(), 4U);
  EXPECT_EQ(selector.requirements()[0], (LabelSelector::Requirement{"app", Op::kEquals, {"web"}}));
  EXPECT_EQ(selector.requirements()[1],
            (LabelSelector::Requirement{"env", Op::kIn, {"dr", "prod"}}));
  EXPECT_EQ(selector.requirements()[2], (LabelSelector::Requirement{"skip", Op::kDoesNotExist}));
  EXPECT_EQ(selector.requirements()[3], (LabelSelector::Requirement{"tier", Op::kExists}));
}

TEST(LabelSelectorParseTest, RejectsMalformedSelectorsNamingTheProblem) {
  const struct {
    std::string_view in;
    std::string_view message_part;
  } cases[] = {
      {"a=b,", "expected a label key, found the end"},
      {",a", "expected a label key, found \",\" at position 0"},
      {"a b", "expected an operator (=, ==, !=, in, notin) after key \"a\", found \"b\""},
      {"a in x", "expected '(' after \"a in\""},
      {"a in (x", "expected ',' or ')', found the end"},
      {"a in (x y)", "expected ',' or ')', found \"y\" at position 8"},
      {"a in ()", "key \"a\": operator In needs at least one value"},
      {"a notin ()", "operator NotIn needs at least one value"},
      {"a=b=c", "expected ',' or the end, found \"=\" at position 3"},
      {"a=(b)", "expected a value after \"a=\""},
      {"!", "expected a label key after '!', found the end"},
      {"!a=b", "expected ',' or the end"},
      {"!=a", "expected a label key, found \"!=\""},
      {"a>1", "operator \">\" at position 1 is not supported"},
      {"a<1", "operator \"<\" at position 1 is not supported"},
      {"-a=b", "invalid label key \"-a\""},
      {"a=-b", "invalid label value \"-b\""},
      {"a in (x,-y)", "invalid label value \"-y\""},
      {"in=b", "expected a label key, found \"in\""},
      {"a in (x))", "expected ',' or the end, found \")\""},
      {"a)", "after key \"a\", found \")\""},
  };
  for (const auto& c : cases) {
    const auto selector = LabelSelector::Parse(c.in);
    ASSERT_FALSE(selector.ok()) << "accepted \"" << c.in << "\" as " << selector->ToString();
    EXPECT_EQ(selector.error().code(), ErrorCode::kInvalid);
    EXPECT_THAT(selector.error().message(), HasSubstr(std::string(c.message_part))) << c.in;
    EXPECT_THAT(selector.error().message(),
                HasSubstr("invalid label selector \"" + std::string(c.in) + "\""));
  }
}

// Random strings over the selector alphabet: Parse never crashes, and what it
// accepts prints to a form that parses back to the same selector.
TEST(LabelSelectorParseTest, AcceptedInputRoundTrips) {
  constexpr std::string_view kAlphabet = "ab!=(), in notin.-/x";
  constexpr int kIterations = 20000;
  constexpr std::size_t kMaxLength = 16;
  std::mt19937 rng(7);
  std::uniform_int_distribution<std::size_t> length(0, kMaxLength);
  std::uniform_int_distribution<std::size_t> pick(0, kAlphabet.size() - 1);
  int accepted = 0;
  for (int i = 0; i < kIterations; ++i) {
    std::string text;
    for (std::size_t n = length(rng); n > 0; --n) text += kAlphabet[pick(rng)];
    const auto selector = LabelSelector::Parse(text);
    if (!selector.ok()) continue;
    ++accepted;
    const auto again = LabelSelector::Parse(selector->ToString());
    ASSERT_TRUE(again.ok()) << text << " -> " << selector->ToString() << ": " << again.error();
    EXPECT_EQ(*again, *selector) << text;
  }
  EXPECT_GT(accepted, 100) << "the generator should produce some valid selectors";
}

TEST(LabelSelectorTest, Matches) {
  const Labels web = {{"app", "web"}, {"tier", "front"}, {"empty", ""}};
  const struct {
    std::string_view selector;
    bool want;
  } cases[] = {
      {"", true},
      {"app=web", true},
      {"app=api", false},
      {"missing=x", false},
      {"app!=api", true},
      {"app!=web", false},
      {"missing!=x", true},  // != holds for an absent label
      {"app in (api,web)", true},
      {"app in (api)", false},
      {"missing in (x)", false},
      {"app notin (api)", true},
      {"app notin (web)", false},
      {"missing notin (x)", true},
      {"app", true},
      {"missing", false},
      {"!missing", true},
      {"!app", false},
      {"empty=", true},
      {"empty", true},
      {"missing=", false},  // an empty value is not an absent label
      {"app=web,tier=front", true},
      {"app=web,tier=back", false},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(MustParse(c.selector).Matches(web), c.want) << c.selector;
  }
  EXPECT_TRUE(LabelSelector().Matches({}));
  EXPECT_TRUE(LabelSelector().Empty());
  EXPECT_FALSE(MustParse("a").Empty());
}

TEST(LabelSelectorJsonTest, ConvertsMetav1Selectors) {
  const struct {
    std::string_view json;
    std::string_view canonical;
  } cases[] = {
      {R"({})", ""},
      {R"({"matchLabels": null, "matchExpressions": null})", ""},
      {R"({"matchLabels": {"app": "web", "tier": "front"}})", "app=web,tier=front"},
      {R"({"matchExpressions": [
          {"key": "env", "operator": "In", "values": ["prod", "dr"]},
          {"key": "legacy", "operator": "DoesNotExist"},
          {"key": "owner", "operator": "Exists", "values": []},
          {"key": "zone", "operator": "NotIn", "values": ["a"]}]})",
       "env in (dr,prod),!legacy,owner,zone notin (a)"},
      {R"({"matchLabels": {"app": "web"},
           "matchExpressions": [{"key": "app", "operator": "In", "values": ["web"]}]})",
       "app=web,app in (web)"},
  };
  for (const auto& c : cases) {
    const auto selector = LabelSelector::FromJson(json::parse(c.json));
    ASSERT_TRUE(selector.ok()) << c.json << ": " << selector.error();
    EXPECT_EQ(selector->ToString(), c.canonical);
    EXPECT_EQ(MustParse(selector->ToString()), *selector);
  }
}

TEST(LabelSelectorJsonTest, RejectsInvalidSelectorsNamingTheExpression) {
  const struct {
    json selector;
    std::string_view message_part;
  } cases[] = {
      {json(), "must be a JSON object, got null"},
      {json("app=web"), "must be a JSON object, got string"},
      {json::parse(R"({"matchLabels": ["app"]})"), "matchLabels must be a map"},
      {json::parse(R"({"matchLabels": {"app": 3}})"), "matchLabels[\"app\"] must be a string"},
      {json::parse(R"({"matchLabels": {"-app": "x"}})"), "matchLabels: invalid label key \"-app\""},
      {json::parse(R"({"matchLabels": {"app": "x y"}})"), "invalid label value \"x y\""},
      {json::parse(R"({"matchExpressions": {}})"), "matchExpressions must be a list"},
      {json::parse(R"({"matchExpressions": [3]})"), "matchExpressions[0]: must be an object"},
      {json::parse(R"({"matchExpressions": [{"operator": "Exists"}]})"),
       "matchExpressions[0]: key must be a string"},
      {json::parse(R"({"matchExpressions": [{"key": "a", "operator": "Exists"},
                                            {"key": "b", "operator": "in", "values": ["x"]}]})"),
       "matchExpressions[1]: unknown operator \"in\""},
      {json::parse(R"({"matchExpressions": [{"key": "a"}]})"), "operator must be a string"},
      {json::parse(R"({"matchExpressions": [{"key": "tier", "operator": "In"}]})"),
       "matchExpressions[0]: key \"tier\": operator In needs at least one value"},
      {json::parse(R"({"matchExpressions": [{"key": "tier", "operator": "NotIn", "values": []}]})"),
       "operator NotIn needs at least one value"},
      {json::parse(
           R"({"matchExpressions": [{"key": "a", "operator": "Exists", "values": ["x"]}]})"),
       "key \"a\": operator Exists takes no values"},
      {json::parse(R"({"matchExpressions": [{"key": "a", "operator": "DoesNotExist",
                                             "values": ["x"]}]})"),
       "operator DoesNotExist takes no values"},
      {json::parse(R"({"matchExpressions": [{"key": "a", "operator": "In", "values": "x"}]})"),
       "values must be a list of strings"},
      {json::parse(R"({"matchExpressions": [{"key": "a", "operator": "In", "values": [1]}]})"),
       "values must be strings, got 1"},
  };
  for (const auto& c : cases) {
    const auto selector = LabelSelector::FromJson(c.selector);
    ASSERT_FALSE(selector.ok()) << "accepted " << c.selector.dump();
    EXPECT_EQ(selector.error().code(), ErrorCode::kInvalid);
    EXPECT_THAT(selector.error().message(), HasSubstr(std::string(c.message_part)))
        << c.selector.dump();
  }
}

TEST(LabelSelectorTest, FromLabelsAndFromRequirementsValidate) {
  const auto from_labels = LabelSelector::FromLabels({{"app", "web"}, {"tier", ""}});
  ASSERT_TRUE(from_labels.ok()) << from_labels.error();
  EXPECT_EQ(from_labels->ToString(), "app=web,tier=");
  EXPECT_TRUE(from_labels->Matches({{"app", "web"}, {"tier", ""}, {"x", "y"}}));
  EXPECT_FALSE(from_labels->Matches({{"app", "web"}}));
  EXPECT_FALSE(LabelSelector::FromLabels({{"bad key", "x"}}).ok());

  const auto built =
      LabelSelector::FromRequirements({{"b", Op::kIn, {"y", "x", "y"}}, {"a", Op::kExists, {}}});
  ASSERT_TRUE(built.ok()) << built.error();
  EXPECT_EQ(built->ToString(), "a,b in (x,y)");
  const auto bad = LabelSelector::FromRequirements({{"a", Op::kEquals, {"x", "y"}}});
  ASSERT_FALSE(bad.ok());
  EXPECT_THAT(bad.error().message(), HasSubstr("key \"a\": operator Equals needs exactly one"));
}

}  // namespace
}  // namespace drs::kube
