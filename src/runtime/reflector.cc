#include "runtime/reflector.h"

#include <random>
#include <unordered_map>

#include "base/logging.h"
#include "kube/object.h"
#include "runtime/key_func.h"

namespace drs::runtime {
namespace {

using kubeclient::WatchEventType;

bool Transient(ErrorCode code) {
  return code == ErrorCode::kUnavailable || code == ErrorCode::kDeadlineExceeded ||
         code == ErrorCode::kResourceExhausted || code == ErrorCode::kInternal;
}

}  // namespace

ReflectorStep NextStepAfterWatch(const Result<kubeclient::WatchEnd>& outcome, bool has_version) {
  if (outcome.ok()) return has_version ? ReflectorStep::kWatch : ReflectorStep::kList;
  const ErrorCode code = outcome.error().code();
  if (code == ErrorCode::kCancelled) return ReflectorStep::kStop;
  // The version we would resume from is gone: only a fresh list is correct.
  if (code == ErrorCode::kGone) return ReflectorStep::kList;
  if (Transient(code) && has_version) return ReflectorStep::kBackoffWatch;
  return ReflectorStep::kBackoffList;
}

ReflectorStep NextStepAfterList(const Status& outcome) {
  if (outcome.ok()) return ReflectorStep::kWatch;
  if (outcome.error().code() == ErrorCode::kCancelled) return ReflectorStep::kStop;
  return ReflectorStep::kBackoffList;
}

Reflector::Reflector(kubeclient::DynamicClient& client, Store& store, Clock& clock,
                     ReflectorOptions options, EventHandlers handlers)
    : client_(client),
      store_(store),
      clock_(clock),
      options_(std::move(options)),
      handlers_(std::move(handlers)),
      backoff_(options_.backoff) {}

std::string Reflector::LastError() const {
  std::lock_guard lock(error_mu_);
  return last_error_;
}

void Reflector::SetError(std::string message) {
  std::lock_guard lock(error_mu_);
  last_error_ = std::move(message);
}

void Reflector::Run(std::stop_token stop) {
  auto log = GetLogger("reflector");
  const std::string what = kubeclient::Describe(options_.gvr, options_.ns, "");
  std::mt19937_64 rng{std::random_device{}()};
  std::uint32_t failures = 0;
  ReflectorStep step = ReflectorStep::kList;
  while (!stop.stop_requested() && step != ReflectorStep::kStop) {
    switch (step) {
      case ReflectorStep::kList: {
        const Status listed = List(stop);
        step = NextStepAfterList(listed);
        if (listed.ok()) {
          failures = 0;
          SetError("");
        } else if (step != ReflectorStep::kStop) {
          ++failures;
          SetError(listed.error().ToString());
          log->warn(
              Fields("list failed", {{"resource", what}, {"error", listed.error().ToString()}}));
        }
        break;
      }
      case ReflectorStep::kWatch: {
        saw_event_ = false;
        const auto watched = WatchOnce(stop);
        if (saw_event_) failures = 0;  // the watch worked for a while: start backoff afresh
        step = NextStepAfterWatch(watched, !resource_version_.empty());
        if (!watched.ok() && step != ReflectorStep::kStop) {
          ++stats_.watch_errors;
          if (watched.error().code() == ErrorCode::kGone) {
            ++stats_.relists_after_gone;
            log->info(Fields("resourceVersion expired; relisting",
                             {{"resource", what}, {"resourceVersion", resource_version_}}));
          } else {
            ++failures;
            SetError(watched.error().ToString());
            log->warn(Fields("watch failed", {{"resource", what},
                                              {"error", watched.error().ToString()},
                                              {"attempt", std::to_string(failures)}}));
          }
        }
        break;
      }
      case ReflectorStep::kBackoffWatch:
      case ReflectorStep::kBackoffList: {
        const auto delay = backoff_.Delay(failures > 0 ? failures - 1 : 0, rng);
        if (!clock_.SleepFor(std::chrono::duration_cast<Clock::Duration>(delay), stop)) return;
        step = step == ReflectorStep::kBackoffWatch ? ReflectorStep::kWatch : ReflectorStep::kList;
        break;
      }
      case ReflectorStep::kStop:
        break;
    }
  }
}

Status Reflector::List(std::stop_token stop) {
  ++stats_.lists;
  std::vector<ObjectPtr> items;
  const kubeclient::ListOptions opts{.label_selector = options_.label_selector,
                                     .field_selector = options_.field_selector,
                                     .limit = options_.page_size,
                                     .drop_managed_fields = options_.drop_managed_fields};
  // Items of a list carry no kind/apiVersion on the wire; consumers (events,
  // transforms) need whole objects, so they are filled in here.
  const std::string api_version = options_.gvr.group.empty()
                                      ? options_.gvr.version
                                      : options_.gvr.group + "/" + options_.gvr.version;
  auto rv = client_.ListPages(
      options_.gvr, options_.ns, opts,
      [&](kubeclient::ObjectList&& page, bool restarted) {
        if (restarted) items.clear();
        const std::string kind =
            page.kind.ends_with("List") ? page.kind.substr(0, page.kind.size() - 4) : page.kind;
        for (auto& item : page.items) {
          if (!item.contains("kind") && !kind.empty()) item["kind"] = kind;
          if (!item.contains("apiVersion")) item["apiVersion"] = api_version;
          if (options_.transform) options_.transform(item);
          items.push_back(std::make_shared<const nlohmann::json>(std::move(item)));
        }
        return OkStatus();
      },
      stop);
  if (!rv.ok()) return std::move(rv).error();

  std::unordered_map<std::string, ObjectPtr> before;
  for (auto& obj : store_.List()) {
    auto key = MetaNamespaceKeyFunc(*obj);
    if (key.ok()) before.emplace(std::move(key).value(), std::move(obj));
  }
  const bool initial = !synced_;
  DRS_RETURN_IF_ERROR(store_.Replace(items, *rv));
  resource_version_ = *rv;
  synced_ = true;
  // Tell the handlers what the list changed: new objects, changed ones, and
  // objects deleted while we were not watching.
  for (const auto& obj : items) {
    auto key = MetaNamespaceKeyFunc(*obj);
    if (!key.ok()) continue;
    auto it = before.find(*key);
    if (it == before.end()) {
      if (handlers_.on_add) handlers_.on_add(obj, initial);
    } else {
      if (kube::ResourceVersion(*it->second) != kube::ResourceVersion(*obj) &&
          handlers_.on_update) {
        handlers_.on_update(it->second, obj);
      }
      before.erase(it);
    }
  }
  for (const auto& [key, gone] : before) {
    if (handlers_.on_delete) handlers_.on_delete(gone);
  }
  return OkStatus();
}

Result<kubeclient::WatchEnd> Reflector::WatchOnce(std::stop_token stop) {
  ++stats_.watches;
  kubeclient::WatchOptions opts = options_.watch;
  opts.resource_version = resource_version_;
  opts.label_selector = options_.label_selector;
  opts.field_selector = options_.field_selector;
  opts.allow_bookmarks = true;
  opts.drop_managed_fields = options_.drop_managed_fields;
  return kubeclient::Watch(
      client_.rest(), options_.gvr, options_.ns, opts,
      [&](kubeclient::WatchEvent&& event) {
        saw_event_ = true;
        Apply(std::move(event));
        return true;
      },
      std::move(stop));
}

void Reflector::Apply(kubeclient::WatchEvent&& event) {
  ++stats_.events;
  const std::string rv = kube::ResourceVersion(event.object);
  if (event.type == WatchEventType::kBookmark) {
    if (!rv.empty()) {
      resource_version_ = rv;
      store_.SetResourceVersion(rv);
    }
    return;
  }
  if (options_.transform) options_.transform(event.object);
  auto obj = std::make_shared<const nlohmann::json>(std::move(event.object));
  if (event.type == WatchEventType::kDeleted) {
    auto key = MetaNamespaceKeyFunc(*obj);
    if (key.ok()) {
      (void)store_.Delete(*key);
      // The event carries the object's final state: hand that on.
      if (handlers_.on_delete) handlers_.on_delete(obj);
    }
  } else {
    auto old = store_.Update(obj);
    if (old.ok()) {
      if (*old) {
        if (handlers_.on_update) handlers_.on_update(*old, obj);
      } else if (handlers_.on_add) {
        handlers_.on_add(obj, false);
      }
    }
  }
  if (!rv.empty()) {
    resource_version_ = rv;
    store_.SetResourceVersion(rv);
  }
}

}  // namespace drs::runtime
