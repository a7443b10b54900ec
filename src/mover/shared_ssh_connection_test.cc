#include "mover/shared_ssh_connection.h"

#include <sys/stat.h>

#include <filesystem>

#include <gtest/gtest.h>

namespace drs::mover {
namespace {

namespace fs = std::filesystem;

TEST(SharedSshConnectionTest, PrivateDirectoryThatGoesAway) {
  std::string dir;
  {
    const SharedSshConnection shared("ssh");
    ASSERT_FALSE(shared.path().empty());
    dir = fs::path(shared.path()).parent_path().string();
    struct stat st {};
    ASSERT_EQ(::stat(dir.c_str(), &st), 0);
    EXPECT_TRUE(S_ISDIR(st.st_mode));
    EXPECT_EQ(st.st_mode & 0777, 0700) << "others could open sessions with the mover's key";
    EXPECT_FALSE(fs::exists(shared.path())) << "no connection until ssh makes one";
  }
  EXPECT_FALSE(fs::exists(dir));
}

}  // namespace
}  // namespace drs::mover
