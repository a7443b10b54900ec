// Cross-checks against the real OpenSSH tools (Debian's openssh-client, which
// scripts/install-deps installs): what we write, ssh-keygen reads and uses;
// what ssh-keygen writes, we read — byte for byte the same encoding.

#include <unistd.h>

#include <chrono>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "base/subprocess.h"
#include "base/test_temp_dir.h"
#include "sshkeys/known_hosts.h"
#include "sshkeys/openssh_armor.h"
#include "sshkeys/openssh_private_key.h"
#include "sshkeys/ssh_wire.h"

namespace drs::sshkeys {
namespace {

using ::testing::HasSubstr;

constexpr const char* kSshKeygen = "/usr/bin/ssh-keygen";
constexpr auto kToolTimeout = std::chrono::seconds(30);
constexpr const char* kNamespace = "dr-syncer-test";

class OpenSshToolsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(dir_.ok());
    ASSERT_EQ(::access(kSshKeygen, X_OK), 0)
        << kSshKeygen << " is missing: run scripts/install-deps";
  }

  // Runs ssh-keygen with a clean environment: no agent socket, HOME in the
  // temp dir, so nothing of the user running the tests is consulted.
  ProcessResult SshKeygen(std::vector<std::string> args, std::optional<std::string> input = {}) {
    args.insert(args.begin(), kSshKeygen);
    ProcessSpec spec{.argv = std::move(args),
                     .env = {{"HOME", dir_.path()}, {"PATH", "/usr/bin:/bin"}},
                     .clear_env = true,
                     .stdin_data = std::move(input),
                     .timeout = kToolTimeout};
    auto result = RunProcess(spec, {});
    EXPECT_TRUE(result.ok()) << result.error();
    return result.ok() ? std::move(result).value() : ProcessResult{};
  }

  KeyPair NewKey(const std::string& comment) {
    auto pair = KeyPair::Generate(comment);
    EXPECT_TRUE(pair.ok()) << pair.error();
    return std::move(pair).value();
  }

  std::string WritePrivateKey(const std::string& name, const KeyPair& pair) {
    auto text = EncodeOpenSshPrivateKey(pair);
    EXPECT_TRUE(text.ok()) << text.error();
    return dir_.WriteFile(name, std::string(text.ok() ? text->reveal() : ""));
  }

  test::TempDir dir_;
};

TEST_F(OpenSshToolsTest, SshKeygenDerivesOurPublicKeyFromOurPrivateKey) {
  const KeyPair pair = NewKey("dr-syncer controller");
  const std::string path = WritePrivateKey("id_ed25519", pair);
  const ProcessResult run = SshKeygen({"-y", "-f", path});
  ASSERT_EQ(run.exit_code, 0) << run.stderr_data;
  EXPECT_EQ(run.stdout_data, pair.PublicKeyLine() + "\n");
}

TEST_F(OpenSshToolsTest, SshKeygenPrintsOurFingerprint) {
  const KeyPair pair = NewKey("dr-syncer mover shop/shop-dr");
  const std::string path = dir_.WriteFile("id_ed25519.pub", pair.PublicKeyLine() + "\n");
  const ProcessResult run = SshKeygen({"-l", "-E", "sha256", "-f", path});
  ASSERT_EQ(run.exit_code, 0) << run.stderr_data;
  EXPECT_EQ(run.stdout_data,
            "256 " + pair.Fingerprint() + " dr-syncer mover shop/shop-dr (ED25519)\n");
}

// The check integer of a key file, which ssh-keygen draws at random.
std::uint32_t CheckIntegerOf(const std::string& text) {
  auto binary = DearmorOpenSshKey(text);
  EXPECT_TRUE(binary.ok()) << binary.error();
  if (!binary.ok()) return 0;
  WireReader reader(binary->reveal());
  EXPECT_TRUE(reader.ReadBytes(15, "magic").ok());
  for (const char* field : {"cipher", "kdf", "kdf options"}) {
    EXPECT_TRUE(reader.ReadString(field).ok());
  }
  EXPECT_TRUE(reader.ReadU32("key count").ok());
  EXPECT_TRUE(reader.ReadString("public key").ok());
  EXPECT_TRUE(reader.ReadU32("section length").ok());
  auto check = reader.ReadU32("check");
  EXPECT_TRUE(check.ok());
  return check.value_or(0);
}

