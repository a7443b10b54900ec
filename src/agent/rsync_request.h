#pragma once
// The rsync server invocations the gate lets through: a read-only *sender*
// for one logical volume path, with options from an allow-list built from
// what real rsync 3.2+ clients send for a dr-syncer pull (docs/agent.md lists
// them and how they were found). Everything that could write, delete, follow
// symlinks out of the volume, read other files or hide arguments from us is
// refused, each with its own reason.
//
//   rsync --server --sender -lHogDtpAXrSe.LsfxCIvu --bwlimit=100 --numeric-ids . pvc/shop/data/
//
// Thread-safety: pure functions.

#include <string>
#include <vector>

#include "agent/volume_path.h"
#include "base/result.h"

namespace drs::agent {

struct RsyncSenderRequest {
  // The validated options, in the client's order, to hand to the real rsync.
  std::vector<std::string> options;
  LogicalVolumePath path;
};

// Parses the words of SSH_ORIGINAL_COMMAND (argv[0] = "rsync"). Refusals are
// PermissionDenied with a one-line reason.
Result<RsyncSenderRequest> ParseRsyncSenderRequest(const std::vector<std::string>& words);

// The argv the gate executes: the real rsync, the same validated options, and
// the resolved volume directory with the trailing slash the client asked for.
std::vector<std::string> RsyncServerArgv(const std::string& rsync_binary,
                                         const RsyncSenderRequest& request,
                                         const std::string& volume_dir);

}  // namespace drs::agent
