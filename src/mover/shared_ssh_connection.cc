#include "mover/shared_ssh_connection.h"

#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>

#include "base/logging.h"
#include "base/subprocess.h"

namespace drs::mover {
namespace {

constexpr auto kExitTimeout = std::chrono::seconds(5);

std::string TempBase() {
  const char* base = std::getenv("TMPDIR");
  return base != nullptr && *base == '/' ? base : "/tmp";
}

}  // namespace

SharedSshConnection::SharedSshConnection(std::string ssh_program)
    : ssh_program_(std::move(ssh_program)) {
  std::string pattern = TempBase() + "/dr-syncer-ssh-XXXXXX";
  if (::mkdtemp(pattern.data()) == nullptr) return;  // mkdtemp makes it 0700
  dir_ = pattern;
  path_ = dir_ + "/control";
}

SharedSshConnection::~SharedSshConnection() {
  if (dir_.empty()) return;
  struct stat st {};
  if (::lstat(path_.c_str(), &st) == 0 && S_ISSOCK(st.st_mode)) {
    // The host name is required by the syntax and unused with -O.
    auto exited = RunProcess({.argv = {ssh_program_, "-F", "/dev/null", "-o",
                                       "ControlPath=" + path_, "-O", "exit", "agent"},
                              .timeout = kExitTimeout},
                             {});
    if (!exited.ok() || !exited->Succeeded()) {
      static const auto log = GetLogger("mover");
      log->warn(Fields("cannot close the shared ssh connection; it ends by itself when idle",
                       {{"socket", path_},
                        {"error", exited.ok() ? exited->stderr_data : exited.error().message()}}));
    }
    ::unlink(path_.c_str());
  }
  ::rmdir(dir_.c_str());
}

}  // namespace drs::mover
