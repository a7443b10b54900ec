#pragma once
// Watch: one WATCH request on a resource type, decoded as it streams. The
// API server sends one JSON object per line: {"type": ..., "object": ...}.
// WatchDecoder turns bytes into events (pure, unit-tested); Watch() runs the
// request and hands each event to a handler until the server closes the
// stream (its timeoutSeconds), the handler says stop, the stream stalls
// (idle timeout: no byte, not even a bookmark, for too long), or a stop is
// requested. ERROR events end the watch with the error they carry (410 =
// kGone: the resourceVersion is too old and the caller must relist).
//
// Thread-safety: WatchDecoder is not thread-safe; Watch() is reentrant.

#include <chrono>
#include <functional>
#include <optional>
#include <stop_token>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "base/result.h"
#include "kubeclient/dynamic_client.h"

namespace drs::kubeclient {

enum class WatchEventType { kAdded, kModified, kDeleted, kBookmark, kError };
std::string_view WatchEventTypeName(WatchEventType type);

struct WatchEvent {
  WatchEventType type = WatchEventType::kAdded;
  nlohmann::json object;
};

class WatchDecoder {
 public:
  // With `drop_managed_fields`, the events' objects come without
  // metadata.managedFields (json_decode.h).
  explicit WatchDecoder(bool drop_managed_fields = false)
      : drop_managed_fields_(drop_managed_fields) {}

  // A single event larger than this is refused rather than buffered forever.
  static constexpr std::size_t kMaxEventBytes = 64UL * 1024 * 1024;

  // Appends bytes; returns the complete events they finish, in order.
  Result<std::vector<WatchEvent>> Feed(std::string_view chunk);
  std::size_t buffered() const { return buffer_.size(); }

 private:
  bool drop_managed_fields_;
  std::string buffer_;
};

struct WatchOptions {
  std::string resource_version;  // start after this version ("" = now, with no replay)
  std::string label_selector;
  std::string field_selector;
  bool allow_bookmarks = true;
  // Asks the server to end the watch after this long (client-go picks 5-10
  // minutes at random so many watches do not restart together).
  std::chrono::seconds timeout{300};
  // Bookmarks arrive about once a minute; silence well beyond that means the
  // connection is dead even if TCP has not noticed.
  std::chrono::seconds idle_timeout{150};
  // Leave the objects' metadata.managedFields out (json_decode.h).
  bool drop_managed_fields = false;
};

// Why a watch ended without an error.
enum class WatchEnd { kServerClosed, kHandlerStopped };

// Return false from the handler to end the watch.
using WatchHandler = std::function<bool(WatchEvent&& event)>;

Result<WatchEnd> Watch(RestClient& client, const Gvr& gvr, std::string_view ns,
                       const WatchOptions& options, const WatchHandler& handler,
                       std::stop_token stop = {});

}  // namespace drs::kubeclient
