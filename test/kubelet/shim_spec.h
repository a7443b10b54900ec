#pragma once
// ShimSpec: what the kubelet tells the container shim (`drs-process-kubelet
// container-shim --spec FILE`) about one container: the command line, the
// mounts to make in its private mount namespace, and where to report a
// failure to start. The environment is not in the file — the shim is
// started with the container's environment and hands it on, so Secret values
// never touch the disk outside their volumes.
//
// Thread-safety: a value type.

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "base/result.h"

namespace drs::kubelet {

struct ShimMount {
  std::string source;  // on this machine: a volume directory, a file, a node path
  std::string target;  // absolute path in the container
  bool read_only = false;
  // mountPropagation HostToContainer (or Bidirectional, treated alike): mounts
  // made later under the source on the host appear in the container.
  bool host_to_container = false;
  friend bool operator==(const ShimMount&, const ShimMount&) = default;
};

struct ShimSpec {
  std::vector<std::string> argv;
  std::string working_dir;  // in the container; "" = "/"
  std::string hostname;
  // A directory of this container on the host; the shim mounts a tmpfs there
  // (in its own namespace) to build the container's root.
  std::string scratch_dir;
  // The shim writes why the container could not start here (then exits 128).
  std::string start_error_file;
  std::vector<ShimMount> mounts;
  friend bool operator==(const ShimSpec&, const ShimSpec&) = default;
};

nlohmann::json ShimSpecToJson(const ShimSpec& spec);
Result<ShimSpec> ShimSpecFromJson(const nlohmann::json& doc);

// The exit code that marks "the shim could not start the command" (as
// container runtimes report a StartError).
inline constexpr int kStartErrorExitCode = 128;

}  // namespace drs::kubelet
