#pragma once
// TempDir: a fresh directory under $TMPDIR (or /tmp) for one test, removed
// with everything in it when the object dies. Test-only; header-only so any
// folder's tests can use it without a library of their own.
//
// Thread-safety: not thread-safe; one test owns it.

#include <sys/stat.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <system_error>

namespace drs::test {

class TempDir {
 public:
  TempDir() {
    const char* base = std::getenv("TMPDIR");
    std::string pattern = std::string(base != nullptr && *base != '\0' ? base : "/tmp");
    pattern += "/drs-test-XXXXXX";
    if (mkdtemp(pattern.data()) != nullptr) path_ = pattern;
  }
  ~TempDir() {
    std::error_code ignored;
    if (!path_.empty()) std::filesystem::remove_all(path_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  // Empty when the directory could not be made; tests ASSERT on ok().
  bool ok() const { return !path_.empty(); }
  const std::string& path() const { return path_; }
  std::string Join(const std::string& name) const { return path_ + "/" + name; }

  // Writes `contents` to path()/name (truncating) and returns the full path.
  std::string WriteFile(const std::string& name, const std::string& contents,
                        mode_t mode = 0600) const {
    const std::string full = Join(name);
    {
      std::ofstream out(full, std::ios::binary | std::ios::trunc);
      out << contents;
    }
    ::chmod(full.c_str(), mode);
    return full;
  }

  // Reads path()/name whole; empty if it does not exist.
  std::string ReadFile(const std::string& name) const {
    std::ifstream in(Join(name), std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }

 private:
  std::string path_;
};

}  // namespace drs::test
