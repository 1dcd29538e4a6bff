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

}  // namespace sluice::linear
