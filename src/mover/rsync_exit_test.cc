#include "mover/rsync_exit.h"

#include <signal.h>

#include <gtest/gtest.h>

namespace drs::mover {
namespace {

struct Case {
  int exit_code;
  int term_signal;
  std::string_view stderr_text;
  bool retryable;
  std::string_view reason_has;
};

TEST(RsyncExitTest, SuccessIsSuccess) {
  const ExitClass c = ClassifyRsyncExit(0, 0, "");
  EXPECT_TRUE(c.succeeded);
  EXPECT_TRUE(c.reason.empty());
}

TEST(RsyncExitTest, MapsExitCodes) {
  const Case cases[] = {
      {1, 0, "rsync: --bogus: unknown option\n", false, "syntax or usage error"},
      {2, 0, "", false, "protocol incompatibility"},
      {3, 0, "", false, "errors selecting input/output files"},
      {4, 0, "", false, "requested action not supported"},
      {5, 0, "", false, "error starting client-server protocol"},
      {10, 0, "", true, "error in socket I/O"},
      {11, 0, "", true, "error in file I/O"},
      {12, 0,
       "rsync: connection unexpectedly closed (0 bytes received so far) [Receiver]\n"
       "rsync error: error in rsync protocol data stream (code 12) at io.c(232)\n",
       true, "connection unexpectedly closed"},
      {20, 0, "", true, "received SIGUSR1 or SIGINT"},
      {23, 0, "rsync: [sender] send_files failed to open \"/x\": Permission denied (13)\n", true,
       "Permission denied (13)"},
      {24, 0, "file has vanished: \"/v/tmp.1\"\n", true, "vanished source files"},
      {25, 0, "", false, "--max-delete"},
      {30, 0, "[receiver] io timeout after 30 seconds -- exiting\n", true, "timeout"},
      {35, 0, "", true, "timeout waiting for daemon connection"},
      {126, 0, "", false, "could not run the command"},
      {127, 0, "sh: 1: rsync: not found\n", false, "not found"},
      {99, 0, "", true, "exit code 99"},
  };
  for (const Case& c : cases) {
    const ExitClass got = ClassifyRsyncExit(c.exit_code, c.term_signal, c.stderr_text);
    EXPECT_FALSE(got.succeeded) << c.exit_code;
    EXPECT_EQ(got.retryable, c.retryable) << c.exit_code << ": " << got.reason;
    EXPECT_NE(got.reason.find(c.reason_has), std::string::npos)
        << c.exit_code << ": " << got.reason;
    EXPECT_NE(got.reason.find("rsync exit " + std::to_string(c.exit_code)), std::string::npos)
        << got.reason;
  }
}

TEST(RsyncExitTest, RecognisesSshAndGateFailures) {
  const Case cases[] = {
      // A host key other than the pinned one: never retried, never trusted.
      {255, 0,
       "@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@\n"
       "@    WARNING: REMOTE HOST IDENTIFICATION HAS CHANGED!     @\n"
       "Host key verification failed.\n"
       "rsync: connection unexpectedly closed (0 bytes received so far) [Receiver]\n",
       false, "Host key verification failed"},
      {255, 0,
       "No ED25519 host key is known for [127.0.0.1]:2222 and you have requested strict "
       "checking.\nHost key verification failed.\n",
       false, "does not match the pinned"},
      // The gate's refusal arrives through ssh as a broken rsync stream.
      {12, 0,
       "dr-syncer-agent: refused: rsync option --delete refused: deletes belong to the receiver\n"
       "rsync: connection unexpectedly closed (0 bytes received so far) [Receiver]\n",
       false, "refused: rsync option --delete refused: deletes belong to the receiver"},
      {11, 0, "rsync: [receiver] write failed on \"/data/big\": No space left on device (28)\n",
       false, "volume is full"},
      // A key the agent has not loaded yet (rotation): try again later.
      {255, 0, "root@127.0.0.1: Permission denied (publickey).\n", true, "did not accept"},
      {255, 0, "ssh: connect to host 10.0.0.9 port 2222: Connection refused\n", true,
       "Connection refused"},
      {255, 0, "ssh: connect to host 10.0.0.9 port 2222: Connection timed out\n", true,
       "Connection timed out"},
  };
  for (const Case& c : cases) {
    const ExitClass got = ClassifyRsyncExit(c.exit_code, c.term_signal, c.stderr_text);
    EXPECT_FALSE(got.succeeded);
    EXPECT_EQ(got.retryable, c.retryable) << got.reason;
    EXPECT_NE(got.reason.find(c.reason_has), std::string::npos) << got.reason;
  }
}

TEST(RsyncExitTest, KilledBySignalIsRetryableAndNamesIt) {
  const ExitClass got = ClassifyRsyncExit(-1, SIGKILL, "");
  EXPECT_FALSE(got.succeeded);
  EXPECT_TRUE(got.retryable);
  EXPECT_NE(got.reason.find("SIGKILL"), std::string::npos) << got.reason;
}

TEST(RsyncExitTest, MeaningOfUnknownCodeSaysTheCode) {
  EXPECT_EQ(RsyncExitMeaning(23), "partial transfer due to error");
  EXPECT_EQ(RsyncExitMeaning(77), "exit code 77");
}

}  // namespace
}  // namespace drs::mover
