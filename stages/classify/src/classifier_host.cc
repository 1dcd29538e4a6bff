#include "sluice/classify/classifier_host.h"

#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <CLI/CLI.hpp>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "sluice/cli_args.h"
#include "sluice/plugin_loader.h"

extern char** environ;

namespace sluice::classify {

namespace {

namespace fs = std::filesystem;

// ---- in process -------------------------------------------------------------------------------

class InProcessHost : public ClassifierHost {
 public:
  InProcessHost(std::string name, std::unique_ptr<PluginInstance> inst) : name_(std::move(name)), inst_(std::move(inst)) {}

  Status Classify(const std::string& bytes, std::vector<v1::Label>* labels) override {
    scratch_.Clear();
    Status st = inst_->ProcessSerialized(bytes, scratch_);
    if (!st.ok()) return st;
    for (auto& l : *scratch_.mutable_labels()) labels->push_back(std::move(l));
    return Status::OK();
  }
  const std::string& name() const override { return name_; }

 private:
  std::string name_;
  std::unique_ptr<PluginInstance> inst_;
  v1::Document scratch_;
};

// ---- framing over a stream socket ---------------------------------------------------------------

// Writes all of `data`; false when the peer is gone. MSG_NOSIGNAL: a dead child must not SIGPIPE
// the stage.
bool SendAll(int fd, const void* data, size_t n) {
  const char* p = static_cast<const char*>(data);
  while (n > 0) {
    ssize_t w = ::send(fd, p, n, MSG_NOSIGNAL);
    if (w < 0 && errno == EINTR) continue;
    if (w < 0 && errno == ENOTSOCK) w = ::write(fd, p, n);
    if (w <= 0) return false;
    p += w;
    n -= size_t(w);
  }
  return true;
}

enum class ReadResult { kOk, kEof, kTimeout };

// Reads exactly n bytes, waiting at most until `deadline` (no deadline when it is max()).
ReadResult RecvAll(int fd, void* data, size_t n, std::chrono::steady_clock::time_point deadline) {
  char* p = static_cast<char*>(data);
  while (n > 0) {
    if (deadline != std::chrono::steady_clock::time_point::max()) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now()).count();
      if (left <= 0) return ReadResult::kTimeout;
      pollfd pfd{fd, POLLIN, 0};
      int rc = ::poll(&pfd, 1, int(std::min<int64_t>(left, 1 << 30)));
      if (rc < 0 && errno == EINTR) continue;
      if (rc == 0) return ReadResult::kTimeout;
    }
    ssize_t r = ::read(fd, p, n);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) return ReadResult::kEof;
    p += r;
    n -= size_t(r);
  }
  return ReadResult::kOk;
}

bool SendFrame(int fd, const std::string& payload) {
  uint32_t n = uint32_t(payload.size());
  return SendAll(fd, &n, 4) && SendAll(fd, payload.data(), payload.size());
}

bool SendReply(int fd, uint8_t code, const std::string& payload) {
  return SendAll(fd, &code, 1) && SendFrame(fd, payload);
}

constexpr uint32_t kMaxFrame = 256u << 20;

std::string DescribeExit(int status) {
  if (WIFSIGNALED(status)) {
    int sig = WTERMSIG(status);
    return std::string("killed by signal ") + std::to_string(sig) + " (" + strsignal(sig) + ")";
  }
  if (WIFEXITED(status)) return "exited with status " + std::to_string(WEXITSTATUS(status));
  return "ended";
}

// The sluice executable that can run `plugin-host`: this process when it is sluice, otherwise
// $SLUICE_BIN (test binaries host the stage without being sluice).
std::string HostBinary() {
  std::error_code ec;
  fs::path self = fs::read_symlink("/proc/self/exe", ec);
  if (!ec && self.filename() == "sluice") return self.string();
  if (const char* bin = std::getenv("SLUICE_BIN"); bin && *bin) return bin;
  return ec ? "" : self.string();
}

// ---- in a child process ---------------------------------------------------------------------

class ChildProcessHost : public ClassifierHost {
 public:
  ChildProcessHost(ClassifierSpec spec, const StageContext& ctx, std::string plugin_path, std::string name)
      : spec_(std::move(spec)), config_dir_(ctx.config_dir), data_dir_(ctx.data_dir), worker_(ctx.worker),
        plugin_path_(std::move(plugin_path)), name_(std::move(name)) {}
  ~ChildProcessHost() override { Stop(); }