TEST_F(OpenSshToolsTest, WeReadAndReproduceKeysSshKeygenMade) {
  const std::string path = dir_.Join("made_by_ssh_keygen");
  const ProcessResult made =
      SshKeygen({"-q", "-t", "ed25519", "-N", "", "-C", "made by ssh-keygen", "-f", path});
  ASSERT_EQ(made.exit_code, 0) << made.stderr_data;
  const std::string private_text = dir_.ReadFile("made_by_ssh_keygen");
  const std::string public_text = dir_.ReadFile("made_by_ssh_keygen.pub");

  auto pair = ParseOpenSshPrivateKey(SecretBytes(private_text));
  ASSERT_TRUE(pair.ok()) << pair.error();
  auto pub = ParsePublicKeyLine(public_text);
  ASSERT_TRUE(pub.ok()) << pub.error();
  EXPECT_EQ(pair->public_key(), pub->key);
  EXPECT_EQ(pair->comment(), "made by ssh-keygen");
  EXPECT_EQ(pub->comment, "made by ssh-keygen");
  EXPECT_EQ(pair->PublicKeyLine() + "\n", public_text);

  const ProcessResult fingerprint = SshKeygen({"-l", "-E", "sha256", "-f", path + ".pub"});
  ASSERT_EQ(fingerprint.exit_code, 0) << fingerprint.stderr_data;
  EXPECT_THAT(fingerprint.stdout_data, HasSubstr(" " + pair->Fingerprint() + " "));

  // Given ssh-keygen's random check integer, our encoder writes its file exactly.
  const SecretBytes ours = EncodeOpenSshPrivateKeyWithCheck(*pair, CheckIntegerOf(private_text));
  EXPECT_TRUE(ours.reveal() == private_text) << "our encoding differs from ssh-keygen's";
}

TEST_F(OpenSshToolsTest, SshKeygenSignsWithOurPrivateKeyAndVerifiesWithOurPublicKey) {
  const KeyPair pair = NewKey("signer");
  const KeyPair stranger = NewKey("stranger");
  const std::string key_path = WritePrivateKey("id_ed25519", pair);
  const std::string data = "the data dr-syncer signs in this test\n";
  const std::string data_path = dir_.WriteFile("data", data);

  const ProcessResult sign = SshKeygen({"-Y", "sign", "-f", key_path, "-n", kNamespace, data_path});
  ASSERT_EQ(sign.exit_code, 0) << sign.stderr_data;
  const std::string sig_path = data_path + ".sig";

  const std::string allowed =
      dir_.WriteFile("allowed_signers", "tester " + pair.PublicKeyLine() + "\n");
  const ProcessResult verify = SshKeygen(
      {"-Y", "verify", "-f", allowed, "-I", "tester", "-n", kNamespace, "-s", sig_path}, data);
  EXPECT_EQ(verify.exit_code, 0) << verify.stdout_data << verify.stderr_data;
  EXPECT_THAT(verify.stdout_data, HasSubstr(pair.Fingerprint()));

  const ProcessResult check =
      SshKeygen({"-Y", "check-novalidate", "-n", kNamespace, "-s", sig_path}, data);
  EXPECT_EQ(check.exit_code, 0) << check.stdout_data << check.stderr_data;

  // The same checks fail for another key and for altered data.
  const std::string wrong =
      dir_.WriteFile("wrong_signers", "tester " + stranger.PublicKeyLine() + "\n");
  const ProcessResult wrong_key = SshKeygen(
      {"-Y", "verify", "-f", wrong, "-I", "tester", "-n", kNamespace, "-s", sig_path}, data);
  EXPECT_NE(wrong_key.exit_code, 0);
  const ProcessResult altered =
      SshKeygen({"-Y", "check-novalidate", "-n", kNamespace, "-s", sig_path}, data + "x");
  EXPECT_NE(altered.exit_code, 0);
}

TEST_F(OpenSshToolsTest, SshKeygenFindsOurKnownHostsLines) {
  const KeyPair host_key = NewKey("host");
  auto agent = FormatKnownHostsLine("127.0.1.2", 2222, host_key.public_key());
  auto plain = FormatKnownHostsLine("10.0.0.7", 22, host_key.public_key());
  ASSERT_TRUE(agent.ok() && plain.ok());
  const std::string known_hosts = dir_.WriteFile("known_hosts", *agent + "\n" + *plain + "\n");

  const ProcessResult found = SshKeygen({"-F", "[127.0.1.2]:2222", "-f", known_hosts});
  EXPECT_EQ(found.exit_code, 0) << found.stderr_data;
  EXPECT_THAT(found.stdout_data, HasSubstr(*agent));
  const ProcessResult found_plain = SshKeygen({"-F", "10.0.0.7", "-f", known_hosts});
  EXPECT_EQ(found_plain.exit_code, 0) << found_plain.stderr_data;
  EXPECT_THAT(found_plain.stdout_data, HasSubstr(*plain));
  // Another port is another host: the pin does not leak to it.
  const ProcessResult other_port = SshKeygen({"-F", "[127.0.1.2]:2223", "-f", known_hosts});
  EXPECT_NE(other_port.exit_code, 0);
}

}  // namespace
}  // namespace drs::sshkeys
