#include "test_env.h"

#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

namespace sluice::testing {

namespace fs = std::filesystem;

namespace {
std::string EnvOr(const char* name, const char* def) {
  const char* e = std::getenv(name);
  return e && *e ? e : def;
}

// Every test process sees the same plugin search path and knows the test plugin directory,
// whether it runs under ctest or by hand.
struct EnvironmentSetup {
  EnvironmentSetup() {
    setenv("SLUICE_PLUGIN_PATH", EnvOr("SLUICE_PLUGIN_PATH", SLUICE_TEST_PLUGIN_PATH).c_str(), 1);
    setenv("SLUICE_TEST_PLUGIN_DIR", EnvOr("SLUICE_TEST_PLUGIN_DIR", SLUICE_TEST_PLUGIN_DIR).c_str(), 1);
    setenv("SLUICE_SHARED_DIR", EnvOr("SLUICE_SHARED_DIR", SLUICE_TEST_SHARED_DIR).c_str(), 1);
    setenv("SLUICE_BIN", EnvOr("SLUICE_BIN", SLUICE_TEST_BIN).c_str(), 1);
    setenv("SLUICE_SOURCE_DIR", EnvOr("SLUICE_SOURCE_DIR", SLUICE_TEST_SOURCE_DIR).c_str(), 1);
  }
} g_environment_setup;
}  // namespace

std::string SharedDir() {
  std::string d = EnvOr("SLUICE_SHARED_DIR", SLUICE_TEST_SHARED_DIR);
  std::error_code ec;
  return fs::is_directory(d, ec) ? fs::weakly_canonical(d, ec).string() : "";
}

std::string SluiceBin() { return EnvOr("SLUICE_BIN", SLUICE_TEST_BIN); }

std::string SourceDir() { return EnvOr("SLUICE_SOURCE_DIR", SLUICE_TEST_SOURCE_DIR); }

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buf;
  buf << in.rdbuf();
  return buf.str();
}

void WriteFile(const std::string& path, const std::string& content) {
  fs::create_directories(fs::path(path).parent_path());
  std::ofstream out(path, std::ios::binary);
  out << content;
}

TempDir::TempDir() {
  std::string base = fs::temp_directory_path().string() + "/sluice-test-XXXXXX";
  std::vector<char> buf(base.begin(), base.end());
  buf.push_back('\0');
  if (!mkdtemp(buf.data())) std::abort();
  path_ = buf.data();
}

TempDir::~TempDir() {
  std::error_code ec;
  if (!std::getenv("SLUICE_KEEP_TEST_DIRS")) fs::remove_all(path_, ec);
}

ChildProcess::~ChildProcess() {
  if (pid_ > 0 && !reaped_) {
    ::kill(pid_, SIGKILL);
    waitpid(pid_, &status_, 0);
  }
  if (own_log_ && !log_path_.empty() && !std::getenv("SLUICE_KEEP_TEST_DIRS")) ::unlink(log_path_.c_str());
}

bool ChildProcess::Start(const std::vector<std::string>& argv, const std::map<std::string, std::string>& env,
                         const std::string& log_path, const std::string& cwd) {
  if (pid_ > 0 && !reaped_) {
    ::kill(pid_, SIGKILL);
    waitpid(pid_, &status_, 0);
  }
  reaped_ = false;
  status_ = -1;
  if (log_path.empty()) {
    char tmpl[] = "/tmp/sluice-child-XXXXXX";
    int fd = mkstemp(tmpl);
    if (fd < 0) return false;
    close(fd);
    log_path_ = tmpl;
    own_log_ = true;
  } else {
    log_path_ = log_path;
  }
  pid_ = fork();
  if (pid_ < 0) return false;
  if (pid_ == 0) {
    setpgid(0, 0);
    int fd = open(log_path_.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    if (fd >= 0) {
      dup2(fd, 1);
      dup2(fd, 2);
      close(fd);
    }
    int devnull = open("/dev/null", O_RDONLY);
    if (devnull >= 0) dup2(devnull, 0);
    for (const auto& [k, v] : env) setenv(k.c_str(), v.c_str(), 1);
    if (!cwd.empty() && chdir(cwd.c_str()) != 0) _exit(126);
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    execvp(args[0], args.data());
    fprintf(stderr, "exec %s: %s\n", args[0], strerror(errno));
    _exit(127);
  }
  return true;
}

bool ChildProcess::Running() {
  if (pid_ <= 0 || reaped_) return false;
  pid_t r = waitpid(pid_, &status_, WNOHANG);
  if (r == pid_) {
    reaped_ = true;
    return false;
  }
  return true;
}

void ChildProcess::Signal(int sig) {
  if (pid_ > 0 && !reaped_) ::kill(pid_, sig);
}

int ChildProcess::Wait(std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!reaped_) {
    pid_t r = waitpid(pid_, &status_, WNOHANG);
    if (r == pid_) {
      reaped_ = true;
      break;
    }
    if (std::chrono::steady_clock::now() > deadline) return -1;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  if (WIFEXITED(status_)) return WEXITSTATUS(status_);
  if (WIFSIGNALED(status_)) return 128 + WTERMSIG(status_);
  return -1;
}

std::string ChildProcess::Output() const { return ReadFile(log_path_); }

int RunCommand(const std::vector<std::string>& argv, std::string* output, std::chrono::milliseconds timeout,
               const std::string& stdin_data, const std::map<std::string, std::string>& env) {
  char out_tmpl[] = "/tmp/sluice-cmd-XXXXXX";
  int out_fd = mkstemp(out_tmpl);
  if (out_fd < 0) return -1;
  std::string in_path;
  if (!stdin_data.empty()) {
    char in_tmpl[] = "/tmp/sluice-in-XXXXXX";
    int in_fd = mkstemp(in_tmpl);
    if (in_fd < 0) return -1;
    if (write(in_fd, stdin_data.data(), stdin_data.size()) != static_cast<ssize_t>(stdin_data.size())) return -1;
    close(in_fd);
    in_path = in_tmpl;
  }
  pid_t pid = fork();
  if (pid == 0) {
    dup2(out_fd, 1);
    dup2(out_fd, 2);
    int in = open(in_path.empty() ? "/dev/null" : in_path.c_str(), O_RDONLY);
    if (in >= 0) dup2(in, 0);
    for (const auto& [k, v] : env) setenv(k.c_str(), v.c_str(), 1);
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    execvp(args[0], args.data());
    _exit(127);
  }
  close(out_fd);
  int status = 0;
  auto deadline = std::chrono::steady_clock::now() + timeout;
  int rc = -1;
  while (true) {
    pid_t r = waitpid(pid, &status, WNOHANG);
    if (r == pid) {
      rc = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
      break;
    }
    if (std::chrono::steady_clock::now() > deadline) {
      kill(pid, SIGKILL);
      waitpid(pid, &status, 0);
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  if (output) *output = ReadFile(out_tmpl);
  unlink(out_tmpl);
  if (!in_path.empty()) unlink(in_path.c_str());
  return rc;
}

int FreeTcpPort() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  socklen_t len = sizeof addr;
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  int port = ntohs(addr.sin_port);
  close(fd);
  return port;
}

bool WaitFor(const std::function<bool()>& cond, std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (cond()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return cond();
}

}  // namespace sluice::testing
