#include "api/rsync_options.h"

#include <regex>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace drs::api {
namespace {

const std::string_view kAllowed[] = {"--checksum",
                                     "-c",
                                     "--compress",
                                     "-z",
                                     "--compress-level=0",
                                     "--compress-level=9",
                                     "--hard-links",
                                     "-H",
                                     "--acls",
                                     "-A",
                                     "--xattrs",
                                     "-X",
                                     "--sparse",
                                     "-S",
                                     "--numeric-ids",
                                     "--whole-file",
                                     "-W",
                                     "--no-whole-file",
                                     "--delete-excluded",
                                     "--size-only",
                                     "--ignore-times",
                                     "-I",
                                     "--one-file-system",
                                     "-x",
                                     "--no-owner",
                                     "--no-group",
                                     "--no-perms",
                                     "--modify-window=1",
                                     "--modify-window=9999",
                                     "--timeout=600",
                                     "--timeout=999999",
                                     "--max-size=100",
                                     "--max-size=10G",
                                     "--min-size=1k",
                                     "--min-size=999999999999M"};

const std::string_view kRefused[] = {"",
                                     "-cz",
                                     "-e",
                                     "--rsh=ssh",
                                     "--rsh",
                                     "--rsync-path=/bin/sh",
                                     "--remove-source-files",
                                     "--files-from=/etc/passwd",
                                     "--filter=+ *",
                                     "--exclude=*",
                                     "--bwlimit=10",
                                     "--partial-dir=/tmp",
                                     "--inplace",
                                     "--temp-dir=/",
                                     "--link-dest=/",
                                     "--chown=0:0",
                                     "--log-file=/x",
                                     "--server",
                                     "--daemon",
                                     "--delete",
                                     "--checksum ",
                                     " --checksum",
                                     "--checksum\n",
                                     "--compress-level=10",
                                     "--compress-level=",
                                     "--modify-window=-1",
                                     "--modify-window=12345",
                                     "--timeout=1234567",
                                     "--timeout=abc",
                                     "--max-size=1T",
                                     "--max-size=1234567890123",
                                     "--max-size=",
                                     "--min-size=K",
                                     "--CHECKSUM",
                                     "-C",
                                     "--checksum=1"};

TEST(RsyncOptionsTest, AllowsTheListedOptions) {
  for (std::string_view option : kAllowed) {
    EXPECT_TRUE(IsAllowedRsyncOption(option)) << option;
    EXPECT_TRUE(CheckRsyncOption(option).ok()) << option;
  }
}

TEST(RsyncOptionsTest, RefusesEverythingElse) {
  for (std::string_view option : kRefused) {
    EXPECT_FALSE(IsAllowedRsyncOption(option)) << option;
    const Status s = CheckRsyncOption(option);
    ASSERT_FALSE(s.ok()) << option;
    EXPECT_THAT(s.error().message(), ::testing::HasSubstr("is not allowed"));
  }
}

// The CRD's CEL rule uses RsyncOptionPattern(); it must say what the C++
// check says on every input.
TEST(RsyncOptionsTest, PatternAgreesWithTheCheck) {
  const std::regex pattern{std::string(RsyncOptionPattern())};
  for (std::string_view option : kAllowed) {
    EXPECT_TRUE(std::regex_match(std::string(option), pattern)) << option;
  }
  for (std::string_view option : kRefused) {
    // std::regex's $ does not match before a trailing newline, like RE2's.
    EXPECT_FALSE(std::regex_match(std::string(option), pattern)) << option;
  }
}

}  // namespace
}  // namespace drs::api
