#include "mover/pull_options.h"

#include <map>
#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace drs::mover {
namespace {

// Parses `args` (after "pull") with `env` as the whole environment.
Result<ParsedPullFlags> Parse(std::vector<std::string> args,
                              std::map<std::string, std::string> env = {}) {
  args.insert(args.begin(), "pull");
  std::vector<const char*> argv;
  for (const std::string& a : args) argv.push_back(a.c_str());
  return ParsePullFlags(static_cast<int>(argv.size()), argv.data(),
                        [env = std::move(env)](const char* name) -> const char* {
                          auto it = env.find(name);
                          return it == env.end() ? nullptr : it->second.c_str();
                        });
}

std::vector<std::string> Required() {
  return {"--host=10.0.0.7", "--path=pvc/shop/data/", "--identity-file=/keys/id_ed25519",
          "--known-hosts-file=/keys/known_hosts"};
}

std::vector<std::string> RequiredPlus(std::vector<std::string> more) {
  std::vector<std::string> args = Required();
  args.insert(args.end(), more.begin(), more.end());
  return args;
}

TEST(PullOptionsTest, DefaultsFollowTheContract) {
  auto parsed = Parse(Required());
  ASSERT_TRUE(parsed.ok()) << parsed.error();
  const PullOptions& o = parsed->options;
  EXPECT_EQ(o.host, "10.0.0.7");
  EXPECT_EQ(o.port, 2222);
  EXPECT_EQ(o.user, "root");
  EXPECT_EQ(o.path, "pvc/shop/data/");
  EXPECT_EQ(o.dest, "/data");
  EXPECT_EQ(o.bwlimit_kib, 0);
  EXPECT_EQ(o.verification, Verification::kNone);
  EXPECT_EQ(o.sample_percent, 10);
  EXPECT_EQ(o.termination_log, "/dev/termination-log");
  EXPECT_EQ(o.timeout, std::chrono::minutes(30));
  EXPECT_TRUE(o.excludes.empty());
  EXPECT_TRUE(o.rsync_options.empty());
}

TEST(PullOptionsTest, ParsesEveryFlag) {
  auto parsed =
      Parse(RequiredPlus({"--port", "2200", "--user=mover", "--dest=/mnt/vol", "--bwlimit=512",
                          "--exclude=cache/", "--exclude", "*.tmp", "--rsync-option=--checksum",
                          "--rsync-option", "-z", "--verification=sample", "--sample-percent=25",
                          "--termination-log=/tmp/t", "--timeout=1h30m"}));
  ASSERT_TRUE(parsed.ok()) << parsed.error();
  const PullOptions& o = parsed->options;
  EXPECT_EQ(o.port, 2200);
  EXPECT_EQ(o.user, "mover");
  EXPECT_EQ(o.dest, "/mnt/vol");
  EXPECT_EQ(o.bwlimit_kib, 512);
  EXPECT_EQ(o.excludes, (std::vector<std::string>{"cache/", "*.tmp"}));
  EXPECT_EQ(o.rsync_options, (std::vector<std::string>{"--checksum", "-z"}));
  EXPECT_EQ(o.verification, Verification::kSample);
  EXPECT_EQ(o.sample_percent, 25);
  EXPECT_EQ(o.termination_log, "/tmp/t");
  EXPECT_EQ(o.timeout, std::chrono::minutes(90));
}

TEST(PullOptionsTest, EnvironmentFillsFlagsAndRepeatedOnesPerLine) {
  auto parsed = Parse({}, {{"DRS_HOST", "node-1.example"},
                           {"DRS_PATH", "pvc/shop/data"},
                           {"DRS_IDENTITY_FILE", "/k/id"},
                           {"DRS_KNOWN_HOSTS_FILE", "/k/kh"},
                           {"DRS_EXCLUDE", "a/\nb/\n"},
                           {"DRS_RSYNC_OPTION", "--numeric-ids"},
                           {"DRS_VERIFICATION", "full"}});
  ASSERT_TRUE(parsed.ok()) << parsed.error();
  EXPECT_EQ(parsed->options.host, "node-1.example");
  EXPECT_EQ(parsed->options.path, "pvc/shop/data/");  // the slash is added
  EXPECT_EQ(parsed->options.excludes, (std::vector<std::string>{"a/", "b/"}));
  EXPECT_EQ(parsed->options.rsync_options, (std::vector<std::string>{"--numeric-ids"}));
  EXPECT_EQ(parsed->options.verification, Verification::kFull);
}

TEST(PullOptionsTest, CommandLineRepeatedFlagsReplaceTheEnvironment) {
  auto parsed = Parse(RequiredPlus({"--exclude=x"}), {{"DRS_EXCLUDE", "a/\nb/"}});
  ASSERT_TRUE(parsed.ok()) << parsed.error();
  EXPECT_EQ(parsed->options.excludes, (std::vector<std::string>{"x"}));
}

TEST(PullOptionsTest, Ipv6HostMayComeInBrackets) {
  auto parsed = Parse({"--host=[fd00::7]", "--path=pvc/shop/data/", "--identity-file=/k/id",
                       "--known-hosts-file=/k/kh"});
  ASSERT_TRUE(parsed.ok()) << parsed.error();
  EXPECT_EQ(parsed->options.host, "fd00::7");
}

TEST(PullOptionsTest, HelpNeedsNothingElse) {
  auto parsed = Parse({"--help"});
  ASSERT_TRUE(parsed.ok()) << parsed.error();
  EXPECT_TRUE(parsed->help);
  EXPECT_NE(PullUsage().find("--rsync-option"), std::string::npos);
}

const std::string kDigestA = "sha256:" + std::string(64, 'a');
const std::string kDigestB = "sha256:" + std::string(64, 'b');

TEST(PullOptionsTest, SkipUnchangedTakesBothPreviousDigests) {
  auto parsed = Parse(RequiredPlus({"--skip-unchanged", "--previous-source-digest=" + kDigestA,
                                    "--previous-destination-digest=" + kDigestB}));
  ASSERT_TRUE(parsed.ok()) << parsed.error();
  EXPECT_TRUE(parsed->options.skip_unchanged);
  EXPECT_EQ(parsed->options.previous_source_digest, kDigestA);
  EXPECT_EQ(parsed->options.previous_destination_digest, kDigestB);
  auto first_run = Parse(RequiredPlus({"--skip-unchanged"}));
  ASSERT_TRUE(first_run.ok()) << first_run.error();
  EXPECT_TRUE(first_run->options.previous_source_digest.empty());
  auto defaults = Parse(Required());
  ASSERT_TRUE(defaults.ok()) << defaults.error();
  EXPECT_FALSE(defaults->options.skip_unchanged);
}

TEST(PullOptionsTest, RejectsBadValuesNamingTheFlag) {
  struct Case {
    std::vector<std::string> args;
    std::string_view flag;
  };
  const Case cases[] = {
      {{"--path=pvc/shop/data/", "--identity-file=/k/id", "--known-hosts-file=/k/kh"}, "--host"},
      {{"--host=h", "--identity-file=/k/id", "--known-hosts-file=/k/kh"}, "--path is required"},
      {RequiredPlus({"--host=-oProxyCommand=x"}), "--host"},
      {RequiredPlus({"--host=a b"}), "--host"},
      {RequiredPlus({"--port=0"}), "--port"},
      {RequiredPlus({"--port=70000"}), "--port"},
      {RequiredPlus({"--user=Root"}), "--user"},
      {RequiredPlus({"--path=pvc/shop/"}), "--path"},
      {RequiredPlus({"--path=pvc/Shop/data/"}), "--path"},
      {RequiredPlus({"--path=pvc/shop/../etc/"}), "--path"},
      {RequiredPlus({"--path=/var/lib/kubelet/"}), "--path"},
      {RequiredPlus({"--dest=data"}), "--dest"},
      {RequiredPlus({"--identity-file=/k/it's"}), "--identity-file"},
      {RequiredPlus({"--known-hosts-file=/k/%h"}), "--known-hosts-file"},
      {RequiredPlus({"--bwlimit=-1"}), "--bwlimit"},
      {RequiredPlus({"--exclude=- x"}), "--exclude"},
      {RequiredPlus({"--exclude=!"}), "--exclude"},
      {RequiredPlus({"--exclude=a\nb"}), "--exclude"},
      {RequiredPlus({"--rsync-option=--rsh=sh"}), "--rsync-option"},
      {RequiredPlus({"--rsync-option=-cz"}), "--rsync-option"},
      {RequiredPlus({"--verification=most"}), "--verification"},
      {RequiredPlus({"--sample-percent=0"}), "--sample-percent"},
      {RequiredPlus({"--sample-percent=101"}), "--sample-percent"},
      {RequiredPlus({"--timeout=soon"}), "--timeout"},
      {RequiredPlus({"--no-such-flag=1"}), "--no-such-flag"},
      {RequiredPlus({"--exclude"}), "--exclude"},
      {RequiredPlus({"--skip-unchanged", "--previous-source-digest=sha256:00",
                     "--previous-destination-digest=" + kDigestB}),
       "--previous-source-digest"},
      {RequiredPlus({"--skip-unchanged", "--previous-source-digest=" + kDigestA}), "go together"},
      {RequiredPlus(
           {"--previous-source-digest=" + kDigestA, "--previous-destination-digest=" + kDigestB}),
       "need --skip-unchanged"},
  };
  for (const Case& c : cases) {
    auto parsed = Parse(c.args);
    ASSERT_FALSE(parsed.ok()) << c.flag;
    EXPECT_EQ(parsed.error().code(), ErrorCode::kInvalid) << parsed.error();
    EXPECT_NE(parsed.error().ToString().find(c.flag), std::string::npos) << parsed.error();
  }
}

TEST(PullOptionsTest, RejectsPositionalArguments) {
  auto parsed = Parse(RequiredPlus({"extra"}));
  ASSERT_FALSE(parsed.ok());
  EXPECT_NE(parsed.error().message().find("extra"), std::string::npos);
}

}  // namespace
}  // namespace drs::mover
