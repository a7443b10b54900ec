#include "kubelet/pod_containers.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>

#include "base/file_util.h"
#include "base/logging.h"
#include "kube/object.h"
#include "kubelet/container_env.h"
#include "kubelet/container_mounts.h"
#include "kubelet/image_rules.h"
#include "kubelet/restart_policy.h"
#include "kubelet/shim_spec.h"
#include "kubelet/status_takeover.h"

namespace drs::kubelet {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

// Kubernetes' limits: a termination message file is read up to 4 KiB; a
// message taken from the log is its last 80 lines, at most 2 KiB.
constexpr std::size_t kMaxMessageBytes = 4096;
constexpr std::size_t kMaxLogTailBytes = 2048;
constexpr int kMaxLogTailLines = 80;

std::string Str(const json& obj, const char* key) {
  auto it = obj.find(key);
  return it != obj.end() && it->is_string() ? it->get<std::string>() : std::string();
}

std::vector<std::string> Strings(const json& obj, const char* key) {
  std::vector<std::string> out;
  auto it = obj.find(key);
  if (it == obj.end() || !it->is_array()) return out;
  for (const auto& v : *it) {
    if (v.is_string()) out.push_back(v.get<std::string>());
  }
  return out;
}

std::string LogTail(const std::string& path) {
  auto text = ReadFileToString(path);
  if (!text.ok()) return "";
  std::string tail =
      text->size() > kMaxLogTailBytes ? text->substr(text->size() - kMaxLogTailBytes) : *text;
  int lines = 0;
  for (std::size_t i = tail.size(); i-- > 0;) {
    if (tail[i] == '\n' && i + 1 < tail.size() && ++lines >= kMaxLogTailLines) {
      return tail.substr(i + 1);
    }
  }
  return tail;
}

}  // namespace

const json* ContainerSpec(const json& pod, const std::string& name, bool is_init) {
  const json& spec = pod.contains("spec") ? pod["spec"] : pod;
  auto list = spec.find(is_init ? "initContainers" : "containers");
  if (list == spec.end() || !list->is_array()) return nullptr;
  for (const auto& c : *list) {
    if (c.is_object() && Str(c, "name") == name) return &c;
  }
  return nullptr;
}

void PodContainers::InitFromStatus(const json& pod, PodRuntime& rt) const {
  TakeOverContainers(pod, rt, clock_.WallNow());
}

void PodContainers::Postpone(ContainerRuntime& c, const std::string& reason,
                             const std::string& message) {
  c.phase = ContainerPhase::kWaiting;
  c.waiting_reason = reason;
  c.waiting_message = message;
  c.restart_at = clock_.Now() +
                 std::chrono::duration_cast<Clock::Duration>(backoff_.Delay(c.backoff_attempt++));
}

void PodContainers::MarkStarted(const std::string& uid, ContainerRuntime& c, const json& spec,
                                int instance) {
  if (c.ever_started) c.restart_count = instance;
  c.ever_started = true;
  c.phase = ContainerPhase::kRunning;
  c.started_at = clock_.WallNow();
  c.started_mono = clock_.Now();
  c.current.reset();
  c.container_id = "process-kubelet://" + uid + "/" + c.name + "/" + std::to_string(instance);
  c.startup = {.ok = !spec.contains("startupProbe")};
  c.readiness = {.ok = !spec.contains("readinessProbe")};
  c.liveness = {.ok = true};
}

Result<ShimSpec> PodContainers::PrepareShim(const std::string& uid, ContainerRuntime& c,
                                            const json& spec, const NodeEntry& node,
                                            const std::map<std::string, PreparedVolume>& volumes,
                                            const std::vector<EnvVar>& env, const ImageRule& rule,
                                            int instance, std::vector<std::string> argv,
                                            const std::string& hostname) {
  const std::string runtime_dir = node.layout.RuntimeContainerDir(uid, c.name);
  const std::string container_dir = node.layout.ContainerDir(uid, c.name);
  const ContainerFiles files{
      .termination_log = container_dir + "/termination-log-" + std::to_string(instance),
      .tmp_dir = runtime_dir + "/tmp",
      .run_dir = runtime_dir + "/run"};
  DRS_ASSIGN_OR_RETURN(auto mounts, ContainerMounts(spec, volumes, env, rule, files));
  // A fresh termination-message file, /tmp and /run for each instance.
  std::error_code ec;
  for (const char* d : {"tmp", "run", "scratch"}) fs::remove_all(runtime_dir + "/" + d, ec);
  fs::create_directories(container_dir, ec);
  c.termination_log = files.termination_log;
  ::close(::open(c.termination_log.c_str(), O_CREAT | O_TRUNC | O_WRONLY | O_CLOEXEC, 0666));
  fs::create_directories(files.tmp_dir, ec);
  ::chmod(files.tmp_dir.c_str(), 01777);
  fs::create_directories(files.run_dir, ec);
  for (const auto& d : rule.run_dirs) fs::create_directories(files.run_dir + "/" + d, ec);
  return ShimSpec{.argv = std::move(argv),
                  .working_dir = Str(spec, "workingDir"),
                  .hostname = hostname,
                  .scratch_dir = runtime_dir + "/scratch",
                  .mounts = std::move(mounts)};
}

