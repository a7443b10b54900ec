#include "agent/rsync_request.h"

#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "agent/original_command.h"

namespace drs::agent {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

Result<RsyncSenderRequest> Parse(const std::string& command) {
  auto words = SplitOriginalCommand(command);
  if (!words.ok()) return std::move(words).error();
  return ParseRsyncSenderRequest(*words);
}

// What real rsync clients (3.2.7 and 3.4) send for the pulls dr-syncer
// makes, captured with `rsync -e <script that prints its arguments>`.
TEST(RsyncRequestTest, AcceptsWhatRealClientsSendForAPull) {
  const std::vector<std::string> pulls = {
      // -aHAX --numeric-ids --delete --delay-updates --partial-dir=.x --stats --sparse
      // --bwlimit=100 --exclude '*.tmp'
      "rsync --server --sender -lHogDtpAXrSe.LsfxCIvu --bwlimit=100 --numeric-ids . pvc/ns/c/",
      // the same with -c
      "rsync --server --sender -lHogDtpAXrcSe.LsfxCIvu --numeric-ids . pvc/ns/c/",
      // -a --dry-run --itemize-changes
      "rsync --server --sender -nlogDtpre.iLsfxCIvu . pvc/ns/c/",
      // -aHAX ... --timeout=600 -c -z -W -I -x --no-owner
      "rsync --server --sender -lWHgDtpAXrcIxSze.LsfxCIvu --timeout=600 --bwlimit=1000 "
      "--numeric-ids . pvc/ns/c/",
      // -a -z --compress-level=5 --compress-choice=zstd, --checksum-choice
      "rsync --server --sender -logDtprze.iLsfxCIvu --compress-level=5 --compress-choice=zstd . "
      "pvc/ns/c/",
      "rsync --server --sender -logDtpre.iLsfxCIvu --checksum-choice=xxh3,md5 . pvc/ns/c/",
      // -a --no-owner --no-group --no-perms, -avv, -q
      "rsync --server --sender -lDtre.iLsfxCIvu . pvc/ns/c/",
      "rsync --server --sender -vvlogDtpre.iLsfxCIvu . pvc/ns/c/",
      "rsync --server --sender -qlogDtpre.iLsfxCIvu . pvc/ns/c/",
  };
  for (const std::string& command : pulls) {
    auto request = Parse(command);
    EXPECT_TRUE(request.ok()) << command << ": " << request.error();
  }
}

TEST(RsyncRequestTest, KeepsOptionsAndNamesTheVolume) {
  auto request = Parse(
      "rsync --server --sender -lHogDtpAXrSe.LsfxCIvu --bwlimit=100 --numeric-ids . "
      "pvc/shop/data/");
  ASSERT_TRUE(request.ok()) << request.error();
  EXPECT_THAT(request->options,
              ElementsAre("-lHogDtpAXrSe.LsfxCIvu", "--bwlimit=100", "--numeric-ids"));
  EXPECT_EQ(request->path.ns, "shop");
  EXPECT_EQ(request->path.claim, "data");
  EXPECT_THAT(
      RsyncServerArgv("/usr/bin/rsync", *request, "/pods/u/volumes/kubernetes.io~csi/p/mount"),
      ElementsAre("/usr/bin/rsync", "--server", "--sender", "-lHogDtpAXrSe.LsfxCIvu",
                  "--bwlimit=100", "--numeric-ids", ".",
                  "/pods/u/volumes/kubernetes.io~csi/p/mount/"));
}

struct Refusal {
  std::string command;
  std::string reason;  // a substring of the refusal
};

TEST(RsyncRequestTest, RefusesWritesDeletesEscapesAndUnknownOptions) {
  const std::vector<Refusal> refusals = {
      // receiver (a push into the volume): what `rsync -a src/ host:pvc/ns/c/` sends
      {"rsync --server -logDtpre.iLsfxCIvu . pvc/ns/c/", "receiver mode"},
      {"rsync --sender --server -logDtpre.iLsfxCIvu . pvc/ns/c/", "server mode"},
      {"/usr/bin/rsync --server --sender -logDtpre.iLsfxCIvu . pvc/ns/c/", "not an rsync"},
      {"rsync --daemon", "server mode"},
      {"rsync --server --sender --daemon . pvc/ns/c/", "daemon"},
      {"rsync --server --sender -logDtpre.iLsfxCIvu --remove-source-files . pvc/ns/c/",
       "delete files from the source volume"},
      {"rsync --server --sender -logDtpre.iLsfxCIvu --remove-sent-files . pvc/ns/c/",
       "delete files"},
      {"rsync --server --sender --delete . pvc/ns/c/", "deletes belong to the receiver"},
      {"rsync --server --sender --delete-after . pvc/ns/c/", "deletes belong"},
      {"rsync --server --sender -lLogDtpre.iLsfxCIvu . pvc/ns/c/", "--copy-links"},
      {"rsync --server --sender -lkogDtpre.iLsfxCIvu . pvc/ns/c/", "--copy-dirlinks"},
      {"rsync --server --sender -logDtpre.iLsfxCIvu --copy-unsafe-links . pvc/ns/c/",
       "follow symlinks"},
      {"rsync --server --sender -logDtpre.iLsfxCIvu --copy-devices . pvc/ns/c/", "device"},
      {"rsync --server --sender -logDtpRe.LsfxCIvu --files-from=- --from0 . pvc/ns/c/", "-R"},
      {"rsync --server --sender -logDtpe.LsfxCIvu --files-from=- --from0 . pvc/ns/c/",
       "name paths"},
      {"rsync --server --sender -slogDtpre.iLsfxCIvu", "secluded-args"},
      {"rsync --server --sender -logDtpre.iLsfxCIvu --log-file=/tmp/x . pvc/ns/c/", "write a file"},
      {"rsync --server --sender -logDtpre.iLsfxCIvu --rsync-path=/bin/sh . pvc/ns/c/",
       "rsync-path"},
      {"rsync --server --sender -logDtpre.iLsfxCIvu --inplace . pvc/ns/c/", "not allowed"},
      {"rsync --server --sender -logDtpre.iLsfxCIvu --iconv=utf8 . pvc/ns/c/", "not allowed"},
      {"rsync --server --sender -Clogtpre.iLsfxCIvu . pvc/ns/c/", "cvs-exclude"},
      {"rsync --server --sender -logDtpre.iLsfxCIvu -B8192 . pvc/ns/c/", "block-size"},
      {"rsync --server --sender -logDtpUre.iLsfxCIvu . pvc/ns/c/", "-U is not allowed"},
      {"rsync --server --sender -logDtpre.iLsfxCIvuZ . pvc/ns/c/", "capability"},
      {"rsync --server --sender -vvvvvlogDtpre.iLsfxCIvu . pvc/ns/c/", "too many -v"},
      {"rsync --server --sender --bwlimit=1m . pvc/ns/c/", "--bwlimit is not allowed"},
      {"rsync --server --sender --compress-choice=evil . pvc/ns/c/", "not allowed"},
      {"rsync --server --sender --sender . pvc/ns/c/", "--sender is not allowed"},
      {"rsync --server --sender -logDtpre.iLsfxCIvu pvc/ns/c/", "unexpected rsync argument"},
      {"rsync --server --sender -logDtpre.iLsfxCIvu", "no \".\""},
      {"rsync --server --sender -logDtpre.iLsfxCIvu . pvc/ns/c/ pvc/ns/d/", "exactly one path"},
      {"rsync --server --sender -logDtpre.iLsfxCIvu .", "exactly one path"},
      {"rsync --server --sender x . pvc/ns/c/", "unexpected rsync argument"},
      {"rsync --server --sender -logDtpre.iLsfxCIvu . pvc/ns/../other/x", "traversal"},
      {"rsync --server --sender -logDtpre.iLsfxCIvu . /etc/", "absolute path"},
      {"rsync --server --sender -logDtpre.iLsfxCIvu . pvc/ns/c", "exactly pvc/"},
  };
  for (const Refusal& refusal : refusals) {
    auto request = Parse(refusal.command);
    ASSERT_FALSE(request.ok()) << "accepted: " << refusal.command;
    EXPECT_EQ(request.error().code(), ErrorCode::kPermissionDenied) << refusal.command;
    EXPECT_THAT(request.error().message(), HasSubstr(refusal.reason)) << refusal.command;
  }
}

}  // namespace
}  // namespace drs::agent
