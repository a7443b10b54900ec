#include "controller/datasync/agent_manifests.h"

#include <gtest/gtest.h>

#include "base/base64.h"
#include "controller/datasync/json_read.h"

namespace drs::controller::datasync {
namespace {

using nlohmann::json;

AgentSettings Settings() {
  AgentSettings s;
  s.remote_cluster = "ops/prod";
  s.image = "registry.example/dr-syncer-agent:1.0";
  return s;
}

const json& Container(const json& ds) {
  return At(ds, {"spec", "template", "spec", "containers"})[0];
}

std::string TemplateHash(const json& ds) {
  return StringAt(
      ds, {"spec", "template", "metadata", "annotations", "dr-syncer.io/agent-config-hash"});
}

TEST(AgentManifestsTest, EveryObjectIsOursAndInTheAgentNamespace) {
  RingKey host;
  host.serial = 2;
  host.public_key = "ssh-ed25519 AAAAhost";
  host.private_key = SecretBytes("-----BEGIN OPENSSH PRIVATE KEY-----\n...");
  const auto s = Settings();
  for (const json& o : {AgentNamespace(s), AgentServiceAccount(s), HostKeySecret(s, host),
                        AccessSecret(s, {{"version", 1}}), AgentDaemonSet(s, 2)}) {
    EXPECT_EQ(StringAt(o, {"metadata", "labels", "app.kubernetes.io/managed-by"}), "dr-syncer")
        << o.dump();
    EXPECT_EQ(StringAt(o, {"metadata", "annotations", "dr-syncer.io/remote-cluster"}), "ops/prod");
    if (StringAt(o, {"kind"}) == "Namespace") {
      EXPECT_EQ(StringAt(o, {"metadata", "name"}), "dr-syncer-agent");
    } else {
      EXPECT_EQ(StringAt(o, {"metadata", "namespace"}), "dr-syncer-agent") << o.dump();
    }
  }
}

TEST(AgentManifestsTest, ServiceAccountHasNoToken) {
  EXPECT_EQ(AgentServiceAccount(Settings())["automountServiceAccountToken"], false);
  EXPECT_EQ(At(AgentDaemonSet(Settings(), 1),
               {"spec", "template", "spec", "automountServiceAccountToken"}),
            false);
}

TEST(AgentManifestsTest, SecretsCarryTheFilesTheAgentReads) {
  RingKey host;
  host.serial = 5;
  host.public_key = "ssh-ed25519 AAAAhost dr-syncer host";
  host.private_key = SecretBytes("PRIVATE");
  const json secret = HostKeySecret(Settings(), host);
  EXPECT_EQ(*Base64Decode(StringAt(secret, {"data", "ssh_host_ed25519_key"})), "PRIVATE");
  EXPECT_EQ(*Base64Decode(StringAt(secret, {"data", "ssh_host_ed25519_key.pub"})),
            "ssh-ed25519 AAAAhost dr-syncer host\n");
  EXPECT_EQ(StringAt(secret, {"metadata", "name"}), "dr-syncer-agent-host-key");
  const json access = AccessSecret(Settings(), {{"version", 1}, {"keys", json::array()}});
  EXPECT_EQ(StringAt(access, {"metadata", "name"}), "dr-syncer-agent-access");
  EXPECT_EQ(json::parse(*Base64Decode(StringAt(access, {"data", "access.json"}))),
            json({{"version", 1}, {"keys", json::array()}}));
}

TEST(AgentManifestsTest, DaemonSetRunsTheAgentPerTheContract) {
  AgentSettings s = Settings();
  s.agent.ssh_port = 2022;
  s.agent.node_selector = {{"disk", "ssd"}};
  s.agent.tolerations = json::array({{{"operator", "Exists"}}});
  s.agent.resources = {{"requests", {{"cpu", "50m"}}}};
  s.agent.priority_class_name = "system-node-critical";
  const json ds = AgentDaemonSet(s, 4);
  const json& pod = At(ds, {"spec", "template", "spec"});
  const json& c = Container(ds);
  EXPECT_EQ(c["image"], s.image);
  EXPECT_EQ(c["command"], json::array({"/usr/local/bin/dr-syncer-agent"}));
  const json want_args = {"run",
                          "--listen-address=$(POD_IP)",
                          "--port=2022",
                          "--host-key-dir=/etc/dr-syncer/host-key",
                          "--access-file=/etc/dr-syncer/access/access.json",
                          "--kubelet-pods-dir=/var/lib/kubelet/pods",
                          "--state-dir=/run/dr-syncer-agent",
                          "--health-address=$(POD_IP):8081",
                          "--node-name=$(NODE_NAME)"};
  EXPECT_EQ(c["args"], want_args);
  EXPECT_EQ(pod["hostNetwork"], true);
  EXPECT_EQ(pod["dnsPolicy"], "ClusterFirstWithHostNet");
  EXPECT_EQ(pod["nodeSelector"], json({{"disk", "ssd"}, {"kubernetes.io/os", "linux"}}));
  EXPECT_EQ(pod["tolerations"], s.agent.tolerations);
  EXPECT_EQ(c["resources"], s.agent.resources);
  EXPECT_EQ(pod["priorityClassName"], "system-node-critical");
  // The downward API gives the agent its node and address.
  std::map<std::string, std::string> env;
  for (const auto& e : c["env"])
    env[e["name"]] = StringAt(e, {"valueFrom", "fieldRef", "fieldPath"});
  EXPECT_EQ(env, (std::map<std::string, std::string>{{"NODE_NAME", "spec.nodeName"},
                                                     {"NODE_IP", "status.hostIP"},
                                                     {"POD_IP", "status.podIP"}}));
  // The kubelet's pods tree, read-only, seeing mounts made after start.
  bool pods_mount = false;
  for (const auto& m : c["volumeMounts"]) {
    if (m["name"] == "kubelet-pods") {
      pods_mount = true;
      EXPECT_EQ(m["mountPath"], "/var/lib/kubelet/pods");
      EXPECT_EQ(m["readOnly"], true);
      EXPECT_EQ(m["mountPropagation"], "HostToContainer");
    }
  }
  EXPECT_TRUE(pods_mount);
  for (const auto& v : pod["volumes"]) {
    if (v.contains("hostPath")) {
      EXPECT_EQ(v["hostPath"]["path"], "/var/lib/kubelet/pods");
    }
    if (v.contains("secret")) {
      EXPECT_EQ(v["secret"]["defaultMode"], 0400);
    }
  }
  EXPECT_EQ(At(c, {"livenessProbe", "httpGet", "path"}), "/healthz");
  EXPECT_EQ(At(c, {"readinessProbe", "httpGet", "path"}), "/readyz");
  EXPECT_EQ(At(c, {"securityContext", "allowPrivilegeEscalation"}), false);
  EXPECT_EQ(At(c, {"securityContext", "capabilities", "drop"}), json::array({"ALL"}));
  EXPECT_EQ(
      StringAt(ds, {"spec", "template", "metadata", "annotations", "dr-syncer.io/host-key-serial"}),
      "4");
  EXPECT_EQ(At(ds, {"spec", "selector", "matchLabels"}),
            json({{"app.kubernetes.io/name", "dr-syncer-agent"}}));
  EXPECT_EQ(StringAt(ds, {"spec", "template", "metadata", "labels", "app.kubernetes.io/name"}),
            "dr-syncer-agent");
}

TEST(AgentManifestsTest, NoHostNetworkUsesClusterDns) {
  AgentSettings s = Settings();
  s.agent.host_network = false;
  const json ds = AgentDaemonSet(s, 1);
  EXPECT_EQ(At(ds, {"spec", "template", "spec", "hostNetwork"}), false);
  EXPECT_EQ(At(ds, {"spec", "template", "spec", "dnsPolicy"}), "ClusterFirst");
}

TEST(AgentManifestsTest, AnyChangeThatNeedsARestartChangesTheTemplateHash) {
  const std::string base = TemplateHash(AgentDaemonSet(Settings(), 1));
  EXPECT_EQ(base.size(), 32u);
  EXPECT_EQ(base, TemplateHash(AgentDaemonSet(Settings(), 1)));  // deterministic
  std::vector<std::pair<std::string, AgentSettings>> changes;
  auto add = [&](const char* what, auto mutate) {
    AgentSettings s = Settings();
    mutate(s);
    changes.emplace_back(what, s);
  };
  add("image", [](AgentSettings& s) { s.image = "other:2"; });
  add("port", [](AgentSettings& s) { s.agent.ssh_port = 2223; });
  add("nodeSelector", [](AgentSettings& s) { s.agent.node_selector = {{"a", "b"}}; });
  add("tolerations", [](AgentSettings& s) { s.agent.tolerations = json::array({json::object()}); });
  add("resources", [](AgentSettings& s) { s.agent.resources = {{"limits", {{"cpu", "1"}}}}; });
  add("priorityClassName", [](AgentSettings& s) { s.agent.priority_class_name = "high"; });
  add("hostNetwork", [](AgentSettings& s) { s.agent.host_network = false; });
  for (const auto& [what, s] : changes) {
    EXPECT_NE(TemplateHash(AgentDaemonSet(s, 1)), base) << what;
  }
  EXPECT_NE(TemplateHash(AgentDaemonSet(Settings(), 2)), base) << "host key serial";
}

}  // namespace
}  // namespace drs::controller::datasync