Status PodContainers::Start(const std::string& key, const json& pod, PodRuntime& rt,
                            ContainerRuntime& c, const json& spec, const NodeEntry& node,
                            const std::map<std::string, PreparedVolume>& volumes) {
  auto log = GetLogger("process-kubelet");
  const ImageRule rule = ImageRuleFor(c.image, config_.agent_binary);
  const int instance = c.ever_started ? c.restart_count + 1 : c.restart_count;
  if (rule.kind == ImageKind::kHeld) {
    MarkStarted(rt.uid, c, spec, instance);
    c.held = true;
    c.startup.ok = c.readiness.ok = true;
    log->info(Fields("container held (no process for this image)",
                     {{"pod", key}, {"container", c.name}, {"image", c.image}}));
    return OkStatus();
  }
  const bool host_network = pod.value("spec", json::object()).value("hostNetwork", false);
  const PodContext context{.node_name = node.description.name,
                           .host_ip = node.description.ip,
                           .pod_ip = node.description.ip,
                           .hostname = host_network ? node.description.name : kube::Name(pod),
                           .node_cpu = node.description.cpu,
                           .node_memory = node.description.memory};
  auto env = BuildContainerEnv(pod, spec, context, lookup_);
  if (!env.ok()) {
    Postpone(c, "CreateContainerConfigError", env.error().ToString());
    return std::move(env).error();
  }
  auto argv = ContainerArgv(rule, ExpandArgs(Strings(spec, "command"), *env),
                            ExpandArgs(Strings(spec, "args"), *env));
  if (!argv.ok()) {
    Postpone(c, "CreateContainerError", argv.error().ToString());
    return std::move(argv).error();
  }
  auto shim = PrepareShim(rt.uid, c, spec, node, volumes, *env, rule, instance,
                          std::move(argv).value(), context.hostname);
  if (!shim.ok()) {
    Postpone(c, "CreateContainerConfigError", shim.error().ToString());
    return std::move(shim).error();
  }
  const std::string log_path =
      node.layout.ContainerLog(kube::Namespace(pod), kube::Name(pod), rt.uid, c.name, instance);
  auto process =
      ContainerProcess::Start(std::move(shim).value(), *env,
                              {.shim_binary = config_.shim_binary,
                               .runtime_dir = node.layout.RuntimeContainerDir(rt.uid, c.name),
                               .log_path = log_path});
  if (!process.ok()) {
    Postpone(c, "RunContainerError", process.error().ToString());
    return std::move(process).error();
  }
  MarkStarted(rt.uid, c, spec, instance);
  c.process = std::move(process).value();
  monitor_.Watch(c.process->pid(), key);
  log->info(Fields("container started", {{"pod", key},
                                         {"node", node.description.name},
                                         {"container", c.name},
                                         {"pid", std::to_string(c.process->pid())},
                                         {"log", log_path}}));
  return OkStatus();
}

void PodContainers::RecordExit(const json& pod, PodRuntime& rt, ContainerRuntime& c, int code) {
  Termination t{.exit_code = code,
                .reason = code == 0 ? "Completed" : "Error",
                .started_at = c.started_at,
                .finished_at = clock_.WallNow(),
                .container_id = c.container_id};
  const std::string start_error = c.process ? c.process->StartError() : "";
  const std::string log_path = c.process ? c.process->log_path() : "";
  if (c.process) monitor_.Forget(c.process->pid());
  c.process.reset();
  if (code == kStartErrorExitCode && !start_error.empty()) {
    t.reason = "StartError";
    t.message = start_error;
  } else {
    auto message = ReadFileToString(c.termination_log, kMaxMessageBytes);
    if (message.ok()) t.message = *message;
    const json* spec = ContainerSpec(pod, c.name, c.is_init);
    if (t.message.empty() && code != 0 && spec != nullptr &&
        Str(*spec, "terminationMessagePolicy") == "FallbackToLogsOnError") {
      t.message = LogTail(log_path);
    }
  }
  GetLogger("process-kubelet")
      ->info(Fields("container exited", {{"pod", kube::KeyOf(pod).ToString()},
                                         {"container", c.name},
                                         {"exit_code", std::to_string(code)},
                                         {"reason", t.reason}}));
  const bool ran_long = c.started_at + config_.backoff_reset <= t.finished_at;
  if (!rt.terminating && ShouldRestart(RestartPolicy(pod), code, c.is_init)) {
    if (ran_long) c.backoff_attempt = 0;
    c.last = t;
    Postpone(c, "CrashLoopBackOff",
             "back-off restarting failed container " + c.name + " in pod " + kube::Name(pod));
    return;
  }
  c.phase = ContainerPhase::kTerminated;
  c.current = std::move(t);
}

