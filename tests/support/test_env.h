// Test helpers: where the shared evaluation data and the sluice binary are, temporary
// directories, child processes, free ports. Used by unit, integration and e2e tests alike.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <functional>
#include <map>
#include <string>
#include <vector>

namespace sluice::testing {

// ../shared beside the repository (or $SLUICE_SHARED_DIR); "" when absent.
std::string SharedDir();
// The `sluice` executable under test ($SLUICE_BIN).
std::string SluiceBin();
// The repository root ($SLUICE_SOURCE_DIR).
std::string SourceDir();

std::string ReadFile(const std::string& path);
void WriteFile(const std::string& path, const std::string& content);

// A fresh directory under $TMPDIR, removed with everything in it on destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }
  std::string File(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

// A child process with stdout and stderr captured to files (read them with Output()).
class ChildProcess {
 public:
  ChildProcess() = default;
  ~ChildProcess();  // SIGKILLs a child still running
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  // Starts argv[0] (searched in PATH when it has no '/') with extra environment variables.
  // Output goes to `log_path` (stdout and stderr together); "" means a temporary file.
  bool Start(const std::vector<std::string>& argv, const std::map<std::string, std::string>& env = {},
             const std::string& log_path = "", const std::string& cwd = "");
  pid_t pid() const { return pid_; }
  bool Running();
  void Signal(int sig);
  // Waits for exit; returns the exit code, 128+signal when killed, or -1 on timeout.
  int Wait(std::chrono::milliseconds timeout);
  std::string Output() const;
  const std::string& log_path() const { return log_path_; }

 private:
  pid_t pid_ = -1;
  int status_ = -1;
  bool reaped_ = false;
  std::string log_path_;
  bool own_log_ = false;
};

// Runs a command to completion; returns its exit code and fills `output` (stdout+stderr).
int RunCommand(const std::vector<std::string>& argv, std::string* output,
               std::chrono::milliseconds timeout = std::chrono::seconds(120),
               const std::string& stdin_data = "", const std::map<std::string, std::string>& env = {});

// A TCP port on 127.0.0.1 that was free a moment ago.
int FreeTcpPort();

// Polls `cond` every 20 ms until it holds or `timeout` passes; returns whether it held.
bool WaitFor(const std::function<bool()>& cond, std::chrono::milliseconds timeout);

}  // namespace sluice::testing
