#include "kubelet/container_env.h"

#include <map>

#include <gtest/gtest.h>

#include "base/base64.h"
#include "kubelet/fake_object_lookup.h"

namespace drs::kubelet {
namespace {

using nlohmann::json;

json Pod(json container) {
  return json{
      {"metadata",
       {{"name", "agent-x"}, {"namespace", "ns1"}, {"uid", "u-1"}, {"labels", {{"app", "agent"}}}}},
      {"spec", {{"serviceAccountName", "sa"}, {"containers", json::array({container})}}}};
}

const PodContext kContext{
    .node_name = "node-2", .host_ip = "127.0.1.2", .pod_ip = "127.0.1.2", .hostname = "node-2"};

std::map<std::string, std::string> AsMap(const std::vector<EnvVar>& env) {
  std::map<std::string, std::string> m;
  for (const auto& v : env) m[v.name] = std::string(v.value.reveal());
  return m;
}

TEST(BuildContainerEnvTest, ResolvesEverySourceInKubernetesOrder) {
  FakeObjectLookup lookup;
  lookup.AddSecret("ns1", "creds",
                   {{"token", Base64Encode("s3cret")}, {"user", Base64Encode("u")}});
  lookup.AddConfigMap("ns1", "cfg", {{"mode", "fast"}, {"PORT", "2222"}});
  const json container = {
      {"name", "c"},
      {"resources", {{"limits", {{"memory", "64Mi"}}}}},
      {"envFrom", json::array({{{"configMapRef", {{"name", "cfg"}}}},
                               {{"secretRef", {{"name", "creds"}}}, {"prefix", "S_"}}})},
      {"env",
       json::array({
           {{"name", "NODE_IP"}, {"valueFrom", {{"fieldRef", {{"fieldPath", "status.hostIP"}}}}}},
           {{"name", "NODE_NAME"}, {"valueFrom", {{"fieldRef", {{"fieldPath", "spec.nodeName"}}}}}},
           {{"name", "POD"}, {"valueFrom", {{"fieldRef", {{"fieldPath", "metadata.name"}}}}}},
           {{"name", "NS"}, {"valueFrom", {{"fieldRef", {{"fieldPath", "metadata.namespace"}}}}}},
           {{"name", "UID"}, {"valueFrom", {{"fieldRef", {{"fieldPath", "metadata.uid"}}}}}},
           {{"name", "APP"},
            {"valueFrom", {{"fieldRef", {{"fieldPath", "metadata.labels['app']"}}}}}},
           {{"name", "LISTEN"}, {"value", "$(NODE_IP):$(PORT)"}},
           {{"name", "LATER"}, {"value", "$(DEFINED_AFTER)"}},
           {{"name", "DEFINED_AFTER"}, {"value", "x"}},
           {{"name", "TOKEN"},
            {"valueFrom", {{"secretKeyRef", {{"name", "creds"}, {"key", "token"}}}}}},
           {{"name", "MODE"},
            {"valueFrom", {{"configMapKeyRef", {{"name", "cfg"}, {"key", "mode"}}}}}},
           {{"name", "MEM_MI"},
            {"valueFrom",
             {{"resourceFieldRef", {{"resource", "limits.memory"}, {"divisor", "1Mi"}}}}}},
           {{"name", "CPU"}, {"valueFrom", {{"resourceFieldRef", {{"resource", "limits.cpu"}}}}}},
           {{"name", "OPT"},
            {"valueFrom",
             {{"secretKeyRef", {{"name", "absent"}, {"key", "k"}, {"optional", true}}}}}},
           {{"name", "PATH"}, {"value", "/opt/bin:$(PATH)"}},
       })}};
  auto env = BuildContainerEnv(Pod(container), container, kContext, lookup);
  ASSERT_TRUE(env.ok()) << env.error();
  const auto m = AsMap(*env);
  EXPECT_EQ(m.at("NODE_IP"), "127.0.1.2");
  EXPECT_EQ(m.at("NODE_NAME"), "node-2");
  EXPECT_EQ(m.at("POD"), "agent-x");
  EXPECT_EQ(m.at("NS"), "ns1");
  EXPECT_EQ(m.at("UID"), "u-1");
  EXPECT_EQ(m.at("APP"), "agent");
  EXPECT_EQ(m.at("LISTEN"), "127.0.1.2:2222");
  EXPECT_EQ(m.at("LATER"), "$(DEFINED_AFTER)");
  EXPECT_EQ(m.at("TOKEN"), "s3cret");
  EXPECT_EQ(m.at("S_user"), "u");
  EXPECT_EQ(m.at("mode"), "fast");
  EXPECT_EQ(m.at("MODE"), "fast");
  EXPECT_EQ(m.at("MEM_MI"), "64");
  EXPECT_EQ(m.at("CPU"), "4");  // no limit: the node's allocatable
  EXPECT_EQ(m.count("OPT"), 0u);
  EXPECT_EQ(m.at("PATH"), std::string("/opt/bin:") + kDefaultPath);
  EXPECT_EQ(m.at("HOSTNAME"), "node-2");
  // envFrom comes before env, and a redefinition keeps its first position.
  EXPECT_EQ((*env)[0].name, "PATH");
}

TEST(BuildContainerEnvTest, MissingRequiredSourcesAreErrorsNamingThem) {
  FakeObjectLookup lookup;
  lookup.AddSecret("ns1", "creds", {{"user", Base64Encode("u")}});
  const auto build = [&](json var) {
    json container = {{"name", "c"}, {"env", json::array({var})}};
    return BuildContainerEnv(Pod(container), container, kContext, lookup);
  };
  auto no_secret =
      build({{"name", "T"}, {"valueFrom", {{"secretKeyRef", {{"name", "gone"}, {"key", "k"}}}}}});
  ASSERT_FALSE(no_secret.ok());
  EXPECT_NE(no_secret.error().ToString().find("ns1/gone"), std::string::npos);
  auto no_key =
      build({{"name", "T"}, {"valueFrom", {{"secretKeyRef", {{"name", "creds"}, {"key", "k"}}}}}});
  ASSERT_FALSE(no_key.ok());
  EXPECT_NE(no_key.error().ToString().find("\"k\""), std::string::npos);
  auto bad_field =
      build({{"name", "T"}, {"valueFrom", {{"fieldRef", {{"fieldPath", "spec.nope"}}}}}});
  ASSERT_FALSE(bad_field.ok());
  EXPECT_NE(bad_field.error().ToString().find("spec.nope"), std::string::npos);
}

TEST(ExpandArgsTest, UsesTheFinalEnvironment) {
  std::vector<EnvVar> env;
  env.push_back({"NODE_IP", SecretBytes("127.0.1.1")});
  EXPECT_EQ(ExpandArgs({"--listen-address=$(NODE_IP)", "$(NOPE)", "$$(NODE_IP)"}, env),
            (std::vector<std::string>{"--listen-address=127.0.1.1", "$(NOPE)", "$(NODE_IP)"}));
}

}  // namespace
}  // namespace drs::kubelet
