#include "agent/host_key.h"

#include <sys/stat.h>

#include <filesystem>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "base/test_temp_dir.h"

namespace drs::agent {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr const char* kKeyA =
    "-----BEGIN OPENSSH PRIVATE KEY-----\nAAAA-secret-a\n-----END OPENSSH PRIVATE KEY-----\n";
constexpr const char* kKeyB =
    "-----BEGIN OPENSSH PRIVATE KEY-----\nAAAA-secret-b\n-----END OPENSSH PRIVATE KEY-----\n";

class HostKeyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(dir_.ok());
    std::filesystem::create_directories(dir_.Join("secret"));
    std::filesystem::create_directories(dir_.Join("state"));
  }
  void WriteSource(const std::string& content) {
    // Secret volumes are often 0644; the copy must not be.
    dir_.WriteFile(std::string("secret/") + kHostKeyName, content, 0644);
  }

  drs::test::TempDir dir_;
};

TEST_F(HostKeyTest, CopiesTheKeyPrivatelyAndReportsChanges) {
  HostKeyInstaller installer(dir_.Join("secret"), dir_.Join("state"));
  WriteSource(kKeyA);
  auto changed = installer.Sync();
  ASSERT_TRUE(changed.ok()) << changed.error();
  EXPECT_TRUE(*changed);
  EXPECT_EQ(installer.installed_path(), dir_.Join(std::string("state/") + kHostKeyName));
  EXPECT_EQ(dir_.ReadFile(std::string("state/") + kHostKeyName), kKeyA);
  struct stat st {};
  ASSERT_EQ(stat(installer.installed_path().c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);

  changed = installer.Sync();
  ASSERT_TRUE(changed.ok());
  EXPECT_FALSE(*changed);

  WriteSource(kKeyB);
  changed = installer.Sync();
  ASSERT_TRUE(changed.ok());
  EXPECT_TRUE(*changed);
  EXPECT_EQ(dir_.ReadFile(std::string("state/") + kHostKeyName), kKeyB);
}

TEST_F(HostKeyTest, RefusesWhatIsNotAnOpenSshKeyWithoutShowingIt) {
  HostKeyInstaller installer(dir_.Join("secret"), dir_.Join("state"));
  WriteSource("-----BEGIN RSA PRIVATE KEY-----\nsecret-bytes\n");
  auto changed = installer.Sync();
  ASSERT_FALSE(changed.ok());
  EXPECT_THAT(changed.error().ToString(), HasSubstr(kHostKeyName));
  EXPECT_THAT(changed.error().ToString(), Not(HasSubstr("secret-bytes")));
  EXPECT_FALSE(std::filesystem::exists(installer.installed_path()));
}

TEST_F(HostKeyTest, MissingKeyIsAnErrorNamingTheFile) {
  HostKeyInstaller installer(dir_.Join("secret"), dir_.Join("state"));
  auto changed = installer.Sync();
  ASSERT_FALSE(changed.ok());
  EXPECT_THAT(changed.error().ToString(), HasSubstr(dir_.Join("secret")));
}

}  // namespace
}  // namespace drs::agent
