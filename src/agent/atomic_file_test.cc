#include "agent/atomic_file.h"

#include <sys/stat.h>

#include <filesystem>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "base/test_temp_dir.h"

namespace drs::agent {
namespace {

using ::testing::HasSubstr;

mode_t ModeOf(const std::string& path) {
  struct stat st {};
  return stat(path.c_str(), &st) == 0 ? st.st_mode & 07777 : 0;
}

TEST(AtomicFileTest, ReplacesContentAndSetsTheMode) {
  drs::test::TempDir dir;
  ASSERT_TRUE(dir.ok());
  const std::string path = dir.WriteFile("keys", "old", 0644);
  ASSERT_TRUE(WriteFileAtomically(path, "new content", 0600).ok());
  EXPECT_EQ(dir.ReadFile("keys"), "new content");
  EXPECT_EQ(ModeOf(path), 0600u);
  // Nothing but the target is left in the directory.
  int entries = 0;
  for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator(dir.path())) ++entries;
  EXPECT_EQ(entries, 1);
}

TEST(AtomicFileTest, ModeIsNotSubjectToTheUmask) {
  drs::test::TempDir dir;
  ASSERT_TRUE(dir.ok());
  const mode_t old_umask = umask(0077);
  const Status written = WriteFileAtomically(dir.Join("pub"), "x", 0644);
  umask(old_umask);
  ASSERT_TRUE(written.ok());
  EXPECT_EQ(ModeOf(dir.Join("pub")), 0644u);
}

TEST(AtomicFileTest, ReplacesASymlinkRatherThanWritingThroughIt) {
  drs::test::TempDir dir;
  ASSERT_TRUE(dir.ok());
  const std::string target = dir.WriteFile("target", "untouched");
  std::filesystem::create_symlink(target, dir.Join("link"));
  ASSERT_TRUE(WriteFileAtomically(dir.Join("link"), "new", 0600).ok());
  EXPECT_EQ(dir.ReadFile("target"), "untouched");
  EXPECT_FALSE(std::filesystem::is_symlink(dir.Join("link")));
  EXPECT_EQ(dir.ReadFile("link"), "new");
}

TEST(AtomicFileTest, ErrorsNameThePath) {
  auto status = WriteFileAtomically("/nonexistent-dir/keys", "x", 0600);
  ASSERT_FALSE(status.ok());
  EXPECT_THAT(status.error().message(), HasSubstr("/nonexistent-dir/keys"));
}

}  // namespace
}  // namespace drs::agent
