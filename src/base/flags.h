#pragma once
// FlagSet: command-line flags in the usual controller style. Each flag is
// `--name=value` or `--name value` (booleans also bare `--name` and
// `--name=false`), and can also be set by an environment variable — by
// default DRS_ + the name upper-cased with '-' as '_' (`--log-level` <-
// DRS_LOG_LEVEL). Precedence: command line, then environment, then default.
//
// Thread-safety: not thread-safe; parse once at start-up.

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "base/go_duration.h"
#include "base/result.h"

namespace drs {

class FlagSet {
 public:
  explicit FlagSet(std::string program) : program_(std::move(program)) {}

  // Each registers a flag bound to `*target`, which holds the default.
  void String(const std::string& name, std::string* target, std::string help);
  void Bool(const std::string& name, bool* target, std::string help);
  void Int(const std::string& name, std::int64_t* target, std::string help);
  void Double(const std::string& name, double* target, std::string help);
  // Go duration syntax: "15s", "1m30s", "250ms".
  void Duration(const std::string& name, std::chrono::milliseconds* target, std::string help);

  // Parses argv (argv[0] skipped) and the environment (`getenv`, injectable
  // for tests). Unknown flags and bad values are errors naming the flag.
  // Positional arguments are returned.
  Result<std::vector<std::string>> Parse(
      int argc, const char* const* argv,
      const std::function<const char*(const char*)>& getenv = nullptr);

  std::string Usage() const;
  static std::string EnvName(const std::string& flag);

 private:
  struct Flag {
    std::string help;
    std::string default_text;
    bool is_bool = false;
    std::function<Status(const std::string&)> set;
  };
  void Add(const std::string& name, Flag flag);

  std::string program_;
  std::map<std::string, Flag> flags_;
};

}  // namespace drs
