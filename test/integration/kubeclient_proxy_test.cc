// A kubeconfig with proxy-url: every request goes through a real HTTP
// CONNECT proxy (Debian's tinyproxy) and still verifies the API server's
// certificate end to end.

#include <unistd.h>

#include <fstream>
#include <regex>

#include <gtest/gtest.h>

#include "base/file_util.h"
#include "base/test_temp_dir.h"
#include "kubeclient/kubeconfig.h"
#include "support/background_process.h"
#include "support/clients.h"
#include "support/tcp_proxy.h"

namespace drs::testing {
namespace {

TEST(KubeClientProxyTest, ProxyUrlTunnelsRequestsThroughConnect) {
  Testbed bed;
  std::string error;
  ASSERT_TRUE(Testbed::Load(&bed, &error)) << error;
  test::TempDir dir;
  // A free port for the proxy: bind, read the port, release.
  std::uint16_t port = 0;
  {
    TcpProxy probe(1);  // listens on a free loopback port; its target is never used
    port = probe.port();
  }
  const std::string conf = dir.path() + "/tinyproxy.conf";
  const std::string log = dir.path() + "/tinyproxy.log";
  std::ofstream(conf) << "Port " << port << "\nListen 127.0.0.1\nTimeout 60\nAllow 127.0.0.1\n"
                      << "LogFile \"" << log << "\"\nLogLevel Connect\nMaxClients 20\n";
  // -d: stay in the foreground, so the test owns the process.
  auto proxy =
      BackgroundProcess::Start({"tinyproxy", "-d", "-c", conf}, dir.path() + "/stdout.log");
  ASSERT_TRUE(proxy.ok());

  auto config = kubeclient::LoadKubeconfigFile(bed.Cluster("source").kubeconfig, "");
  ASSERT_TRUE(config.ok()) << config.error();
  config->proxy_url = "http://127.0.0.1:" + std::to_string(port);
  auto client = kubeclient::RestClient::Create(std::move(config).value(), RealClock::Get());
  ASSERT_TRUE(client.ok());
  // The proxy may need a moment to listen: the client retries refused connects.
  auto version = (*client)->Send({.path = "/version"});
  ASSERT_TRUE(version.ok()) << version.error() << "\n" << proxy.Log();
  EXPECT_NE(version->body.find(bed.kubernetes_version()), std::string::npos);

  auto logged = ReadFileToString(log);
  ASSERT_TRUE(logged.ok());
  const std::string server = bed.Cluster("source").server;
  const std::string hostport = server.substr(server.find("://") + 3);
  EXPECT_NE(logged->find("CONNECT " + hostport), std::string::npos) << *logged;

  // With the proxy gone, the cluster is unreachable through this config.
  proxy.Signal(SIGKILL);
  proxy.Wait(std::chrono::seconds(5));
  auto config2 = kubeclient::LoadKubeconfigFile(bed.Cluster("source").kubeconfig, "");
  config2->proxy_url = "http://127.0.0.1:" + std::to_string(port);
  auto offline = kubeclient::RestClient::Create(std::move(config2).value(), RealClock::Get(),
                                                {.max_retries = 0});
  ASSERT_TRUE(offline.ok());
  auto r = (*offline)->Send({.path = "/version"});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code(), ErrorCode::kUnavailable);
}

}  // namespace
}  // namespace drs::testing
