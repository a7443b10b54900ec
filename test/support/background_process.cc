#include "support/background_process.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <sstream>
#include <thread>

#include <gtest/gtest.h>

extern char** environ;  // NOLINT: POSIX declares it in no header

namespace drs::testing {

std::string DrSyncerBinary() { return DRS_SYNCER_BINARY; }

BackgroundProcess BackgroundProcess::Start(std::vector<std::string> argv,
                                           const std::string& log_path,
                                           std::vector<std::string> env) {
  BackgroundProcess p;
  p.log_path_ = log_path;
  const int fd = ::open(log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd < 0) {
    ADD_FAILURE() << "cannot open " << log_path;
    return p;
  }
  std::vector<std::string> envp;
  for (char** e = environ; *e != nullptr; ++e) envp.emplace_back(*e);
  envp.insert(envp.end(), env.begin(), env.end());
  auto child = ChildProcess::Spawn(
      {.argv = std::move(argv), .envp = std::move(envp), .stdout_fd = fd, .stderr_fd = fd});
  ::close(fd);
  if (!child.ok()) {
    ADD_FAILURE() << "starting process: " << child.error();
    return p;
  }
  p.child_.emplace(std::move(child).value());
  p.started_ = true;
  return p;
}

BackgroundProcess::~BackgroundProcess() {
  if (child_ && !child_->reaped()) child_->KillAndReap();
}

void BackgroundProcess::Signal(int sig) {
  if (child_ && !child_->reaped()) ::kill(child_->pid(), sig);
}

bool BackgroundProcess::Running() { return child_ && !child_->TryReap(); }

std::optional<int> BackgroundProcess::Wait(std::chrono::milliseconds timeout) {
  if (!child_) return std::nullopt;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!child_->TryReap()) {
    if (std::chrono::steady_clock::now() >= deadline) return std::nullopt;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));  // poll interval
  }
  const int status = child_->wait_status();
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return -WTERMSIG(status);
  return std::nullopt;
}

std::string BackgroundProcess::Log() const {
  std::ifstream in(log_path_);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace drs::testing