  // Starts the child and waits for its plugin to accept the config.
  Status Start() {
    std::string binary = HostBinary();
    if (binary.empty()) return Status::InvalidArgument(spec_.where + ": isolation: process needs the sluice executable");
    int sv[2];
    if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0)
      return Status::IOError(std::string("socketpair: ") + std::strerror(errno));
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, sv[1], 0);
    posix_spawn_file_actions_adddup2(&fa, sv[1], 1);
    std::vector<std::string> args = {binary, "plugin-host", "--plugin", plugin_path_, "--config-dir", config_dir_,
                                     "--data-dir", data_dir_, "--worker", std::to_string(worker_)};
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    pid_t pid = -1;
    int rc = posix_spawn(&pid, binary.c_str(), &fa, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&fa);
    ::close(sv[1]);
    if (rc != 0) {
      ::close(sv[0]);
      return Status::IOError(spec_.where + ": " + binary + ": cannot start plugin host: " + std::strerror(rc));
    }
    pid_ = pid;
    fd_ = sv[0];
    const std::string yaml = spec_.config.ToYaml();
    auto deadline = std::chrono::steady_clock::now() + std::max(spec_.timeout, std::chrono::milliseconds(30000));
    uint8_t code = 0;
    std::string reply;
    if (!SendFrame(fd_, yaml) || !ReadReply(deadline, &code, &reply)) {
      std::string why = Reap();
      return Status::InvalidArgument(spec_.where + ": classifier " + name_ + " (" + plugin_path_ + "): plugin host " + why);
    }
    if (code != SLUICE_OK) {
      Stop();
      // The child saw only the YAML text; the position is the config section's in the pipeline file.
      return Status::InvalidArgument(spec_.config.Where() + ": " + reply);
    }
    return Status::OK();
  }

  Status Classify(const std::string& bytes, std::vector<v1::Label>* labels) override {
    if (fd_ < 0) {
      Status st = Start();
      if (!st.ok()) return Status::Transient("classifier " + name_ + ": cannot restart its plugin process: " + st.message());
    }
    uint8_t code = 0;
    std::string reply;
    if (!SendFrame(fd_, bytes) || !ReadReply(std::chrono::steady_clock::now() + spec_.timeout, &code, &reply)) {
      const bool timed_out = timed_out_;
      if (timed_out && pid_ > 0) ::kill(pid_, SIGKILL);
      std::string how = Reap();
      std::string why = timed_out ? "took longer than its timeout of " + std::to_string(spec_.timeout.count()) + " ms and was killed"
                                  : how;
      return Status::Transient("classifier " + name_ + ": plugin process " + why +
                               " on this document; it is restarted for the next one");
    }
    if (code == SLUICE_TRANSIENT) return Status::Transient(reply);
    if (code != SLUICE_OK) return Status::Permanent(reply);
    v1::Document out;
    if (!out.ParseFromString(reply)) return Status::Permanent("classifier " + name_ + ": plugin host sent a malformed reply");
    for (auto& l : *out.mutable_labels()) labels->push_back(std::move(l));
    return Status::OK();
  }

  const std::string& name() const override { return name_; }

 private:
  bool ReadReply(std::chrono::steady_clock::time_point deadline, uint8_t* code, std::string* payload) {
    timed_out_ = false;
    uint32_t n = 0;
    ReadResult r = RecvAll(fd_, code, 1, deadline);
    if (r == ReadResult::kOk) r = RecvAll(fd_, &n, 4, deadline);
    if (r == ReadResult::kOk && n > kMaxFrame) r = ReadResult::kEof;
    if (r == ReadResult::kOk) {
      payload->resize(n);
      r = RecvAll(fd_, payload->data(), n, deadline);
    }
    timed_out_ = r == ReadResult::kTimeout;
    return r == ReadResult::kOk;
  }

  // Kills (if needed) and reaps the child; returns how it ended.
  std::string Reap() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
    if (pid_ <= 0) return "is not running";
    int status = 0;
    // Give a crashing child a moment to finish dying, then make sure.
    for (int i = 0; i < 50; ++i) {
      pid_t r = ::waitpid(pid_, &status, WNOHANG);
      if (r == pid_) {
        pid_ = -1;
        return DescribeExit(status);
      }
      ::usleep(2000);
    }
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, &status, 0);
    pid_ = -1;
    return DescribeExit(status);
  }

  void Stop() {
    if (fd_ >= 0) ::shutdown(fd_, SHUT_RDWR);  // the child reads EOF and exits
    Reap();
  }

  ClassifierSpec spec_;
  std::string config_dir_, data_dir_;
  uint32_t worker_;
  std::string plugin_path_, name_;
  pid_t pid_ = -1;
  int fd_ = -1;
  bool timed_out_ = false;
};

}  // namespace

