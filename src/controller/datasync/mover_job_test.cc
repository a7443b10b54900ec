#include "controller/datasync/mover_job.h"

#include <algorithm>

#include <gtest/gtest.h>

#include "base/base64.h"
#include "base/rfc3339.h"
#include "controller/datasync/json_read.h"
#include "controller/datasync/names.h"
#include "controller/datasync/sshkeys_minter.h"

namespace drs::controller::datasync {
namespace {

using nlohmann::json;

MoverJobSettings Settings() {
  MoverJobSettings s;
  s.replication = "ops/app";
  s.source_ns = "shop";
  s.claim = "data";
  s.destination_ns = "shop-dr";
  s.run = 3;
  s.attempt = 1;
  s.created_at = *ParseRfc3339("2026-01-01T10:00:00Z");
  s.image = "registry.example/dr-syncer-agent:1.0";
  s.endpoint = {.node = "node-2", .address = "10.0.0.2", .pod = "web"};
  s.ssh_port = 2222;
  s.key_id = "mover/ops/app/4";
  return s;
}

TEST(MoverJobTest, NamesAreDeterministicDnsLabels) {
  EXPECT_EQ(MoverJobName("ops/app", "shop", "data", 3), "app-data-3");
  const std::string long_claim(200, 'd');
  const std::string a = MoverJobName("ops/app", "shop", long_claim, 12);
  EXPECT_LE(a.size(), 63u);
  EXPECT_TRUE(IsDnsLabel(a)) << a;
  EXPECT_TRUE(a.ends_with("-12")) << a;
  EXPECT_EQ(a, MoverJobName("ops/app", "shop", long_claim, 12));
  EXPECT_NE(a, MoverJobName("ops/app", "shop", long_claim + "x", 12));
  // Not a DNS label as written (dots, capitals): shortened form with a hash.
  const std::string dotted = MoverJobName("ops/app", "shop", "data.v1", 1);
  EXPECT_TRUE(IsDnsLabel(dotted)) << dotted;
  EXPECT_TRUE(dotted.starts_with("app-data-v1-")) << dotted;
}

TEST(MoverJobTest, ArgsFollowTheContract) {
  MoverJobSettings s = Settings();
  s.config.bandwidth_limit = 1024;
  s.config.exclude_paths = {"cache/", "*.tmp"};
  s.config.rsync_options = {"--checksum", "-z"};
  s.config.verification_mode = api::VerificationMode::kSample;
  s.config.sample_percent = 25;
  s.config.timeout = std::chrono::minutes(45);
  const std::vector<std::string> want = {"pull",
                                         "--host=10.0.0.2",
                                         "--port=2222",
                                         "--user=root",
                                         "--path=pvc/shop/data/",
                                         "--dest=/data",
                                         "--identity-file=/etc/dr-syncer/mover/id_ed25519",
                                         "--known-hosts-file=/etc/dr-syncer/mover/known_hosts",
                                         "--bwlimit=1024",
                                         "--exclude=cache/",
                                         "--exclude=*.tmp",
                                         "--rsync-option=--checksum",
                                         "--rsync-option=-z",
                                         "--verification=sample",
                                         "--sample-percent=25",
                                         "--skip-unchanged",
                                         "--termination-log=/dev/termination-log",
                                         "--timeout=45m0s"};
  EXPECT_EQ(MoverArgs(s), want);
  // Defaults: no limit, no excludes, no sample percent.
  const auto plain = MoverArgs(Settings());
  for (const auto& a : plain) {
    EXPECT_FALSE(a.starts_with("--bwlimit") || a.starts_with("--exclude") ||
                 a.starts_with("--sample-percent"))
        << a;
  }
}

// The flags of skipUnchanged, in order, among a mover's args.
std::vector<std::string> SkipArgs(const MoverJobSettings& s) {
  std::vector<std::string> out;
  for (const auto& a : MoverArgs(s)) {
    if (a.starts_with("--skip-unchanged") || a.starts_with("--previous-")) out.push_back(a);
  }
  return out;
}

TEST(MoverJobTest, SkipUnchangedPassesTheRecordedDigestsOnlyAsAPair) {
  const std::string src = "sha256:" + std::string(64, '1');
  const std::string dst = "sha256:" + std::string(64, '2');
  MoverJobSettings s = Settings();
  ASSERT_TRUE(s.config.skip_unchanged);  // the API's default

  // First run of a claim: nothing recorded yet.
  EXPECT_EQ(SkipArgs(s), std::vector<std::string>{"--skip-unchanged"});

  s.previous_source_digest = src;
  s.previous_destination_digest = dst;
  EXPECT_EQ(SkipArgs(s),
            (std::vector<std::string>{"--skip-unchanged", "--previous-source-digest=" + src,
                                      "--previous-destination-digest=" + dst}));
  // The flags come before the termination log, so the contract's order holds.
  const auto args = MoverArgs(s);
  EXPECT_LT(std::find(args.begin(), args.end(), "--skip-unchanged"),
            std::find(args.begin(), args.end(), "--termination-log=/dev/termination-log"));

  // Half a pair, or a malformed value (a hand-edited status): no digests,
  // the mover copies as without them.
  s.previous_destination_digest.clear();
  EXPECT_EQ(SkipArgs(s), std::vector<std::string>{"--skip-unchanged"});
  s.previous_destination_digest = "sha256:nothex";
  EXPECT_EQ(SkipArgs(s), std::vector<std::string>{"--skip-unchanged"});

  // skipUnchanged off: none of the flags, whatever is recorded.
  s.previous_destination_digest = dst;
  s.config.skip_unchanged = false;
  EXPECT_EQ(SkipArgs(s), std::vector<std::string>{});
}

TEST(MoverJobTest, JobIsASuspendedSingleTryWithDeadlineAndTtl) {
  MoverJobSettings s = Settings();
  s.config.timeout = std::chrono::minutes(30);
  const json job = MoverJob(s);
  EXPECT_EQ(StringAt(job, {"metadata", "name"}), "app-data-3");
  EXPECT_EQ(StringAt(job, {"metadata", "namespace"}), "shop-dr");
  EXPECT_EQ(At(job, {"spec", "suspend"}), true);
  EXPECT_EQ(At(job, {"spec", "backoffLimit"}), 0);
  EXPECT_EQ(At(job, {"spec", "activeDeadlineSeconds"}), 30 * 60 + 60);
  EXPECT_EQ(At(job, {"spec", "ttlSecondsAfterFinished"}), kMoverJobTtlSeconds);
  const json labels = At(job, {"metadata", "labels"});
  EXPECT_EQ(labels["app.kubernetes.io/managed-by"], "dr-syncer");
  EXPECT_EQ(labels["dr-syncer.io/replication"], "ops.app");
  EXPECT_EQ(labels["dr-syncer.io/claim"], "data");
  EXPECT_EQ(labels["dr-syncer.io/run"], "3");
  EXPECT_EQ(At(job, {"spec", "template", "metadata", "labels"}), labels);
  const json ann = At(job, {"metadata", "annotations"});
  EXPECT_EQ(ann["dr-syncer.io/attempt"], "1");
  EXPECT_EQ(ann["dr-syncer.io/created-at"], "2026-01-01T10:00:00Z");
  EXPECT_EQ(ann["dr-syncer.io/key-id"], "mover/ops/app/4");
  const json& pod = At(job, {"spec", "template", "spec"});
  EXPECT_EQ(pod["restartPolicy"], "Never");
  EXPECT_EQ(pod["automountServiceAccountToken"], false);
  const json& c = pod["containers"][0];
  EXPECT_EQ(c["command"], json::array({"/usr/local/bin/dr-syncer-agent"}));
  EXPECT_EQ(c["args"], json(MoverArgs(s)));
  EXPECT_EQ(c["terminationMessagePolicy"], "FallbackToLogsOnError");
  EXPECT_EQ(c["terminationMessagePath"], "/dev/termination-log");
  std::map<std::string, json> volumes;
  for (const auto& v : pod["volumes"]) volumes[v["name"]] = v;
  EXPECT_EQ(volumes["data"]["persistentVolumeClaim"]["claimName"], "data");
  EXPECT_EQ(volumes["ssh"]["secret"], json({{"secretName", "app-data-3"}, {"defaultMode", 0400}}));
  std::map<std::string, json> mounts;
  for (const auto& m : c["volumeMounts"]) mounts[m["name"]] = m;
  EXPECT_EQ(mounts["data"]["mountPath"], "/data");
  EXPECT_EQ(mounts["ssh"]["mountPath"], "/etc/dr-syncer/mover");
  EXPECT_EQ(mounts["ssh"]["readOnly"], true);
}

TEST(MoverJobTest, SecretIsOwnedByTheJobAndPinsTheHostKeys) {
  SshKeysMinter minter;
  auto host_a = minter.Mint("dr-syncer host 1");
  auto host_b = minter.Mint("dr-syncer host 2");
  auto mover = minter.Mint("dr-syncer mover ops/app");
  ASSERT_TRUE(host_a.ok() && host_b.ok() && mover.ok());
  auto known = KnownHosts("10.0.0.2", 2222, {host_a->public_key, host_b->public_key});
  ASSERT_TRUE(known.ok()) << known.error();
  // "ssh-ed25519 <base64>" without the comment.
  auto blob = [](const std::string& line) { return line.substr(0, line.find(' ', 12)); };
  EXPECT_EQ(*known, "[10.0.0.2]:2222 " + blob(host_a->public_key) + "\n[10.0.0.2]:2222 " +
                        blob(host_b->public_key) + "\n");
  const json secret = MoverSecret(Settings(), "uid-1", mover->private_key, *known);
  EXPECT_EQ(StringAt(secret, {"metadata", "name"}), "app-data-3");
  EXPECT_EQ(At(secret, {"metadata", "ownerReferences"}), json::array({{{"apiVersion", "batch/v1"},
                                                                       {"kind", "Job"},
                                                                       {"name", "app-data-3"},
                                                                       {"uid", "uid-1"},
                                                                       {"controller", true}}}));
  EXPECT_EQ(*Base64Decode(StringAt(secret, {"data", "id_ed25519"})), mover->private_key.reveal());
  EXPECT_EQ(*Base64Decode(StringAt(secret, {"data", "known_hosts"})), *known);
}

TEST(MoverJobTest, KnownHostsRefusesBadInput) {
  SshKeysMinter minter;
  auto host = minter.Mint("h");
  ASSERT_TRUE(host.ok());
  EXPECT_FALSE(KnownHosts("10.0.0.2", 0, {host->public_key}).ok());
  EXPECT_FALSE(KnownHosts("10.0.0.2", 70000, {host->public_key}).ok());
  EXPECT_FALSE(KnownHosts("bad host", 22, {host->public_key}).ok());
  EXPECT_FALSE(KnownHosts("10.0.0.2", 22, {"ssh-rsa AAAA"}).ok());
}

}  // namespace
}  // namespace drs::controller::datasync
