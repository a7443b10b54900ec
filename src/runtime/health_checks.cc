#include "runtime/health_checks.h"

#include <algorithm>
#include <utility>

#include "base/logging.h"

namespace drs::runtime {

namespace {
constexpr int kHttpOk = 200;
constexpr int kHttpInternalServerError = 500;
}  // namespace

void HealthChecks::Add(const std::string& name, HealthCheckFn check) {
  std::lock_guard lock(mu_);
  auto it = std::find_if(entries_.begin(), entries_.end(),
                         [&](const Entry& e) { return e.name == name; });
  if (it != entries_.end()) {
    it->check = std::move(check);
    return;
  }
  entries_.push_back({.name = name, .check = std::move(check)});
}

HealthResponse HealthChecks::Run(bool verbose, const std::set<std::string>& excluded) {
  std::vector<std::pair<std::string, HealthCheckFn>> checks;
  {
    std::lock_guard lock(mu_);
    for (const auto& entry : entries_) {
      checks.emplace_back(entry.name, entry.check);
    }
  }
  std::string listing;
  bool all_ok = true;
  std::vector<std::pair<std::string, Status>> results;
  for (const auto& [name, check] : checks) {
    if (excluded.contains(name)) {
      listing += "[+]" + name + " excluded: ok\n";
      continue;
    }
    Status status = check ? check() : OkStatus();
    if (status.ok()) {
      listing += "[+]" + name + " ok\n";
    } else {
      all_ok = false;
      listing += "[-]" + name + " failed: reason withheld\n";
    }
    results.emplace_back(name, std::move(status));
  }
  LogTransitions(results);
  if (all_ok && !verbose) {
    return {.status = kHttpOk, .body = "ok"};
  }
  listing += endpoint_ + (all_ok ? " check passed\n" : " check failed\n");
  return {.status = all_ok ? kHttpOk : kHttpInternalServerError, .body = std::move(listing)};
}

void HealthChecks::LogTransitions(const std::vector<std::pair<std::string, Status>>& results) {
  static const auto log = GetLogger("health");
  std::lock_guard lock(mu_);
  for (const auto& [name, status] : results) {
    auto it = std::find_if(entries_.begin(), entries_.end(),
                           [&](const Entry& e) { return e.name == name; });
    if (it == entries_.end() || it->last_ok == status.ok()) {
      continue;
    }
    it->last_ok = status.ok();
    if (status.ok()) {
      log->info(Fields("health check recovered", {{"endpoint", endpoint_}, {"check", name}}));
    } else {
      log->warn(
          Fields("health check failing",
                 {{"endpoint", endpoint_}, {"check", name}, {"error", status.error().ToString()}}));
    }
  }
}

}  // namespace drs::runtime