Status ClassifierHost::Open(const ClassifierSpec& spec, const StageContext& ctx, std::unique_ptr<ClassifierHost>* out) {
  std::shared_ptr<PluginLibrary> lib;
  Status st = PluginLibrary::Open(spec.plugin, &lib);
  if (!st.ok()) return st.Annotate(spec.where);
  if (lib->kind() != SLUICE_KIND_CLASSIFIER)
    return Status::InvalidArgument(spec.where + ": " + lib->path() + " is a stage plugin, not a classifier");
  std::string name = spec.name.empty() ? lib->name() : spec.name;
  if (spec.isolated) {
    auto host = std::make_unique<ChildProcessHost>(spec, ctx, lib->path(), name);
    SLUICE_RETURN_IF_ERROR(host->Start());
    *out = std::move(host);
    return Status::OK();
  }
  std::unique_ptr<PluginInstance> inst;
  // The loader's message already names the config section's file and line.
  SLUICE_RETURN_IF_ERROR(lib->Create(spec.config, ctx.config_dir, ctx.data_dir, ctx.worker, &inst));
  *out = std::make_unique<InProcessHost>(name, std::move(inst));
  return Status::OK();
}

int PluginHostCommand(int argc, char** argv) {
  CLI::App app{"(internal) hosts one classifier plugin for a classify stage with isolation: process", "sluice plugin-host"};
  std::string plugin, config_dir, data_dir;
  uint32_t worker = 0;
  app.add_option("--plugin", plugin)->required();
  app.add_option("--config-dir", config_dir);
  app.add_option("--data-dir", data_dir);
  app.add_option("--worker", worker);
  if (int rc = ParseArgs(app, argc, argv); rc >= 0) return rc;
  // The protocol owns the socket on fd 0; whatever the plugin prints goes to stderr.
  const int fd = ::dup(0);
  ::dup2(2, 1);
  auto never = std::chrono::steady_clock::time_point::max();
  auto read_frame = [&](std::string* s) {
    uint32_t n = 0;
    if (RecvAll(fd, &n, 4, never) != ReadResult::kOk || n > kMaxFrame) return false;
    s->resize(n);
    return RecvAll(fd, s->data(), n, never) == ReadResult::kOk;
  };
  std::string yaml;
  if (!read_frame(&yaml)) return 1;
  std::shared_ptr<PluginLibrary> lib;
  std::unique_ptr<PluginInstance> inst;
  Config config = Config::Parse(yaml, "<classifier config>");
  Status st = config.status();
  if (st.ok()) st = PluginLibrary::Open(plugin, &lib);
  if (st.ok()) st = lib->Create(config, config_dir, data_dir, worker, &inst);
  if (!st.ok()) {
    // Drop the position of the YAML text this process was given; the stage adds the real one.
    std::string msg = st.message();
    const std::string here = config.Where() + ": ";
    if (msg.compare(0, here.size(), here) == 0) msg.erase(0, here.size());
    SendReply(fd, SLUICE_PERMANENT, msg);
    return 1;
  }
  if (!SendReply(fd, SLUICE_OK, "")) return 1;
  std::string doc_bytes, out;
  v1::Document labels;
  while (read_frame(&doc_bytes)) {
    labels.Clear();
    st = inst->ProcessSerialized(doc_bytes, labels);
    if (!st.ok()) {
      if (!SendReply(fd, st.IsTransient() ? SLUICE_TRANSIENT : SLUICE_PERMANENT, st.message())) return 1;
      continue;
    }
    out.clear();
    labels.SerializeToString(&out);
    if (!SendReply(fd, SLUICE_OK, out)) return 1;
  }
  return 0;
}

}  // namespace sluice::classify