void PodContainers::ReapExited(const json& pod, PodRuntime& rt) {
  for (auto* list : {&rt.init_containers, &rt.containers}) {
    for (auto& c : *list) {
      if (!c.process) continue;
      if (auto code = c.process->Poll()) RecordExit(pod, rt, c, *code);
    }
  }
}

std::optional<Clock::TimePoint> PodContainers::StartDue(
    const std::string& key, const json& pod, PodRuntime& rt, const NodeEntry& node,
    const std::map<std::string, PreparedVolume>& volumes) {
  const auto now = clock_.Now();
  std::optional<Clock::TimePoint> next;
  const auto due = [&](ContainerRuntime& c) {
    if (c.phase != ContainerPhase::kWaiting) return false;
    if (c.restart_at > now) {
      next = next ? std::min(*next, c.restart_at) : c.restart_at;
      return false;
    }
    return true;
  };
  const auto start = [&](ContainerRuntime& c) {
    const json* spec = ContainerSpec(pod, c.name, c.is_init);
    if (spec == nullptr) return;
    if (Status s = Start(key, pod, rt, c, *spec, node, volumes); !s.ok()) {
      GetLogger("process-kubelet")
          ->warn(Fields("container not started",
                        {{"pod", key}, {"container", c.name}, {"error", s.error().ToString()}}));
      next = next ? std::min(*next, c.restart_at) : c.restart_at;
    }
  };
  for (auto& c : rt.init_containers) {
    if (c.phase == ContainerPhase::kTerminated && c.current && c.current->exit_code == 0) continue;
    if (due(c)) start(c);
    // Init containers run one at a time, each to completion.
    for (auto& main : rt.containers) main.waiting_reason = "PodInitializing";
    return next;
  }
  for (auto& c : rt.containers) {
    if (c.phase == ContainerPhase::kWaiting && !c.last && c.waiting_reason == "PodInitializing") {
      c.waiting_reason = "ContainerCreating";
    }
    if (due(c)) start(c);
  }
  return next;
}

void PodContainers::TerminateAll(PodRuntime& rt) {
  const auto now = clock_.WallNow();
  for (auto* list : {&rt.init_containers, &rt.containers}) {
    for (auto& c : *list) {
      if (c.process) c.process->Terminate();
      if (c.held && c.phase == ContainerPhase::kRunning) {
        // A held container has nothing to stop; it ends as a well-behaved
        // program would on SIGTERM.
        c.phase = ContainerPhase::kTerminated;
        c.current = Termination{.exit_code = 0,
                                .reason = "Completed",
                                .started_at = c.started_at,
                                .finished_at = now,
                                .container_id = c.container_id};
      }
    }
  }
}

void PodContainers::KillAll(const json& pod, PodRuntime& rt) {
  for (auto* list : {&rt.init_containers, &rt.containers}) {
    for (auto& c : *list) {
      if (!c.process) continue;
      c.process->Kill();
      if (auto code = c.process->Poll()) RecordExit(pod, rt, c, *code);
    }
  }
}

bool PodContainers::AnyProcess(const PodRuntime& rt) {
  for (const auto* list : {&rt.init_containers, &rt.containers}) {
    for (const auto& c : *list) {
      if (c.process) return true;
    }
  }
  return false;
}

void PodContainers::FinalizeStates(PodRuntime& rt) const {
  const auto now = clock_.WallNow();
  for (auto* list : {&rt.init_containers, &rt.containers}) {
    for (auto& c : *list) {
      if (c.phase != ContainerPhase::kWaiting) continue;
      c.phase = ContainerPhase::kTerminated;
      c.current = c.last ? *c.last
                         : Termination{.exit_code = 137,
                                       .reason = "ContainerStatusUnknown",
                                       .message =
                                           "The container could not be located when the "
                                           "pod was terminated",
                                       .started_at = now,
                                       .finished_at = now};
    }
  }
}

std::optional<Clock::TimePoint> PodContainers::Probe(const json& pod, PodRuntime& rt) {
  std::optional<Clock::TimePoint> next;
  const auto now = clock_.Now();
  for (auto& c : rt.containers) {
    if (c.phase != ContainerPhase::kRunning || c.held || !c.process) continue;
    const json* spec = ContainerSpec(pod, c.name, false);
    if (spec == nullptr) continue;
    const auto outcome = prober_.RunDue(*spec, c, rt.host_ip, now);
    if (outcome.next) next = next ? std::min(*next, *outcome.next) : outcome.next;
    if (outcome.kill) {
      GetLogger("process-kubelet")
          ->info(Fields(
              "container failed its probe, restarting",
              {{"pod", kube::KeyOf(pod).ToString()}, {"container", c.name}, {"why", outcome.why}}));
      c.process->Kill();
      if (auto code = c.process->Poll()) RecordExit(pod, rt, c, *code);
    }
  }
  return next;
}

}  // namespace drs::kubelet
