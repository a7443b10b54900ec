#include "kubelet/shim_spec.h"

namespace drs::kubelet {

using nlohmann::json;

json ShimSpecToJson(const ShimSpec& spec) {
  json mounts = json::array();
  for (const auto& m : spec.mounts) {
    mounts.push_back({{"source", m.source},
                      {"target", m.target},
                      {"readOnly", m.read_only},
                      {"hostToContainer", m.host_to_container}});
  }
  return {{"argv", spec.argv},
          {"workingDir", spec.working_dir},
          {"hostname", spec.hostname},
          {"scratchDir", spec.scratch_dir},
          {"startErrorFile", spec.start_error_file},
          {"mounts", std::move(mounts)}};
}

Result<ShimSpec> ShimSpecFromJson(const json& doc) {
  try {
    ShimSpec spec;
    spec.argv = doc.at("argv").get<std::vector<std::string>>();
    spec.working_dir = doc.at("workingDir").get<std::string>();
    spec.hostname = doc.at("hostname").get<std::string>();
    spec.scratch_dir = doc.at("scratchDir").get<std::string>();
    spec.start_error_file = doc.at("startErrorFile").get<std::string>();
    for (const auto& m : doc.at("mounts")) {
      spec.mounts.push_back({.source = m.at("source").get<std::string>(),
                             .target = m.at("target").get<std::string>(),
                             .read_only = m.at("readOnly").get<bool>(),
                             .host_to_container = m.at("hostToContainer").get<bool>()});
    }
    if (spec.argv.empty()) return InvalidError("shim spec has an empty argv");
    if (spec.scratch_dir.empty()) return InvalidError("shim spec has no scratchDir");
    return spec;
  } catch (const json::exception& e) {
    return InvalidError(std::string("malformed shim spec: ") + e.what());
  }
}

}  // namespace drs::kubelet
