#pragma once
// NodeLayout: where a simulated node keeps things on this machine. Each node
// has a root directory standing for its `/`; the kubelet's own tree, pod
// logs and container runtime state live under it exactly where a real node
// keeps them, so a hostPath `/var/lib/kubelet/pods` on node-1 is
// <cluster>/nodes/node-1/var/lib/kubelet/pods. PersistentVolume data of the
// test bed's CSI driver lives beside the nodes, shared by all of them.
//
//   <cluster>/nodes/<node>/                                   the node's "/"
//   <cluster>/nodes/<node>/var/lib/kubelet/pods/<uid>/volumes/kubernetes.io~<plugin>/<name>
//   <cluster>/nodes/<node>/var/lib/kubelet/pods/<uid>/volumes/kubernetes.io~csi/<pv>/mount
//   <cluster>/nodes/<node>/var/lib/kubelet/pods/<uid>/containers/<name>/  termination logs
//   <cluster>/nodes/<node>/var/log/pods/<ns>_<pod>_<uid>/<name>/<restarts>.log
//   <cluster>/nodes/<node>/run/process-kubelet/<uid>/<name>/   shim spec, scratch, /tmp, /run
//   <cluster>/volumes/<pv>/                                   a testbed CSI volume's data
//
// Thread-safety: a value type; pure string work.

#include <string>

namespace drs::kubelet {

// The CSI driver name whose volumes the process kubelet serves from directories.
inline constexpr char kTestbedCsiDriver[] = "testbed.dr-syncer.io";

class NodeLayout {
 public:
  // `cluster_dir` is the cluster's folder in the bed (<bed>/clusters/<name>).
  NodeLayout(std::string cluster_dir, std::string node)
      : cluster_dir_(std::move(cluster_dir)), node_(std::move(node)) {}

  const std::string& node() const { return node_; }
  std::string Root() const { return cluster_dir_ + "/nodes/" + node_; }
  // A path as seen on the node (absolute) mapped to this machine.
  std::string HostPath(const std::string& node_path) const;

  std::string PodsDir() const { return Root() + "/var/lib/kubelet/pods"; }
  std::string PodDir(const std::string& uid) const { return PodsDir() + "/" + uid; }
  // kubernetes.io~<plugin>/<name>; plugin e.g. "secret", "empty-dir".
  std::string VolumeDir(const std::string& uid, const std::string& plugin,
                        const std::string& name) const;
  std::string CsiMountDir(const std::string& uid, const std::string& pv) const;
  std::string ContainerDir(const std::string& uid, const std::string& container) const;
  std::string PodLogDir(const std::string& ns, const std::string& pod,
                        const std::string& uid) const;
  std::string ContainerLog(const std::string& ns, const std::string& pod, const std::string& uid,
                           const std::string& container, int restarts) const;
  // Container runtime state (the shim's spec, scratch mounts, private /tmp and /run).
  std::string RuntimeDir() const { return Root() + "/run/process-kubelet"; }
  std::string RuntimeContainerDir(const std::string& uid, const std::string& container) const;

  // The data directory of a testbed CSI PersistentVolume.
  static std::string VolumeDataDir(const std::string& cluster_dir, const std::string& pv) {
    return cluster_dir + "/volumes/" + pv;
  }

 private:
  std::string cluster_dir_;
  std::string node_;
};

// Lexically normalises an absolute path: collapses "//" and ".", resolves
// ".." without going above "/". Returns "" for a relative path.
std::string CleanAbsolutePath(const std::string& path);

// True when `name` is a single safe path component (no '/', not "." or "..", not empty).
bool IsSafeComponent(const std::string& name);

}  // namespace drs::kubelet
