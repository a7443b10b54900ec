#include "runtime/controller.h"

#include <condition_variable>
#include <map>
#include <mutex>
#include <thread>

#include <gtest/gtest.h>

namespace drs::runtime {
namespace {

using std::chrono::milliseconds;

// Scripted outcomes per key; records calls and concurrency.
class ScriptedReconciler : public Reconciler {
 public:
  Result<ReconcileResult> Reconcile(const std::string& key, std::stop_token) override {
    std::unique_lock lock(mu_);
    const int active = ++active_[key];
    max_active_ = std::max(max_active_, active);
    auto& script = scripts_[key];
    Result<ReconcileResult> out = ReconcileResult{};
    if (!script.empty()) {
      out = script.front();
      script.erase(script.begin());
    }
    ++calls_[key];
    --active_[key];
    cv_.notify_all();
    return out;
  }

  void Script(const std::string& key, std::vector<Result<ReconcileResult>> outcomes) {
    std::lock_guard lock(mu_);
    scripts_[key] = std::move(outcomes);
  }
  // Waits (bounded) until `key` was reconciled `n` times.
  bool WaitForCalls(const std::string& key, int n) {
    std::unique_lock lock(mu_);
    return cv_.wait_for(lock, std::chrono::seconds(10), [&] { return calls_[key] >= n; });
  }
  int calls(const std::string& key) {
    std::lock_guard lock(mu_);
    return calls_[key];
  }
  int max_active() {
    std::lock_guard lock(mu_);
    return max_active_;
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::map<std::string, std::vector<Result<ReconcileResult>>> scripts_;
  std::map<std::string, int> calls_, active_;
  int max_active_ = 0;
};

class ControllerTest : public ::testing::Test {
 protected:
  ControllerTest()
      : controller_(reconciler_, RealClock::Get(),
                    {.name = "test",
                     .workers = 4,
                     // Real time, tiny delays: the retries happen in milliseconds.
                     .rate_limiter = std::make_unique<ItemExponentialFailureRateLimiter>(
                         milliseconds(1), milliseconds(10))}) {}
  void SetUp() override {
    runner_ = std::jthread([this](std::stop_token st) { controller_.Run(st); });
  }
  void TearDown() override {
    runner_.request_stop();
    runner_.join();
  }
  ScriptedReconciler reconciler_;
  Controller controller_;
  std::jthread runner_;
};

TEST_F(ControllerTest, ErrorsAreRetriedUntilSuccessThenForgotten) {
  reconciler_.Script("ns/a", {UnavailableError("1"), UnavailableError("2"), ReconcileResult{}});
  controller_.Enqueue("ns/a");
  ASSERT_TRUE(reconciler_.WaitForCalls("ns/a", 3));
  // Forget follows the successful reconcile on the worker: poll briefly.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (controller_.queue().NumRequeues("ns/a") != 0 &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::yield();
  }
  EXPECT_EQ(controller_.queue().NumRequeues("ns/a"), 0);
}

TEST_F(ControllerTest, TerminalErrorsAreNotRetried) {
  reconciler_.Script("ns/t", {InvalidError("bad spec").MarkTerminal()});
  controller_.Enqueue("ns/t");
  ASSERT_TRUE(reconciler_.WaitForCalls("ns/t", 1));
  // A later change is processed again; the marker key proves the workers
  // moved on rather than retrying ns/t.
  controller_.Enqueue("ns/marker");
  ASSERT_TRUE(reconciler_.WaitForCalls("ns/marker", 1));
  EXPECT_EQ(reconciler_.calls("ns/t"), 1);
  EXPECT_EQ(controller_.queue().NumRequeues("ns/t"), 0);
}

TEST_F(ControllerTest, RequeueAfterComesBack) {
  reconciler_.Script("ns/r",
                     {ReconcileResult{.requeue_after = milliseconds(5)}, ReconcileResult{}});
  controller_.Enqueue("ns/r");
  ASSERT_TRUE(reconciler_.WaitForCalls("ns/r", 2));
}

TEST_F(ControllerTest, NeverReconcilesOneKeyConcurrently) {
  for (int i = 0; i < 500; ++i) controller_.Enqueue("ns/hot");
  controller_.Enqueue("ns/end");
  ASSERT_TRUE(reconciler_.WaitForCalls("ns/end", 1));
  EXPECT_EQ(reconciler_.max_active(), 1);
  EXPECT_GE(reconciler_.calls("ns/hot"), 1);
}

}  // namespace
}  // namespace drs::runtime
