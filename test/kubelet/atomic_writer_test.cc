#include "kubelet/atomic_writer.h"

#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>

#include <gtest/gtest.h>

#include "base/test_temp_dir.h"

namespace drs::kubelet {
namespace {

namespace fs = std::filesystem;

Payload Files(std::initializer_list<std::pair<const char*, const char*>> files,
              mode_t mode = 0644) {
  Payload p;
  for (const auto& [path, data] : files) p[path] = FilePayload{SecretBytes(data), mode};
  return p;
}

std::string LinkTarget(const std::string& path) {
  std::error_code ec;
  return fs::read_symlink(path, ec).string();
}

std::vector<std::string> TimestampDirs(const std::string& dir) {
  std::vector<std::string> out;
  for (const auto& e : fs::directory_iterator(dir)) {
    const auto name = e.path().filename().string();
    if (name.starts_with("..") && name != "..data" && e.is_directory() && !e.is_symlink()) {
      out.push_back(name);
    }
  }
  return out;
}

TEST(WriteAtomicallyTest, WritesTheKubeletLayout) {
  test::TempDir tmp;
  ASSERT_TRUE(tmp.ok());
  const std::string dir = tmp.Join("vol");
  auto wrote = WriteAtomically(dir, Files({{"key", "v1"}, {"sub/file", "nested"}}, 0400),
                               std::chrono::system_clock::now());
  ASSERT_TRUE(wrote.ok()) << wrote.error();
  EXPECT_TRUE(*wrote);
  EXPECT_EQ(LinkTarget(dir + "/key"), "..data/key");
  EXPECT_EQ(LinkTarget(dir + "/sub"), "..data/sub");
  const auto ts = TimestampDirs(dir);
  ASSERT_EQ(ts.size(), 1u);
  EXPECT_EQ(LinkTarget(dir + "/..data"), ts[0]);
  EXPECT_EQ(tmp.ReadFile("vol/key"), "v1");
  EXPECT_EQ(tmp.ReadFile("vol/sub/file"), "nested");
  struct stat st {};
  ASSERT_EQ(::stat((dir + "/key").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0400u);
}

TEST(WriteAtomicallyTest, UnchangedContentWritesNothing) {
  test::TempDir tmp;
  const std::string dir = tmp.Join("vol");
  const auto now = std::chrono::system_clock::now();
  ASSERT_TRUE(WriteAtomically(dir, Files({{"a", "1"}}), now).ok());
  const auto before = LinkTarget(dir + "/..data");
  auto again = WriteAtomically(dir, Files({{"a", "1"}}), now + std::chrono::seconds(1));
  ASSERT_TRUE(again.ok()) << again.error();
  EXPECT_FALSE(*again);
  EXPECT_EQ(LinkTarget(dir + "/..data"), before);
  // A mode change alone is a change.
  auto chmodded = WriteAtomically(dir, Files({{"a", "1"}}, 0600), now + std::chrono::seconds(2));
  ASSERT_TRUE(chmodded.ok());
  EXPECT_TRUE(*chmodded);
}

TEST(WriteAtomicallyTest, UpdateSwapsDataAndRemovesOldCopyAndStaleNames) {
  test::TempDir tmp;
  const std::string dir = tmp.Join("vol");
  const auto now = std::chrono::system_clock::now();
  ASSERT_TRUE(WriteAtomically(dir, Files({{"old", "x"}, {"kept", "1"}}), now).ok());
  const auto first = LinkTarget(dir + "/..data");
  auto wrote =
      WriteAtomically(dir, Files({{"kept", "2"}, {"new", "y"}}), now + std::chrono::seconds(1));
  ASSERT_TRUE(wrote.ok()) << wrote.error();
  EXPECT_TRUE(*wrote);
  EXPECT_NE(LinkTarget(dir + "/..data"), first);
  EXPECT_FALSE(fs::exists(dir + "/" + first));
  EXPECT_EQ(TimestampDirs(dir).size(), 1u);
  EXPECT_EQ(tmp.ReadFile("vol/kept"), "2");
  EXPECT_EQ(tmp.ReadFile("vol/new"), "y");
  std::error_code ec;
  EXPECT_FALSE(fs::exists(fs::symlink_status(dir + "/old", ec)));
}

TEST(WriteAtomicallyTest, RejectsPathsThatEscape) {
  test::TempDir tmp;
  for (const char* bad : {"../x", "/abs", "a/../../b", "..hidden", "a//b", ""}) {
    auto r =
        WriteAtomically(tmp.Join("vol"), Files({{bad, "x"}}), std::chrono::system_clock::now());
    EXPECT_FALSE(r.ok()) << bad;
  }
}

}  // namespace
}  // namespace drs::kubelet
