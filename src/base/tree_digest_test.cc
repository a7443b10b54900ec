#include "base/tree_digest.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <array>
#include <ctime>
#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "base/test_temp_dir.h"

namespace drs {
namespace {

namespace fs = std::filesystem;

std::string Digest(const std::string& root) {
  auto d = DigestTree(root);
  EXPECT_TRUE(d.ok()) << d.error().ToString();
  return d.ok() ? d->value : "";
}

// A change sets ctime from the kernel's coarse clock, which advances every
// few milliseconds. Tests that change a file "without" changing anything
// rsync compares wait for the clock to pass the file's ctime first, so the
// new ctime differs — what happens between any two real syncs.
void WaitForCoarseClockPast(const std::string& path) {
  struct stat st {};
  ASSERT_EQ(::lstat(path.c_str(), &st), 0);
  timespec now{};
  do {
    ASSERT_EQ(::clock_gettime(CLOCK_REALTIME_COARSE, &now), 0);
  } while (now.tv_sec < st.st_ctim.tv_sec ||
           (now.tv_sec == st.st_ctim.tv_sec && now.tv_nsec <= st.st_ctim.tv_nsec));
}

class TreeDigestTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(dir_.ok());
    root_ = dir_.Join("root");
    fs::create_directories(root_ + "/a/b");
    fs::create_directories(root_ + "/empty");
    Write("a/one.txt", "one");
    Write("a/b/two.txt", "two two");
  }

  void Write(const std::string& name, const std::string& contents) {
    std::ofstream(root_ + "/" + name, std::ios::binary | std::ios::trunc) << contents;
  }
  std::string Path(const std::string& name) const { return root_ + "/" + name; }

  test::TempDir dir_;
  std::string root_;
};

TEST_F(TreeDigestTest, SameTreeSameDigestAndCounts) {
  auto first = DigestTree(root_);
  ASSERT_TRUE(first.ok()) << first.error().ToString();
  EXPECT_TRUE(IsTreeDigestValue(first->value)) << first->value;
  EXPECT_EQ(first->entries, 6);  // root, a, a/b, empty, two files
  EXPECT_EQ(first->files, 2);
  EXPECT_EQ(first->bytes, 3 + 7);
  EXPECT_EQ(first->sparse_files, 0);
  EXPECT_EQ(Digest(root_), first->value);
}

TEST_F(TreeDigestTest, CountsSparseFiles) {
  {
    std::ofstream hole(Path("a/hole.img"), std::ios::binary);
    hole.seekp(8 << 20);
    hole << "end";
  }
  auto d = DigestTree(root_);
  ASSERT_TRUE(d.ok()) << d.error().ToString();
  EXPECT_EQ(d->sparse_files, 1);
  EXPECT_EQ(d->files, 3);
}

TEST_F(TreeDigestTest, ReadingFilesIsNotAChange) {
  const std::string before = Digest(root_);
  std::ifstream in(Path("a/one.txt"));
  std::string contents;
  in >> contents;
  ASSERT_EQ(contents, "one");
  EXPECT_EQ(Digest(root_), before);
}

TEST_F(TreeDigestTest, SameSizeRewriteWithRestoredMtimeIsAChange) {
  // What rsync's quick check (size and mtime) cannot see: ctime still moves.
  const std::string file = Path("a/b/two.txt");
  struct stat st {};
  ASSERT_EQ(::stat(file.c_str(), &st), 0);
  const std::string before = Digest(root_);
  WaitForCoarseClockPast(file);
  Write("a/b/two.txt", "TWO TWO");
  const std::array<timespec, 2> times = {st.st_atim, st.st_mtim};
  ASSERT_EQ(::utimensat(AT_FDCWD, file.c_str(), times.data(), 0), 0);
  EXPECT_NE(Digest(root_), before);
}

