#pragma once
// MoverPullTest: the fixture of the mover's integration tests. One private sshd
// per test binary run (LocalSshd); per test a fresh source volume
// <volumes>/pvc/<ns>/data/ and a fresh destination directory.
//
// Thread-safety: GoogleTest fixture; one test at a time.

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include <gtest/gtest.h>

#include "base/test_temp_dir.h"
#include "local_sshd.h"
#include "mover/pull.h"

namespace drs::mover::testing {

class MoverPullTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite();
  static void TearDownTestSuite();
  void SetUp() override;
  void TearDown() override;

  static LocalSshd& sshd() { return *sshd_; }
  // Reaches this test's volume through the sshd; verification off, a
  // reproducible sample, a generous timeout.
  PullOptions Options() const;
  static PullResult Pull(const PullOptions& options) { return RunPull(options, {}); }
  // The destination's full manifest equals the source's (our scratch dirs
  // must be gone too).
  void ExpectSameTree() const;
  // Size of the largest file in the destination's temp dir, 0 if none.
  std::int64_t LargestTempFile() const;
  // Polls `condition` every few milliseconds until it holds or `deadline`.
  static bool PollUntil(const std::function<bool()>& condition,
                        std::chrono::seconds deadline = std::chrono::seconds(60));

  std::string ns_;      // this test's namespace in the volume path
  std::string source_;  // <volumes>/pvc/<ns>/data
  std::string dest_;

 private:
  static inline std::unique_ptr<test::TempDir> sshd_dir_;
  static inline std::optional<LocalSshd> sshd_;
  static inline std::string sshd_error_;
  static inline int counter_ = 0;
  std::unique_ptr<test::TempDir> dest_dir_;
};

}  // namespace drs::mover::testing
