#include "kubeclient/token_file_source.h"

#include <fcntl.h>
#include <sys/stat.h>

#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "base/fake_clock.h"
#include "base/test_temp_dir.h"

namespace drs::kubeclient {
namespace {

using ::testing::HasSubstr;
using namespace std::chrono_literals;  // NOLINT(build/namespaces): test brevity

class TokenFileSourceTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(dir_.ok()); }

  std::string TokenOrError(TokenFileSource& source) {
    auto token = source.Token();
    return token.ok() ? std::string(token->reveal()) : "error: " + token.error().ToString();
  }

  // Rewrites the file in place (same inode) and puts the old mtime back, so
  // only the periodic re-read can notice. REQUIRES: same length.
  void RewriteKeepingStamp(const std::string& path, const std::string& contents) {
    struct stat before {};
    ASSERT_EQ(::stat(path.c_str(), &before), 0);
    {
      std::ofstream out(path, std::ios::binary | std::ios::trunc);
      out << contents;
    }
    const timespec times[2] = {before.st_atim, before.st_mtim};
    ASSERT_EQ(::utimensat(AT_FDCWD, path.c_str(), times, 0), 0);
  }

  test::TempDir dir_;
  FakeClock clock_;
};

TEST_F(TokenFileSourceTest, ReadsAndTrimsTheToken) {
  TokenFileSource source(dir_.WriteFile("token", "  abc.def\n"), clock_);
  EXPECT_EQ(TokenOrError(source), "abc.def");
}

TEST_F(TokenFileSourceTest, PicksUpAReplacedFileImmediately) {
  const std::string path = dir_.WriteFile("token", "first");
  TokenFileSource source(path, clock_);
  EXPECT_EQ(TokenOrError(source), "first");
  // Atomic replacement, as kubelet does: a new inode.
  dir_.WriteFile("token.new", "second-token");
  std::filesystem::rename(dir_.Join("token.new"), path);
  EXPECT_EQ(TokenOrError(source), "second-token");
}

TEST_F(TokenFileSourceTest, UnchangedStampIsCachedForAMinute) {
  const std::string path = dir_.WriteFile("token", "aaaa");
  TokenFileSource source(path, clock_);
  EXPECT_EQ(TokenOrError(source), "aaaa");
  RewriteKeepingStamp(path, "bbbb");
  EXPECT_EQ(TokenOrError(source), "aaaa");  // nothing says it changed
  clock_.Advance(kMaxTokenAge - 1s);
  EXPECT_EQ(TokenOrError(source), "aaaa");
  clock_.Advance(1s);
  EXPECT_EQ(TokenOrError(source), "bbbb");  // the periodic re-read
}

TEST_F(TokenFileSourceTest, MissingOrEmptyFileIsAnErrorNamingThePath) {
  const std::string path = dir_.Join("token");
  TokenFileSource source(path, clock_);
  auto missing = source.Token();
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code(), ErrorCode::kNotFound);
  EXPECT_THAT(missing.error().ToString(), HasSubstr(path));

  dir_.WriteFile("token", " \n");
  auto empty = source.Token();
  ASSERT_FALSE(empty.ok());
  EXPECT_EQ(empty.error().code(), ErrorCode::kInvalid);
  EXPECT_THAT(empty.error().ToString(), HasSubstr(path));

  dir_.WriteFile("token", "now-set");
  EXPECT_EQ(TokenOrError(source), "now-set");
}

TEST_F(TokenFileSourceTest, ConcurrentReadersSeeOneConsistentToken) {
  constexpr int kThreads = 8;
  constexpr int kReadsPerThread = 200;
  TokenFileSource source(dir_.WriteFile("token", "shared-token"), clock_);
  std::vector<int> good(kThreads, 0);
  {
    std::vector<std::jthread> threads;
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&, t] {
        for (int i = 0; i < kReadsPerThread; ++i) {
          auto token = source.Token();
          if (token.ok() && token->reveal() == "shared-token") ++good[static_cast<std::size_t>(t)];
        }
      });
    }
  }
  for (int count : good) EXPECT_EQ(count, kReadsPerThread);
}

}  // namespace
}  // namespace drs::kubeclient
