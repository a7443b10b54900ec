#include "base/flags.h"

#include <cctype>
#include <charconv>
#include <cstdlib>

namespace drs {
namespace {

Status BadValue(const std::string& name, const std::string& value, const std::string& why) {
  return InvalidError("flag --" + name + ": invalid value \"" + value + "\": " + why);
}

}  // namespace

std::string FlagSet::EnvName(const std::string& flag) {
  std::string env = "DRS_";
  for (char c : flag)
    env += c == '-' ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return env;
}

void FlagSet::Add(const std::string& name, Flag flag) { flags_[name] = std::move(flag); }

void FlagSet::String(const std::string& name, std::string* target, std::string help) {
  Add(name, {std::move(help), *target, false, [target](const std::string& v) {
               *target = v;
               return OkStatus();
             }});
}

void FlagSet::Bool(const std::string& name, bool* target, std::string help) {
  Add(name, {std::move(help), *target ? "true" : "false", true,
             [name, target](const std::string& v) -> Status {
               if (v == "true" || v == "1") {
                 *target = true;
               } else if (v == "false" || v == "0") {
                 *target = false;
               } else {
                 return BadValue(name, v, "want true or false");
               }
               return OkStatus();
             }});
}

void FlagSet::Int(const std::string& name, std::int64_t* target, std::string help) {
  Add(name, {std::move(help), std::to_string(*target), false,
             [name, target](const std::string& v) -> Status {
               std::int64_t parsed = 0;
               const auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), parsed);
               if (ec != std::errc() || end != v.data() + v.size()) {
                 return BadValue(name, v, "want an integer");
               }
               *target = parsed;
               return OkStatus();
             }});
}

void FlagSet::Double(const std::string& name, double* target, std::string help) {
  Add(name, {std::move(help), std::to_string(*target), false,
             [name, target](const std::string& v) -> Status {
               char* end = nullptr;
               const double parsed = std::strtod(v.c_str(), &end);
               if (v.empty() || end != v.c_str() + v.size())
                 return BadValue(name, v, "want a number");
               *target = parsed;
               return OkStatus();
             }});
}

void FlagSet::Duration(const std::string& name, std::chrono::milliseconds* target,
                       std::string help) {
  Add(name, {std::move(help), FormatGoDuration(*target), false,
             [name, target](const std::string& v) -> Status {
               auto d = ParseGoDuration(v);
               if (!d.ok()) return BadValue(name, v, d.error().message());
               if (d->count() < 0)
                 return BadValue(name, v, "negative durations make no sense here");
               *target = std::chrono::duration_cast<std::chrono::milliseconds>(*d);
               return OkStatus();
             }});
}

Result<std::vector<std::string>> FlagSet::Parse(
    int argc, const char* const* argv, const std::function<const char*(const char*)>& getenv) {
  // Environment first, so the command line overrides it.
  const auto env = getenv ? getenv : [](const char* n) -> const char* { return std::getenv(n); };
  for (auto& [name, flag] : flags_) {
    if (const char* value = env(EnvName(name).c_str()); value != nullptr) {
      if (auto st = flag.set(value); !st.ok()) {
        return std::move(st).error().WithContext("reading " + EnvName(name));
      }
    }
  }
  std::vector<std::string> positional;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--") {
      for (++i; i < argc; ++i) positional.emplace_back(argv[i]);
      break;
    }
    if (!arg.starts_with("-") || arg == "-") {
      positional.push_back(arg);
      continue;
    }
    arg.erase(0, arg.starts_with("--") ? 2 : 1);
    std::string value;
    bool has_value = false;
    if (auto eq = arg.find('='); eq != std::string::npos) {
      value = arg.substr(eq + 1);
      arg.resize(eq);
      has_value = true;
    }
    auto it = flags_.find(arg);
    if (it == flags_.end()) return InvalidError("unknown flag --" + arg + " (see --help)");
    if (!has_value) {
      if (it->second.is_bool) {
        value = "true";
      } else if (i + 1 < argc) {
        value = argv[++i];
      } else {
        return InvalidError("flag --" + arg + " needs a value");
      }
    }
    DRS_RETURN_IF_ERROR(it->second.set(value));
  }
  return positional;
}

std::string FlagSet::Usage() const {
  std::string out =
      "usage: " + program_ + " [flags]\n\nflags (each also settable as DRS_<NAME>):\n";
  for (const auto& [name, flag] : flags_) {
    out += "  --" + name + (flag.is_bool ? "" : " value") + "\n      " + flag.help +
           " (default \"" + flag.default_text + "\"; env " + EnvName(name) + ")\n";
  }
  return out;
}

}  // namespace drs
