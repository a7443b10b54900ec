#include "pull_test_fixture.h"

#include <filesystem>
#include <thread>

#include "tree_manifest.h"

namespace drs::mover::testing {
namespace {

namespace fs = std::filesystem;

constexpr auto kPollInterval = std::chrono::milliseconds(20);

}  // namespace

void MoverPullTest::SetUpTestSuite() {
  sshd_dir_ = std::make_unique<test::TempDir>();
  auto started = LocalSshd::Start(sshd_dir_->path());
  if (started.ok()) {
    sshd_.emplace(std::move(started).value());
  } else {
    sshd_error_ = started.error().ToString();
  }
}

void MoverPullTest::TearDownTestSuite() {
  sshd_.reset();
  sshd_dir_.reset();
}

void MoverPullTest::SetUp() {
  ASSERT_TRUE(sshd_.has_value()) << "no sshd: " << sshd_error_;
  ns_ = "t" + std::to_string(++counter_);
  source_ = sshd_->volumes_dir() + "/pvc/" + ns_ + "/data";
  fs::create_directories(source_);
  fs::permissions(source_, fs::perms(0755));
  dest_dir_ = std::make_unique<test::TempDir>();
  ASSERT_TRUE(dest_dir_->ok());
  dest_ = dest_dir_->path();
}

void MoverPullTest::TearDown() {
  if (HasFailure() && sshd_) std::cerr << "sshd log:\n" << sshd_->Log() << "\n";
  std::error_code ignored;
  fs::remove_all(source_, ignored);
}

PullOptions MoverPullTest::Options() const {
  PullOptions o;
  o.host = "127.0.0.1";
  o.port = sshd_->port();
  o.path = "pvc/" + ns_ + "/data/";
  o.dest = dest_;
  o.identity_file = sshd_->identity_file();
  o.known_hosts_file = sshd_->known_hosts_file();
  o.timeout = std::chrono::minutes(5);
  o.sample_seed = 1;
  return o;
}

void MoverPullTest::ExpectSameTree() const {
  auto want = BuildManifest(source_);
  auto got = BuildManifest(dest_);
  ASSERT_TRUE(want.ok()) << want.error();
  ASSERT_TRUE(got.ok()) << got.error();
  EXPECT_EQ(DiffManifests(*want, *got), "");
}

std::int64_t MoverPullTest::LargestTempFile() const {
  std::int64_t largest = 0;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dest_ + "/.dr-syncer-tmp", ec)) {
    std::error_code size_ec;
    const auto size = entry.file_size(size_ec);
    if (!size_ec) largest = std::max(largest, static_cast<std::int64_t>(size));
  }
  return largest;
}

bool MoverPullTest::PollUntil(const std::function<bool()>& condition,
                              std::chrono::seconds deadline) {
  const auto until = std::chrono::steady_clock::now() + deadline;
  while (std::chrono::steady_clock::now() < until) {
    if (condition()) return true;
    std::this_thread::sleep_for(kPollInterval);  // polling a condition, with a deadline
  }
  return condition();
}

}  // namespace drs::mover::testing
