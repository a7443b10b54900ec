#include "kubelet/prober.h"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <sched.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>

#include "base/file_util.h"
#include "base/subprocess.h"
#include "base/unique_fd.h"
#include "kubelet/container_process.h"

namespace drs::kubelet {
namespace {

using nlohmann::json;

struct ProbeParams {
  std::chrono::seconds initial_delay{0};
  std::chrono::seconds period{10};
  std::chrono::seconds timeout{1};
  int success_threshold = 1;
  int failure_threshold = 3;
};

ProbeParams ParamsOf(const json& probe) {
  const auto seconds = [&](const char* key, int fallback) {
    const int v = probe.value(key, fallback);
    return std::chrono::seconds(v > 0 || std::string_view(key) == "initialDelaySeconds" ? v
                                                                                        : fallback);
  };
  return {.initial_delay = seconds("initialDelaySeconds", 0),
          .period = seconds("periodSeconds", 10),
          .timeout = seconds("timeoutSeconds", 1),
          .success_threshold = std::max(1, probe.value("successThreshold", 1)),
          .failure_threshold = std::max(1, probe.value("failureThreshold", 3))};
}

// A probe's port: a number, or the name of one of the container's ports.
std::optional<int> PortOf(const json& port, const json& container) {
  if (port.is_number_integer()) return port.get<int>();
  if (!port.is_string()) return std::nullopt;
  for (const auto& p : container.value("ports", json::array())) {
    if (p.value("name", "") == port.get<std::string>()) return p.value("containerPort", 0);
  }
  try {
    return std::stoi(port.get<std::string>());
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

std::size_t Discard(char*, std::size_t size, std::size_t n, void*) { return size * n; }

bool HttpGet(const json& h, const json& container, const std::string& pod_ip,
             std::chrono::seconds timeout, std::string* why) {
  const auto port = PortOf(h.value("port", json()), container);
  if (!port) {
    *why = "httpGet: unknown port " + h.value("port", json()).dump();
    return false;
  }
  const std::string host = h.value("host", pod_ip);
  std::string scheme = h.value("scheme", "HTTP");
  for (auto& ch : scheme) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  std::string path = h.value("path", "/");
  if (path.empty() || path[0] != '/') path = "/" + path;
  const std::string url = scheme + "://" + host + ":" + std::to_string(*port) + path;
  std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> curl(curl_easy_init(), curl_easy_cleanup);
  if (!curl) {
    *why = "httpGet: curl_easy_init failed";
    return false;
  }
  curl_slist* headers = nullptr;
  for (const auto& hd : h.value("httpHeaders", json::array())) {
    headers =
        curl_slist_append(headers, (hd.value("name", "") + ": " + hd.value("value", "")).c_str());
  }
  curl_easy_setopt(curl.get(), CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl.get(), CURLOPT_TIMEOUT_MS,
                   std::chrono::duration_cast<std::chrono::milliseconds>(timeout).count());
  curl_easy_setopt(curl.get(), CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl.get(), CURLOPT_SSL_VERIFYPEER, 0L);  // as the kubelet's prober
  curl_easy_setopt(curl.get(), CURLOPT_SSL_VERIFYHOST, 0L);
  curl_easy_setopt(curl.get(), CURLOPT_WRITEFUNCTION, Discard);
  curl_easy_setopt(curl.get(), CURLOPT_HTTPHEADER, headers);
  const CURLcode rc = curl_easy_perform(curl.get());
  curl_slist_free_all(headers);
  long code = 0;
  curl_easy_getinfo(curl.get(), CURLINFO_RESPONSE_CODE, &code);
  if (rc != CURLE_OK) {
    *why = "httpGet " + url + ": " + curl_easy_strerror(rc);
    return false;
  }
  if (code < 200 || code >= 400) {
    *why = "httpGet " + url + ": HTTP " + std::to_string(code);
    return false;
  }
  return true;
}

bool TcpConnect(const json& t, const json& container, const std::string& pod_ip,
                std::chrono::seconds timeout, std::string* why) {
  const auto port = PortOf(t.value("port", json()), container);
  const std::string host = t.value("host", pod_ip);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  if (!port || *port <= 0 || *port > 65535 ||
      ::inet_pton(AF_INET, host.c_str(), &addr.sin_addr) != 1) {
    *why = "tcpSocket: bad address " + host;
    return false;
  }
  addr.sin_port = htons(static_cast<std::uint16_t>(*port));
  UniqueFd fd(::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
  if (!fd.valid()) {
    *why = std::string("tcpSocket: ") + std::strerror(errno);
    return false;
  }
  const std::string target = host + ":" + std::to_string(*port);
  if (::connect(fd.get(), reinterpret_cast<const sockaddr*>(&addr), sizeof addr) == 0) return true;
  if (errno != EINPROGRESS) {
    *why = "tcpSocket " + target + ": " + std::strerror(errno);
    return false;
  }
  pollfd p{.fd = fd.get(), .events = POLLOUT, .revents = 0};
  if (::poll(&p, 1, static_cast<int>(timeout.count() * 1000)) != 1) {
    *why = "tcpSocket " + target + ": timed out";
    return false;
  }
  int err = 0;
  socklen_t len = sizeof err;
  ::getsockopt(fd.get(), SOL_SOCKET, SO_ERROR, &err, &len);
  if (err != 0) {
    *why = "tcpSocket " + target + ": " + std::strerror(err);
    return false;
  }
  return true;
}

}  // namespace

bool Prober::RunOnce(const json& probe, const json& container, pid_t shim_pid,
                     const std::string& pod_ip, std::string* why) const {
  const ProbeParams params = ParamsOf(probe);
  if (auto e = probe.find("exec"); e != probe.end()) {
    ProcessSpec spec;
    spec.argv = {shim_binary_, "container-exec", "--pid", std::to_string(shim_pid), "--"};
    for (const auto& a : e->value("command", json::array())) {
      if (a.is_string()) spec.argv.push_back(a.get<std::string>());
    }
    spec.timeout = params.timeout;
    auto ran = RunProcess(spec, {});
    if (!ran.ok()) {
      *why = "exec: " + ran.error().ToString();
      return false;
    }
    if (!ran->Succeeded()) {
      *why = "exec: exit " + std::to_string(ran->exit_code) +
             (ran->timed_out ? " (timed out)" : "") + ": " + ran->stdout_data + ran->stderr_data;
      return false;
    }
    return true;
  }
  if (auto h = probe.find("httpGet"); h != probe.end()) {
    return HttpGet(*h, container, pod_ip, params.timeout, why);
  }
  if (auto t = probe.find("tcpSocket"); t != probe.end()) {
    return TcpConnect(*t, container, pod_ip, params.timeout, why);
  }
  *why = "probe kind not supported by the process kubelet; counted as passing";
  return true;
}

ProbeOutcome Prober::RunDue(const json& container, ContainerRuntime& c, const std::string& pod_ip,
                            Clock::TimePoint now) {
  ProbeOutcome out;
  const auto due = [&](const char* field, ProbeState& st) -> std::optional<bool> {
    auto it = container.find(field);
    if (it == container.end() || !it->is_object()) return std::nullopt;
    const ProbeParams params = ParamsOf(*it);
    if (st.next == Clock::TimePoint{}) st.next = c.started_mono + params.initial_delay;
    if (now < st.next) {
      out.next = out.next ? std::min(*out.next, st.next) : st.next;
      return std::nullopt;
    }
    std::string why;
    const bool passed = RunOnce(*it, container, c.process ? c.process->pid() : -1, pod_ip, &why);
    if (passed) {
      st.failures = 0;
      if (++st.successes >= params.success_threshold) st.ok = true;
    } else {
      st.successes = 0;
      if (++st.failures >= params.failure_threshold) st.ok = false;
      out.why = why;
    }
    st.next = now + params.period;
    out.next = out.next ? std::min(*out.next, st.next) : st.next;
    return passed || st.failures < params.failure_threshold;
  };
  if (!c.startup.ok) {
    if (auto alive = due("startupProbe", c.startup); alive && !*alive) out.kill = true;
    return out;  // readiness and liveness wait for the startup probe
  }
  due("readinessProbe", c.readiness);
  if (auto alive = due("livenessProbe", c.liveness); alive && !*alive) out.kill = true;
  return out;
}

int RunInContainer(pid_t shim_pid, const std::vector<std::string>& argv) {
  const std::string task = "/proc/" + std::to_string(shim_pid);
  auto children = ReadFileToString(task + "/task/" + std::to_string(shim_pid) + "/children");
  if (!children.ok() || argv.empty()) {
    std::fprintf(stderr, "container-exec: no container under shim %d\n", shim_pid);
    return 126;
  }
  const std::string init = "/proc/" + std::to_string(std::atoi(children->c_str()));
  auto environ_text = ReadFileToString(init + "/environ");
  std::vector<std::string> env;
  if (environ_text.ok()) {
    std::size_t start = 0;
    for (std::size_t i = 0; i < environ_text->size(); ++i) {
      if ((*environ_text)[i] == '\0') {
        env.push_back(environ_text->substr(start, i - start));
        start = i + 1;
      }
    }
  }
  UniqueFd root(::open((init + "/root").c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  UniqueFd mnt(::open((init + "/ns/mnt").c_str(), O_RDONLY | O_CLOEXEC));
  UniqueFd pid_ns(::open((init + "/ns/pid").c_str(), O_RDONLY | O_CLOEXEC));
  UniqueFd uts(::open((init + "/ns/uts").c_str(), O_RDONLY | O_CLOEXEC));
  if (!root.valid() || !mnt.valid() || !pid_ns.valid() || !uts.valid() ||
      ::setns(mnt.get(), CLONE_NEWNS) != 0 || ::setns(uts.get(), CLONE_NEWUTS) != 0 ||
      ::setns(pid_ns.get(), CLONE_NEWPID) != 0 || ::fchdir(root.get()) != 0 || ::chroot(".") != 0 ||
      ::chdir("/") != 0) {
    std::fprintf(stderr, "container-exec: cannot enter the container: %s\n", std::strerror(errno));
    return 126;
  }
  const pid_t child = ::fork();  // the PID namespace applies to children only
  if (child == 0) {
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    std::vector<char*> envp;
    for (const auto& e : env) envp.push_back(const_cast<char*>(e.c_str()));
    envp.push_back(nullptr);
    ::execvpe(args[0], args.data(), envp.data());
    std::fprintf(stderr, "container-exec: %s: %s\n", args[0], std::strerror(errno));
    ::_exit(127);
  }
  int status = 0;
  while (::waitpid(child, &status, 0) < 0 && errno == EINTR) {
  }
  return ExitCodeFromWaitStatus(status);
}

}  // namespace drs::kubelet
