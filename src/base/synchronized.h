#pragma once
// Synchronized<T>: a value and the mutex that guards it, so the value cannot
// be reached without holding the lock.
//
//   Synchronized<std::map<K, V>> m;
//   m.With([&](auto& map) { map[k] = v; });
//   auto n = m.Lock()->size();
//
// Thread-safety: thread-safe; the callback or Locked handle holds the lock.

#include <mutex>
#include <utility>

namespace drs {

template <typename T>
class Synchronized {
 public:
  Synchronized() = default;
  explicit Synchronized(T value) : value_(std::move(value)) {}

  class Locked {
   public:
    Locked(std::mutex& mu, T& value) : lock_(mu), value_(value) {}
    T* operator->() { return &value_; }
    T& operator*() { return value_; }

   private:
    std::unique_lock<std::mutex> lock_;
    T& value_;
  };

  Locked Lock() { return Locked(mu_, value_); }

  template <typename F>
  decltype(auto) With(F&& f) {
    std::lock_guard lock(mu_);
    return std::forward<F>(f)(value_);
  }

 private:
  std::mutex mu_;
  T value_;  // guarded by mu_
};

}  // namespace drs
