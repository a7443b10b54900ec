#include "mover/shared_ssh_connection.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <thread>

#include "base/logging.h"
#include "base/subprocess.h"

namespace drs::mover {
namespace {

constexpr auto kPoll = std::chrono::milliseconds(5);
constexpr auto kExitTimeout = std::chrono::seconds(5);

std::string TempBase() {
  const char* base = std::getenv("TMPDIR");
  return base != nullptr && *base == '/' ? base : "/tmp";
}

bool IsSocket(const std::string& path) {
  struct stat st {};
  return ::lstat(path.c_str(), &st) == 0 && S_ISSOCK(st.st_mode);
}

}  // namespace

SharedSshConnection::SharedSshConnection(SshTarget target, const std::string& user,
                                         const std::string& host,
                                         const std::vector<std::string>& envp,
                                         std::chrono::milliseconds timeout,
                                         const std::stop_token& stop)
    : ssh_program_(target.ssh_program) {
  std::string pattern = TempBase() + "/dr-syncer-ssh-XXXXXX";
  if (::mkdtemp(pattern.data()) == nullptr) return;  // mkdtemp makes it 0700
  dir_ = pattern;
  const std::string socket = dir_ + "/control";
  target.control_path.clear();  // the master's own options: it is the master
  std::vector<std::string> argv = BuildSshArgv(target);
  argv.insert(argv.end(), {"-M", "-N", "-o", "ControlPath=" + socket, "-l", user, host});
  auto master = ChildProcess::Spawn({.argv = argv, .envp = envp});
  if (!master.ok()) return;
  master_.emplace(std::move(master).value());
  // The socket appears once the master is authenticated.
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!IsSocket(socket)) {
    if (master_->TryReap() || stop.stop_requested() ||
        std::chrono::steady_clock::now() >= deadline) {
      failed_ = true;
      return;  // the destructor ends the master if it still runs
    }
    std::this_thread::sleep_for(kPoll);  // polling for the socket, with a deadline
  }
  path_ = socket;
}

SharedSshConnection::~SharedSshConnection() {
  if (master_.has_value() && !master_->reaped()) {
    if (IsSocket(dir_ + "/control")) {
      // The host name is required by the syntax and unused with -O.
      [[maybe_unused]] auto asked =
          RunProcess({.argv = {ssh_program_, "-F", "/dev/null", "-o",
                               "ControlPath=" + dir_ + "/control", "-O", "exit", "agent"},
                      .timeout = kExitTimeout},
                     {});
    }
    const auto deadline = std::chrono::steady_clock::now() + kExitTimeout;
    while (!master_->TryReap() && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(kPoll);  // polling its exit, with a deadline
    }
    if (!master_->reaped()) master_->KillAndReap();
  }
  master_.reset();
  if (!dir_.empty()) {
    ::unlink((dir_ + "/control").c_str());
    ::rmdir(dir_.c_str());
  }
}

}  // namespace drs::mover
