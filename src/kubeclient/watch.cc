#include "kubeclient/watch.h"

#include "kube/api_error.h"
#include "kubeclient/json_decode.h"

namespace drs::kubeclient {
namespace {

using nlohmann::json;

std::optional<WatchEventType> ParseType(std::string_view t) {
  if (t == "ADDED") return WatchEventType::kAdded;
  if (t == "MODIFIED") return WatchEventType::kModified;
  if (t == "DELETED") return WatchEventType::kDeleted;
  if (t == "BOOKMARK") return WatchEventType::kBookmark;
  if (t == "ERROR") return WatchEventType::kError;
  return std::nullopt;
}

}  // namespace

std::string_view WatchEventTypeName(WatchEventType type) {
  switch (type) {
    case WatchEventType::kAdded:
      return "ADDED";
    case WatchEventType::kModified:
      return "MODIFIED";
    case WatchEventType::kDeleted:
      return "DELETED";
    case WatchEventType::kBookmark:
      return "BOOKMARK";
    case WatchEventType::kError:
      return "ERROR";
  }
  return "UNKNOWN";
}

Result<std::vector<WatchEvent>> WatchDecoder::Feed(std::string_view chunk) {
  buffer_.append(chunk);
  std::vector<WatchEvent> events;
  std::size_t start = 0;
  for (std::size_t nl = buffer_.find('\n'); nl != std::string::npos;
       nl = buffer_.find('\n', start)) {
    std::string_view line(buffer_.data() + start, nl - start);
    start = nl + 1;
    if (line.find_first_not_of(" \t\r") == std::string_view::npos) continue;
    auto doc = ParseResponseJson(line, ObjectDepth::kWatchEvent, drop_managed_fields_);
    if (doc.is_discarded() || !doc.is_object()) {
      return InternalError("watch stream: an event is not a JSON object");
    }
    const auto type = ParseType(doc.value("type", ""));
    if (!type) {
      return InternalError("watch stream: unknown event type '" + doc.value("type", "") + "'");
    }
    auto object = doc.find("object");
    if (object == doc.end() || !object->is_object()) {
      return InternalError("watch stream: a " + std::string(WatchEventTypeName(*type)) +
                           " event has no object");
    }
    events.push_back({*type, std::move(*object)});
  }
  buffer_.erase(0, start);
  if (buffer_.size() > kMaxEventBytes) {
    return ResourceExhaustedError("watch stream: an event exceeds " +
                                  std::to_string(kMaxEventBytes) + " bytes");
  }
  return events;
}

Result<WatchEnd> Watch(RestClient& client, const Gvr& gvr, std::string_view ns,
                       const WatchOptions& options, const WatchHandler& handler,
                       std::stop_token stop) {
  const std::string what = "watching " + Describe(gvr, ns, "");
  auto path = kube::ResourcePath(gvr, ns);
  if (!path.ok()) return std::move(path).error().WithContext(what);
  RestRequest req{
      .path = *path, .timeout = std::chrono::milliseconds(0), .idle_timeout = options.idle_timeout};
  req.query.emplace_back("watch", "true");
  if (!options.resource_version.empty()) {
    req.query.emplace_back("resourceVersion", options.resource_version);
  }
  if (options.allow_bookmarks) req.query.emplace_back("allowWatchBookmarks", "true");
  if (!options.label_selector.empty())
    req.query.emplace_back("labelSelector", options.label_selector);
  if (!options.field_selector.empty())
    req.query.emplace_back("fieldSelector", options.field_selector);
  req.query.emplace_back("timeoutSeconds", std::to_string(options.timeout.count()));

  WatchDecoder decoder(options.drop_managed_fields);
  std::optional<Error> failure;
  bool handler_stopped = false;
  const DataCallback on_data = [&](std::string_view chunk) {
    auto events = decoder.Feed(chunk);
    if (!events.ok()) {
      failure = std::move(events).error();
      return false;
    }
    for (auto& event : *events) {
      if (event.type == WatchEventType::kError) {
        failure = kube::ErrorFromStatusObject(event.object);
        return false;
      }
      if (!handler(std::move(event))) {
        handler_stopped = true;
        return false;
      }
    }
    return true;
  };
  auto response = client.Stream(req, on_data, std::move(stop));
  if (failure) return std::move(*failure).WithContext(what);
  if (!response.ok()) return std::move(response).error().WithContext(what);
  return handler_stopped ? WatchEnd::kHandlerStopped : WatchEnd::kServerClosed;
}

}  // namespace drs::kubeclient
