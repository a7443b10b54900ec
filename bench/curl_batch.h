#pragma once
// CurlBatch: the plain parallel client of the object-sync benchmark. A
// list of requests with their bodies is written to files and one curl
// config before anything is timed; Run() then sends them all from one
// `curl --parallel --parallel-max N` process (HTTP/2 streams over one
// connection, as write_bench's baseline) and checks every reply's status.
//
// Thread-safety: not thread-safe; one batch per thread.

#include <cstddef>
#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "base/result.h"

namespace drs::bench {

// Who curl is: a client certificate and the server's CA.
struct CurlIdentity {
  std::string ca;
  std::string cert;
  std::string key;
};

class CurlBatch {
 public:
  // REQUIRES: `dir` may be created and is not used by anything else.
  CurlBatch(std::filesystem::path dir, CurlIdentity identity);
  ~CurlBatch();
  CurlBatch(const CurlBatch&) = delete;
  CurlBatch& operator=(const CurlBatch&) = delete;

  // Adds a request: METHOD url with `body` as `content_type`.
  void Add(const std::string& method, const std::string& url, const std::string& content_type,
           const nlohmann::json& body);
  std::size_t size() const { return count_; }

  // Sends every request with at most `parallel` in flight; returns the wall
  // seconds of the curl process. Fails unless each reply is 200 or 201.
  Result<double> Run(const std::string& curl, int parallel);

 private:
  std::filesystem::path dir_;
  CurlIdentity identity_;
  std::string config_;  // the curl config, built by Add
  std::size_t count_ = 0;
};

}  // namespace drs::bench
