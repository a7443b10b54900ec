#pragma once
// Plain HTTP request and response values passed between the REST client and
// the transport. Header names in responses are lower-cased.
//
// Thread-safety: value types.

#include <chrono>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace drs::kubeclient {

struct HttpRequest {
  std::string method = "GET";
  std::string url;  // absolute: server + path + query
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  // Whole-request timeout; zero = none (watches, which use idle_timeout).
  std::chrono::milliseconds timeout{0};
  // A stream that delivers no byte for this long is considered stalled and
  // aborted; zero = no idle limit.
  std::chrono::milliseconds idle_timeout{0};
};

struct HttpResponse {
  long status = 0;
  int http_major_version = 0;  // 1 or 2: what the connection negotiated
  std::map<std::string, std::string> headers;
  std::string body;

  const std::string* Header(const std::string& lower_name) const {
    auto it = headers.find(lower_name);
    return it == headers.end() ? nullptr : &it->second;
  }
};

}  // namespace drs::kubeclient
