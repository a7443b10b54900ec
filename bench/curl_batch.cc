#include "curl_batch.h"

#include <chrono>
#include <fstream>
#include <sstream>

#include "base/subprocess.h"
#include "bench_support.h"

namespace drs::bench {
namespace {

constexpr auto kCurlTimeout = std::chrono::minutes(5);
constexpr int kOk = 200;
constexpr int kCreated = 201;

}  // namespace

CurlBatch::CurlBatch(std::filesystem::path dir, CurlIdentity identity)
    : dir_(std::move(dir)), identity_(std::move(identity)) {
  std::filesystem::create_directories(dir_);
}

CurlBatch::~CurlBatch() {
  std::error_code ignored;
  std::filesystem::remove_all(dir_, ignored);
}

void CurlBatch::Add(const std::string& method, const std::string& url,
                    const std::string& content_type, const nlohmann::json& body) {
  const auto body_file = dir_ / ("body-" + std::to_string(count_++) + ".json");
  std::ofstream(body_file) << body.dump();
  std::ostringstream c;
  if (!config_.empty()) {
    c << "next\n";  // options below apply to the next URL only
  }
  c << "url = \"" << url << "\"\nrequest = \"" << method << "\"\n"
    << "data-binary = \"@" << body_file.string() << "\"\n"
    << "header = \"Content-Type: " << content_type << "\"\n"
    << "cacert = \"" << identity_.ca << "\"\ncert = \"" << identity_.cert << "\"\n"
    << "key = \"" << identity_.key << "\"\n"
    << "output = \"/dev/null\"\nsilent\nwrite-out = \"%{http_code}\\n\"\n";
  config_ += c.str();
}

Result<double> CurlBatch::Run(const std::string& curl, int parallel) {
  const auto config = dir_ / "requests.curlrc";
  std::ofstream(config) << config_;
  ProcessSpec spec{.argv = {curl, "--silent", "--parallel", "--parallel-max",
                            std::to_string(parallel), "--config", config.string()},
                   .timeout = kCurlTimeout};
  const auto start = std::chrono::steady_clock::now();
  DRS_ASSIGN_OR_RETURN(auto result, RunProcess(spec, {}));
  const double seconds = Since(start).count();
  if (!result.Succeeded()) {
    return InternalError("curl failed: " + result.stderr_data);
  }
  std::istringstream codes(result.stdout_data);
  std::size_t ok = 0;
  for (int code = 0; codes >> code; ++ok) {
    if (code != kOk && code != kCreated) {
      return InternalError("curl got HTTP " + std::to_string(code));
    }
  }
  if (ok != count_) {
    return InternalError("curl made " + std::to_string(ok) + " of " + std::to_string(count_) +
                         " requests");
  }
  return seconds;
}

}  // namespace drs::bench
