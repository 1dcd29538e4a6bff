// FileWatch: notices when a file (a model, a rules file) is replaced or edited, cheaply enough to
// ask on every document.
//
// A file's identity is (device, inode, size, mtime with nanoseconds); any change — an editor
// rewriting it in place, `sluice train -o` renaming a new model over it — changes the stamp. Poll
// stats the file at most once per interval, so a classifier can call it per document; the
// classifier then reloads and keeps its old state when the new file does not load.
//
// Thread safety: none; one FileWatch per plugin instance (instances are single-threaded).
#pragma once

#include <sys/stat.h>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>

namespace sluice::linear {

struct FileStamp {
  bool exists = false;
  uint64_t dev = 0, ino = 0, size = 0;
  int64_t mtime_ns = 0;
  bool operator==(const FileStamp&) const = default;

  static FileStamp Of(const std::string& path) {
    struct stat st;
    FileStamp s;
    if (::stat(path.c_str(), &st) != 0) return s;
    s.exists = true;
    s.dev = uint64_t(st.st_dev);
    s.ino = uint64_t(st.st_ino);
    s.size = uint64_t(st.st_size);
    s.mtime_ns = int64_t(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec;
    return s;
  }
};

class FileWatch {
 public:
  FileWatch() = default;
  // `interval` ≤ 0 disables polling (Poll always returns false).
  FileWatch(std::string path, std::chrono::milliseconds interval)
      : path_(std::move(path)), interval_(interval), stamp_(FileStamp::Of(path_)) {}

  // Records `stamp` as the version now in use (take it before reading the file, so a change
  // made during the read is noticed next time).
  void Accept(const FileStamp& stamp) { stamp_ = stamp; }

  // True when the interval has passed since the last check and the file's stamp differs from
  // the accepted one; *now receives the new stamp. A file that disappears is not a change (a
  // deploy may be replacing it); its return is.
  bool Poll(FileStamp* now) {
    if (interval_.count() <= 0) return false;
    auto t = std::chrono::steady_clock::now();
    if (t - last_ < interval_) return false;
    last_ = t;
    FileStamp s = FileStamp::Of(path_);
    if (!s.exists || s == stamp_) return false;
    *now = s;
    return true;
  }

  const std::string& path() const { return path_; }

 private:
  std::string path_;
  std::chrono::milliseconds interval_{0};
  std::chrono::steady_clock::time_point last_{};
  FileStamp stamp_;
};

// Parses a plugin's `reload_check` value: "2s", "500ms", "1m" or a number of seconds; "0" turns
// reloading off. Throws std::runtime_error (a plugin's way to refuse its config) on anything else.
inline std::chrono::milliseconds ParseReloadInterval(const std::string& text) {
  size_t used = 0;
  double v = -1;
  try {
    v = std::stod(text, &used);
  } catch (...) {
  }
  const std::string unit = v >= 0 ? text.substr(used) : "?";
  if (unit.empty() || unit == "s") return std::chrono::milliseconds(int64_t(v * 1000));
  if (unit == "ms") return std::chrono::milliseconds(int64_t(v));
  if (unit == "m") return std::chrono::milliseconds(int64_t(v * 60000));
  throw std::runtime_error("reload_check: expected a duration such as 2s or 500ms, got '" + text + "'");
}

// A value loaded from one file (a model) and replaced when the file changes: `load` runs on the
// new file and its result replaces the old value only when it succeeds; a file that does not load
// is reported once on stderr (tagged `what`) and the old value stays.
template <class T>
class ReloadingFile {
 public:
  using Loader = std::function<std::unique_ptr<T>(const std::string& path, std::string* error)>;

  // Loads the file now; throws std::runtime_error with the loader's message when it fails.
  ReloadingFile(std::string path, std::chrono::milliseconds interval, Loader load, std::string what)
      : watch_(path, interval), load_(std::move(load)), what_(std::move(what)) {
    FileStamp stamp = FileStamp::Of(watch_.path());
    std::string error;
    value_ = load_(watch_.path(), &error);
    if (!value_) throw std::runtime_error(error);
    watch_.Accept(stamp);
  }

  // The current value, after reloading it if its file changed.
  T& Get() {
    FileStamp now;
    if (watch_.Poll(&now)) {
      watch_.Accept(now);
      std::string error;
      if (auto fresh = load_(watch_.path(), &error)) value_ = std::move(fresh);
      else std::fprintf(stderr, "%s: keeping the previous version: %s\n", what_.c_str(), error.c_str());
    }
    return *value_;
  }

 private:
  FileWatch watch_;
  Loader load_;
  std::string what_;
  std::unique_ptr<T> value_;
};

}  // namespace sluice::linear
