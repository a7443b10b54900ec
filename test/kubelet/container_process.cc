#include "kubelet/container_process.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "base/file_util.h"
#include "base/unique_fd.h"

namespace drs::kubelet {
namespace {

namespace fs = std::filesystem;

constexpr char kPidFile[] = "shim.pid";
constexpr char kSpecFile[] = "spec.json";
constexpr char kStartErrorFile[] = "start-error";
// Field 22 of /proc/<pid>/stat: the start time, which tells a reused pid apart.
constexpr int kStartTimeField = 22;

// /proc/<pid>/stat's start time, or "" when the process is gone.
std::string StartTimeOf(pid_t pid) {
  auto stat = ReadFileToString("/proc/" + std::to_string(pid) + "/stat");
  if (!stat.ok()) return "";
  // The command name (field 2) may hold spaces; count fields after its ')'.
  const auto close = stat->rfind(')');
  if (close == std::string::npos) return "";
  std::istringstream rest(stat->substr(close + 1));
  std::string field;
  for (int i = 3; i <= kStartTimeField && rest >> field; ++i) {
  }
  return field;
}

Status WriteText(const std::string& path, const std::string& text, mode_t mode) {
  UniqueFd fd(::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode));
  if (!fd.valid() ||
      ::write(fd.get(), text.data(), text.size()) != static_cast<ssize_t>(text.size())) {
    return UnavailableError("cannot write " + path);
  }
  return OkStatus();
}

}  // namespace

int ExitCodeFromWaitStatus(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return kStartErrorExitCode;
}

Result<std::unique_ptr<ContainerProcess>> ContainerProcess::Start(ShimSpec spec,
                                                                  const std::vector<EnvVar>& env,
                                                                  const ContainerLaunch& launch) {
  spec.start_error_file = launch.runtime_dir + "/" + kStartErrorFile;
  std::error_code ec;
  fs::create_directories(launch.runtime_dir, ec);
  fs::create_directories(fs::path(launch.log_path).parent_path(), ec);
  fs::create_directories(spec.scratch_dir, ec);
  const std::string spec_path = launch.runtime_dir + "/" + kSpecFile;
  DRS_RETURN_IF_ERROR(WriteText(spec_path, ShimSpecToJson(spec).dump(2), 0600));
  ::unlink(spec.start_error_file.c_str());

  UniqueFd log(::open(launch.log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644));
  if (!log.valid()) return UnavailableError("cannot open log " + launch.log_path);
  std::vector<std::string> envp;
  envp.reserve(env.size());
  for (const auto& v : env) envp.push_back(v.name + "=" + std::string(v.value.reveal()));
  auto child =
      ChildProcess::Spawn({.argv = {launch.shim_binary, "container-shim", "--spec", spec_path},
                           .envp = std::move(envp),
                           .stdout_fd = log.get(),
                           .stderr_fd = log.get()});
  if (!child.ok()) return std::move(child).error().WithContext("starting the container shim");
  const pid_t pid = child->pid();
  DRS_RETURN_IF_ERROR(WriteText(launch.runtime_dir + "/" + kPidFile,
                                std::to_string(pid) + " " + StartTimeOf(pid) + "\n", 0644));
  return std::unique_ptr<ContainerProcess>(
      new ContainerProcess(std::move(child).value(), launch.runtime_dir, launch.log_path));
}

ContainerProcess::~ContainerProcess() {
  if (!child_.reaped()) child_.KillAndReap();
  ::unlink((runtime_dir_ + "/" + kPidFile).c_str());
}

std::optional<int> ContainerProcess::Poll() {
  if (!child_.TryReap()) return std::nullopt;
  ::unlink((runtime_dir_ + "/" + kPidFile).c_str());
  return ExitCodeFromWaitStatus(child_.wait_status());
}

void ContainerProcess::Terminate() {
  if (!child_.reaped()) ::kill(child_.pid(), SIGTERM);
}

void ContainerProcess::Kill() {
  if (!child_.reaped()) child_.KillAndReap();
}

std::string ContainerProcess::StartError() const {
  auto text = ReadFileToString(runtime_dir_ + "/" + kStartErrorFile);
  return text.ok() ? *text : std::string();
}

int KillLeftoverShims(const std::string& runtime_root) {
  int killed = 0;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(runtime_root, ec);
       !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (it->path().filename() != kPidFile) continue;
    std::ifstream in(it->path());
    long pid = 0;
    std::string start_time;
    if (!(in >> pid >> start_time) || pid <= 1) continue;
    if (StartTimeOf(static_cast<pid_t>(pid)) != start_time) continue;  // gone, or a new process
    // The shim leads its own group; its init dies with it (PDEATHSIG).
    if (::kill(-static_cast<pid_t>(pid), SIGKILL) == 0) ++killed;
  }
  return killed;
}

}  // namespace drs::kubelet
