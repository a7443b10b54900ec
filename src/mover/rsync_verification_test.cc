#include "mover/rsync_verification.h"

#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <set>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "base/test_temp_dir.h"

namespace drs::mover {
namespace {

namespace fs = std::filesystem;
using ::testing::ElementsAre;

TEST(RsyncVerificationTest, ParsesItemizedLines) {
  struct Case {
    std::string_view line;
    bool is_difference;
    bool content_only;
  };
  // Real --itemize-changes lines from a checksum dry run after corrupting
  // and changing a destination.
  const Case cases[] = {
      {">fc........ sub/big", true, true},  // same size and time, other bytes
      {">fc......x. sub/big", true, true},
      {">fcst...... sub/grown", true, false},
      {">fc.t...... sub/rewritten", true, false},
      {">f+++++++++ new-file", true, false},
      {".f...p..... small", true, false},
      {".d..t...... dir/", true, false},
      {"cL+++++++++ link -> target", true, false},
      {"hf+++++++++ b => a", true, false},
      {"*deleting   extra", true, false},
      {"", false, false},
      {"Number of files: 6 (reg: 2, dir: 3, link: 1)", false, false},
      {"sent 213 bytes  received 36 bytes  498.00 bytes/sec", false, false},
      {"total size is 20000008  speedup is 80321.32 (DRY RUN)", false, false},
  };
  for (const Case& c : cases) {
    const auto got = ParseItemizeLine(c.line);
    ASSERT_EQ(got.has_value(), c.is_difference) << c.line;
    if (!got) continue;
    EXPECT_EQ(got->line, c.line);
    EXPECT_EQ(got->content_only, c.content_only) << c.line;
  }
}

std::vector<std::string> SplitNul(const std::string& rules) {
  std::vector<std::string> out;
  std::size_t start = 0;
  for (std::size_t nul = rules.find('\0'); nul != std::string::npos;
       nul = rules.find('\0', start)) {
    out.push_back(rules.substr(start, nul - start));
    start = nul + 1;
  }
  EXPECT_EQ(start, rules.size()) << "rules must end with a NUL";
  return out;
}

TEST(RsyncVerificationTest, IncludeRulesNameParentsAndEscapeWildcards) {
  const auto rules = SplitNul(SampleIncludeRules({"a/b/c.txt", "top", "w*ld/x\\y[1]?"}));
  EXPECT_THAT(rules, ElementsAre("/a/", "/a/b/", "/w\\*ld/", "/a/b/c.txt", "/top",
                                 "/w\\*ld/x\\\\y\\[1]\\?"));
}

TEST(RsyncVerificationTest, BackslashWithoutWildcardsStaysLiteral) {
  // rsync compares such a pattern as a plain string.
  EXPECT_THAT(SplitNul(SampleIncludeRules({"a\\b"})), ElementsAre("/a\\b"));
}

TEST(RsyncVerificationTest, NamesWithNewlinesAndSpacesSurvive) {
  EXPECT_THAT(SplitNul(SampleIncludeRules({"new\nline ", " lead"})),
              ElementsAre("/new\nline ", "/ lead"));
}

class SampleFilesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(dir_.ok());
    fs::create_directories(dir_.Join("d/e"));
    fs::create_directories(dir_.Join(".dr-syncer-tmp"));
    fs::create_directories(dir_.Join("d/.dr-syncer-partial"));
    for (int i = 0; i < 40; ++i) dir_.WriteFile("d/e/f" + std::to_string(i), "x");
    for (int i = 0; i < 60; ++i) dir_.WriteFile("g" + std::to_string(i), "x");
    dir_.WriteFile(".dr-syncer-tmp/stale", "x");
    dir_.WriteFile("d/.dr-syncer-partial/half", "x");
    ASSERT_EQ(::symlink("g0", dir_.Join("link").c_str()), 0);
  }
  test::TempDir dir_;
};

TEST_F(SampleFilesTest, PicksTheShareOfRegularFilesAndSkipsScratch) {
  auto sample = SampleFiles(dir_.path(), 10, 42);
  ASSERT_TRUE(sample.ok()) << sample.error();
  EXPECT_EQ(sample->size(), 10u);  // 10% of 100
  std::set<std::string> unique(sample->begin(), sample->end());
  EXPECT_EQ(unique.size(), sample->size());
  for (const std::string& path : *sample) {
    EXPECT_TRUE(fs::is_regular_file(fs::symlink_status(dir_.Join(path)))) << path;
    EXPECT_EQ(path.find(".dr-syncer"), std::string::npos) << path;
  }
}

TEST_F(SampleFilesTest, RoundsUpAndCoversEverythingAt100) {
  auto one = SampleFiles(dir_.path(), 1, 7);
  ASSERT_TRUE(one.ok());
  EXPECT_EQ(one->size(), 1u);  // ceil(100 x 1%)
  auto all = SampleFiles(dir_.path(), 100, 7);
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all->size(), 100u);
}

TEST_F(SampleFilesTest, SameSeedSameSampleOtherSeedOtherSample) {
  auto a = SampleFiles(dir_.path(), 30, 1);
  auto b = SampleFiles(dir_.path(), 30, 1);
  auto c = SampleFiles(dir_.path(), 30, 2);
  ASSERT_TRUE(a.ok() && b.ok() && c.ok());
  EXPECT_EQ(*a, *b);
  EXPECT_NE(*a, *c);
}

TEST(SampleFilesEmptyTest, EmptyTreeGivesNothing) {
  test::TempDir dir;
  ASSERT_TRUE(dir.ok());
  auto sample = SampleFiles(dir.path(), 50, 0);
  ASSERT_TRUE(sample.ok());
  EXPECT_TRUE(sample->empty());
}

TEST(SampleFilesEmptyTest, MissingDirectoryIsAnErrorNamingIt) {
  auto sample = SampleFiles("/nonexistent/dest", 50, 0);
  ASSERT_FALSE(sample.ok());
  EXPECT_NE(sample.error().message().find("/nonexistent/dest"), std::string::npos);
}

}  // namespace
}  // namespace drs::mover
