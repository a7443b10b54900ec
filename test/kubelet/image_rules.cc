#include "kubelet/image_rules.h"

namespace drs::kubelet {

ImageRule ImageRuleFor(const std::string& image, const std::string& agent_binary) {
  ImageRule rule;
  if (image.find(kAgentImageMarker) != std::string::npos) {
    rule.kind = ImageKind::kAgent;
    rule.entrypoint = {kAgentPathInImage};
    rule.files = {{kAgentPathInImage, agent_binary}};
    rule.run_dirs = {"sshd"};
  } else if (image == kExecImage || image.starts_with(std::string(kExecImage) + ":")) {
    rule.kind = ImageKind::kExec;
  }
  return rule;
}

Result<std::vector<std::string>> ContainerArgv(const ImageRule& rule,
                                               const std::vector<std::string>& command,
                                               const std::vector<std::string>& args) {
  std::vector<std::string> argv = command.empty() ? rule.entrypoint : command;
  argv.insert(argv.end(), args.begin(), args.end());
  if (argv.empty() || argv[0].empty()) {
    return InvalidError("no command specified (the image has no entrypoint)");
  }
  return argv;
}

}  // namespace drs::kubelet
