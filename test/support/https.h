#pragma once
// A minimal HTTPS request helper for tests that must talk to an API server
// before (or beneath) dr-syncer's own client: one libcurl easy handle per
// call, TLS verified against a given CA, optional client certificate.

#include <string>

namespace drs::testing {

struct HttpsRequest {
  std::string method = "GET";
  std::string url;
  std::string ca_file;      // verify the server against this CA (required)
  std::string client_cert;  // PEM; empty = no client certificate
  std::string client_key;
  std::string body;
  std::string content_type = "application/json";
};

struct HttpsResponse {
  long status = 0;  // 0 when no HTTP response arrived
  std::string body;
  std::string error;  // libcurl's message when the transfer itself failed
};

HttpsResponse Send(const HttpsRequest& request);

}  // namespace drs::testing
