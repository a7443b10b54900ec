#pragma once
// What a container image means on the test bed, which has no images:
//   - an image whose name contains "dr-syncer-agent" is our agent image: its
//     entrypoint is /usr/local/bin/dr-syncer-agent, which the container sees
//     bind-mounted from the locally built binary, and /run/sshd exists (the
//     image's Dockerfile makes it for sshd's privilege separation);
//   - "testbed/exec[:tag]" is a test-only image with no entrypoint: the
//     container runs its `command` (argv[0] looked up on the container's PATH);
//   - every other image is "held": its containers are reported Running, with
//     no process, until the pod is deleted.
//
// Thread-safety: pure functions.

#include <string>
#include <utility>
#include <vector>

#include "base/result.h"

namespace drs::kubelet {

inline constexpr char kAgentImageMarker[] = "dr-syncer-agent";
inline constexpr char kExecImage[] = "testbed/exec";
inline constexpr char kAgentPathInImage[] = "/usr/local/bin/dr-syncer-agent";

enum class ImageKind { kAgent, kExec, kHeld };

struct ImageRule {
  ImageKind kind = ImageKind::kHeld;
  std::vector<std::string> entrypoint;
  // Files the image provides: (path in the container, file on this machine).
  std::vector<std::pair<std::string, std::string>> files;
  // Directories the image has under /run (each container gets a fresh /run).
  std::vector<std::string> run_dirs;
};

ImageRule ImageRuleFor(const std::string& image, const std::string& agent_binary);

// The container's argv as the runtime builds it: `command` replaces the
// entrypoint, `args` the image's default arguments (none here). Invalid when
// nothing is left to run.
Result<std::vector<std::string>> ContainerArgv(const ImageRule& rule,
                                               const std::vector<std::string>& command,
                                               const std::vector<std::string>& args);

}  // namespace drs::kubelet