TEST_F(TreeDigestTest, EveryKindOfChangeChangesTheDigest) {
  std::string last = Digest(root_);
  const auto changed = [&](const char* what) {
    const std::string now = Digest(root_);
    EXPECT_NE(now, last) << what;
    last = now;
  };
  ASSERT_EQ(::chmod(Path("a/one.txt").c_str(), 0640), 0);
  changed("chmod");
  Write("a/new.txt", "");
  changed("new empty file");
  ASSERT_EQ(::rename(Path("a/new.txt").c_str(), Path("a/renamed.txt").c_str()), 0);
  changed("rename");
  ASSERT_EQ(::link(Path("a/one.txt").c_str(), Path("a/hardlink").c_str()), 0);
  changed("hard link");
  ASSERT_EQ(::symlink("one.txt", Path("a/link").c_str()), 0);
  changed("symlink");
  fs::create_directories(Path("empty/sub"));
  changed("new empty directory");
  ASSERT_EQ(::unlink(Path("a/renamed.txt").c_str()), 0);
  changed("delete");
  Write("a/b/two.txt", "longer contents");
  changed("append");
  if (::getuid() == 0) {
    ASSERT_EQ(::lchown(Path("a/one.txt").c_str(), 4242, 4343), 0);
    changed("chown");
  }
  constexpr char kValue[] = "v";
  WaitForCoarseClockPast(Path("a/one.txt"));  // an xattr changes only ctime
  if (::lsetxattr(Path("a/one.txt").c_str(), "user.test", kValue, 1, 0) == 0) {
    changed("xattr");
  }
}

TEST_F(TreeDigestTest, SymlinksAreNotFollowed) {
  const std::string outside = dir_.Join("outside");
  fs::create_directories(outside);
  std::ofstream(outside + "/file") << "outside";
  ASSERT_EQ(::symlink(outside.c_str(), Path("escape").c_str()), 0);
  const std::string before = Digest(root_);
  std::ofstream(outside + "/file", std::ios::trunc) << "changed outside";
  std::ofstream(outside + "/more") << "more";
  EXPECT_EQ(Digest(root_), before);
}

TEST_F(TreeDigestTest, CopiesOfATreeDifferByInodes) {
  const std::string copy = dir_.Join("copy");
  fs::copy(root_, copy, fs::copy_options::recursive);
  EXPECT_NE(Digest(copy), Digest(root_));
}

TEST_F(TreeDigestTest, RefusesWhatIsNotADirectory) {
  auto missing = DigestTree(dir_.Join("missing"));
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.error().message().find("missing"), std::string::npos);
  auto file = DigestTree(Path("a/one.txt"));
  ASSERT_FALSE(file.ok());
  EXPECT_NE(file.error().message().find("one.txt"), std::string::npos);
}

TEST_F(TreeDigestTest, RefusesTreesDeeperThanTheLimit) {
  std::string deep = Path("deep");
  for (int i = 0; i <= kMaxTreeDigestDepth; ++i) deep += "/d";
  fs::create_directories(deep);
  auto d = DigestTree(root_);
  ASSERT_FALSE(d.ok());
  EXPECT_NE(d.error().message().find("levels deep"), std::string::npos) << d.error().ToString();
}

TEST(TreeDigestValueTest, Form) {
  const std::string hex(64, 'a');
  EXPECT_TRUE(IsTreeDigestValue("sha256:" + hex));
  EXPECT_FALSE(IsTreeDigestValue(hex));
  EXPECT_FALSE(IsTreeDigestValue("sha256:" + hex.substr(1)));
  EXPECT_FALSE(IsTreeDigestValue("sha256:" + std::string(64, 'A')));
  EXPECT_FALSE(IsTreeDigestValue("sha256:" + std::string(63, 'a') + "g"));
  EXPECT_FALSE(IsTreeDigestValue(""));
}

TEST(TreeDigestValueTest, BindingDependsOnDigestAndContext) {
  const std::string d1 = "sha256:" + std::string(64, '1');
  const std::string d2 = "sha256:" + std::string(64, '2');
  const std::string bound = BindTreeDigest(d1, "excludes=a");
  EXPECT_TRUE(IsTreeDigestValue(bound)) << bound;
  EXPECT_EQ(BindTreeDigest(d1, "excludes=a"), bound);
  EXPECT_NE(BindTreeDigest(d1, "excludes=b"), bound);
  EXPECT_NE(BindTreeDigest(d2, "excludes=a"), bound);
  // The separator keeps "digest + context" from colliding across the split.
  EXPECT_NE(BindTreeDigest("ab", "c"), BindTreeDigest("a", "bc"));
}

}  // namespace
}  // namespace drs
