#include "supervisor.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>

#include "process_runner.h"
#include "sluice/log.h"
#include "stage_stats.h"

namespace sluice {

namespace {

std::string DescribeExit(int status) {
  if (WIFEXITED(status)) {
    int code = WEXITSTATUS(status);
    switch (code) {
      case kExitConfig: return "exited with code 78 (configuration error)";
      case kExitTempFail: return "exited with code 75 (temporary failure, e.g. address in use)";
      case kExitSoftware: return "exited with code 70 (internal error)";
      default: return "exited with code " + std::to_string(code);
    }
  }
  if (WIFSIGNALED(status)) {
    int sig = WTERMSIG(status);
    const char* abbrev = sigabbrev_np(sig);
    return std::string("killed by signal ") + std::to_string(sig) + " (SIG" + (abbrev ? abbrev : "?") + ": " + strsignal(sig) + ")" +
           (WCOREDUMP(status) ? ", core dumped" : "");
  }
  return "stopped (status " + std::to_string(status) + ")";
}

std::string SelfExe() {
  std::error_code ec;
  auto p = std::filesystem::read_symlink("/proc/self/exe", ec);
  return ec ? std::string("sluice") : p.string();
}

}  // namespace

Supervisor::Supervisor(const PipelineSpec& spec, Options options)
    : spec_(spec),
      options_(std::move(options)),
      log_(Logger("supervisor")),
      child_signals_(io_, SIGCHLD),
      stop_signals_(io_, SIGINT, SIGTERM),
      hup_signals_(io_, SIGHUP),
      stats_timer_(io_),
      drain_timer_(io_),
      duration_timer_(io_),
      zmq_(1),
      metrics_(spec),
      exe_(SelfExe()) {
  zmq_.set(zmq::ctxopt::blocky, false);
}

Supervisor::~Supervisor() {
  if (reactor_) reactor_->Close();
}

std::string Supervisor::Label(const Proc& p) const {
  if (p.role == Role::kService) return "service " + p.name;
  return (p.role == Role::kSource ? "source " : "stage ") + p.name + "/" + std::to_string(p.worker);
}

int Supervisor::Run() {
  std::error_code ec;
  std::filesystem::create_directories(spec_.run_dir, ec);
  if (ec) {
    log_->error("cannot create run directory {}: {}", spec_.run_dir, ec.message());
    return 1;
  }
  // One pipeline per run directory. The lock's descriptor is inherited by every worker (it is
  // not close-on-exec), so it stays held until the last process of this run has exited — a new
  // `sluice run` cannot start while workers of a previous one are still draining.
  std::string lock_path = spec_.run_dir + "/lock";
  int lock_fd = open(lock_path.c_str(), O_RDWR | O_CREAT, 0644);
  if (lock_fd < 0 || flock(lock_fd, LOCK_EX | LOCK_NB) != 0) {
    char holder[32] = {0};
    if (lock_fd >= 0 && pread(lock_fd, holder, sizeof holder - 1, 0) < 0) holder[0] = 0;
    log_->error("another `sluice run` (pid {}) or its workers are still using {}; stop it first (or set data_dir/run_dir)",
                holder[0] ? holder : "?", spec_.run_dir);
    if (lock_fd >= 0) close(lock_fd);
    return 1;
  }
  if (ftruncate(lock_fd, 0) == 0) {
    std::string pid = std::to_string(getpid()) + "\n";
    if (pwrite(lock_fd, pid.data(), pid.size(), 0) < 0) log_->debug("cannot write pid to {}", lock_path);
  }
  // Stats: bind before any child starts so no early snapshot is lost.
  stats_sub_ = std::make_unique<zmq::socket_t>(zmq_, zmq::socket_type::sub);
  SocketOptions o;
  o.rcvhwm = 10000;
  ApplySocketOptions(*stats_sub_, o);
  stats_sub_->set(zmq::sockopt::subscribe, "");
  std::string err = Attach(*stats_sub_, spec_.Stats().bind, {});
  if (!err.empty()) {
    log_->error("{} — is another pipeline using {}? (set run_dir or transport.base_port)", err, spec_.run_dir);
    return 1;
  }
  for (uint32_t k = 0; k < spec_.source.workers; ++k) {
    auto sock = std::make_unique<zmq::socket_t>(zmq_, zmq::socket_type::push);
    SocketOptions lo;
    lo.sndhwm = 1000;
    lo.linger_ms = 0;
    ApplySocketOptions(*sock, lo);
    err = Attach(*sock, {}, spec_.LedgerAck(k).connect);
    if (!err.empty()) log_->warn("cannot reach ledger {}: {}", k, err);
    ledgers_.push_back(std::move(sock));
  }
  reactor_ = std::make_unique<ZmqReactor>(io_, [this] { OnStats(); });
  reactor_->Watch(*stats_sub_, []() -> short { return ZMQ_POLLIN; });
  reactor_->Kick();

  if (!spec_.metrics_listen.empty()) {
    std::string host;
    int port = 0;
    Status s = ParseHostPort(spec_.metrics_listen, &host, &port);
    if (s.ok()) {
      http_ = std::make_unique<HttpServer>(io_, [this](const HttpRequest& req, HttpResponse& resp) {
        if (req.path == "/metrics") {
          resp.headers["Content-Type"] = "text/plain; version=0.0.4; charset=utf-8";
          resp.body = metrics_.Prometheus();
        } else if (req.path == "/stats.json") {
          resp.headers["Content-Type"] = "application/json";
          resp.body = metrics_.ToJson().Dump();
        } else if (req.path == "/" || req.path == "/healthz") {
          resp.headers["Content-Type"] = "text/plain";
          resp.body = "sluice pipeline " + spec_.name + ": /metrics (Prometheus), /stats.json\n";
        } else {
          resp.status = 404;
          resp.body = "not found\n";
        }
      });
      s = http_->Listen(host, port);
    }
    if (!s.ok()) {
      log_->warn("metrics endpoint disabled: {}", s.ToString());
      http_.reset();
    } else {
      log_->info("metrics on http://{}:{}/metrics", host, http_->port());
    }
  }

  ArmSignals();
  ArmHangup();
  if (options_.observe_only) {
    log_->info("observing pipeline {}: collecting stats on {}", spec_.name, spec_.Stats().bind[0]);
    ArmStatsLog();
    io_.run();
    if (reactor_) reactor_->Close();
    if (http_) http_->Stop();
    return 0;
  }
  auto add = [this](Role role, std::string name, uint32_t worker, std::vector<std::string> args) {
    auto p = std::make_unique<Proc>();
    p->role = role;
    p->name = std::move(name);
    p->worker = worker;
    p->args = std::move(args);
    p->restart_timer = std::make_unique<boost::asio::steady_timer>(io_);
    procs_.push_back(std::move(p));
  };
  for (const auto& svc : spec_.services) add(Role::kService, svc.name, 0, svc.args);
  for (uint32_t k = 0; k < spec_.source.workers; ++k)
    add(Role::kSource, spec_.source.name, k,
        {"stage", spec_.source.name, "--config", options_.config_path, "--worker", std::to_string(k)});
  for (const auto& st : spec_.stages)
    for (uint32_t k = 0; k < st.workers; ++k)
      add(Role::kStage, st.name, k, {"stage", st.name, "--config", options_.config_path, "--worker", std::to_string(k)});

  log_->info("pipeline {}: source {}×{}, stages {}, data in {}", spec_.name, spec_.source.name, spec_.source.workers,
             [this] {
               std::string s;
               for (const auto& st : spec_.stages) s += (s.empty() ? "" : " → ") + st.name + "×" + std::to_string(st.workers);
               return s;
             }(),
             spec_.data_dir);
  // Stages first, so their inputs are bound when the source starts sending.
  for (auto& p : procs_)
    if (p->role != Role::kSource) Spawn(*p);
  for (auto& p : procs_)
    if (p->role == Role::kSource) Spawn(*p);

  if (options_.duration.count() > 0) {
    duration_timer_.expires_after(options_.duration);
    duration_timer_.async_wait([this](const boost::system::error_code& e) {
      if (!e) BeginDrain("--duration elapsed", 0);
    });
  }
  ArmStatsLog();
  io_.run();
  if (reactor_) reactor_->Close();
  if (http_) http_->Stop();
  log_->info("pipeline stopped ({})", exit_code_ == 0 ? "clean" : "exit code " + std::to_string(exit_code_));
  return exit_code_;
}

void Supervisor::Spawn(Proc& p) {
  std::vector<std::string> argv{exe_};
  argv.insert(argv.end(), p.args.begin(), p.args.end());
  pid_t parent = getpid();
  pid_t pid = fork();
  if (pid < 0) {
    log_->error("cannot start {}: fork: {}", Label(p), strerror(errno));
    ScheduleRestart(p);
    return;
  }
  if (pid == 0) {
    setpgid(0, 0);
    prctl(PR_SET_PDEATHSIG, SIGTERM);
    if (getppid() != parent) _exit(0);  // the supervisor died between fork and prctl
    // The child starts with default signal dispositions and an empty mask; asio's signal_set
    // in the parent blocks nothing, but be explicit.
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, nullptr);
    setenv("SLUICE_SUPERVISED", "1", 1);
    setenv("SLUICE_LOG_LEVEL", spec_.log_level.c_str(), 0);
    setenv("SLUICE_LOG_FORMAT", spec_.log_format.c_str(), 0);
    std::vector<char*> args;
    for (auto& a : argv) args.push_back(a.data());
    args.push_back(nullptr);
    execv(argv[0].c_str(), args.data());
    fprintf(stderr, "exec %s failed: %s\n", argv[0].c_str(), strerror(errno));
    _exit(127);
  }
  p.pid = pid;
  p.running = true;
  p.started_mono_us = MonoMicros();
  log_->debug("started {} (pid {})", Label(p), pid);
}

void Supervisor::ArmHangup() {
  hup_signals_.async_wait([this](const boost::system::error_code& ec, int) {
    if (ec) return;
    log_->info("SIGHUP: asking every worker to reload");
    SignalRole(Role::kSource, SIGHUP);
    SignalRole(Role::kStage, SIGHUP);
    ArmHangup();
  });
}

void Supervisor::ArmSignals() {
  child_signals_.async_wait([this](const boost::system::error_code& ec, int) {
    if (ec) return;
    ReapChildren();
    ArmSignals();
  });
  stop_signals_.async_wait([this](const boost::system::error_code& ec, int sig) {
    if (ec) return;
    if (options_.observe_only) {
      io_.stop();
      return;
    }
    if (phase_ == Phase::kRunning) {
      BeginDrain(sig == SIGINT ? "SIGINT" : "SIGTERM", 0);
      stop_signals_.async_wait([this](const boost::system::error_code& e2, int) {
        if (e2) return;
        log_->warn("second signal: killing all processes now");
        for (auto& p : procs_)
          if (p->running) kill(p->pid, SIGKILL), killed_any_ = true;
        exit_code_ = 1;
      });
    }
  });
}

void Supervisor::ReapChildren() {
  int status = 0;
  pid_t pid;
  while ((pid = waitpid(-1, &status, WNOHANG)) > 0) OnChildExit(pid, status);
}

void Supervisor::OnChildExit(pid_t pid, int status) {
  Proc* proc = nullptr;
  for (auto& p : procs_)
    if (p->pid == pid && p->running) proc = p.get();
  if (!proc) return;
  Proc& p = *proc;
  p.running = false;
  p.pid = -1;
  bool clean = WIFEXITED(status) && WEXITSTATUS(status) == 0;
  if (phase_ != Phase::kRunning) {
    if (!clean) log_->warn("{} {} during drain", Label(p), DescribeExit(status));
    else log_->debug("{} stopped", Label(p));
    DrainStep();
    return;
  }
  if (WIFEXITED(status) && WEXITSTATUS(status) == kExitConfig) {
    log_->error("{} {}; stopping the pipeline — fix the configuration (the error is logged above)", Label(p), DescribeExit(status));
    BeginDrain("configuration error", kExitConfig);
    return;
  }
  if (clean && p.role == Role::kSource) {
    p.finished = true;
    log_->info("{} finished", Label(p));
    bool all = true;
    for (const auto& q : procs_)
      if (q->role == Role::kSource && !q->finished) all = false;
    if (all) BeginDrain("all sources finished", 0);
    return;
  }
  log_->warn("{} {}", Label(p), DescribeExit(status));
  if (p.role == Role::kStage) TellLedgersWorkerLost(p, DescribeExit(status));
  metrics_.CountRestart(p.name);
  ScheduleRestart(p);
}

void Supervisor::ScheduleRestart(Proc& p) {
  int64_t ran_us = MonoMicros() - p.started_mono_us;
  if (ran_us > 60'000'000) p.consecutive_failures = 0;
  int64_t backoff = spec_.restart_backoff.count();
  for (uint32_t i = 0; i < p.consecutive_failures && backoff < spec_.max_restart_backoff.count(); ++i) backoff *= 2;
  backoff = std::min<int64_t>(backoff, spec_.max_restart_backoff.count());
  ++p.consecutive_failures;
  ++p.restarts;
  log_->info("restarting {} in {} (restart #{})", Label(p), FormatLatency(static_cast<double>(backoff) * 1000), p.restarts);
  Proc* raw = &p;
  p.restart_timer->expires_after(std::chrono::milliseconds(backoff));
  p.restart_timer->async_wait([this, raw](const boost::system::error_code& ec) {
    if (ec || phase_ != Phase::kRunning) return;
    Spawn(*raw);
  });
}

void Supervisor::ArmStatsLog() {
  stats_timer_.expires_after(spec_.stats_interval);
  stats_timer_.async_wait([this](const boost::system::error_code& ec) {
    if (ec) return;
    metrics_.Roll(NowMicros());
    for (const auto& line : metrics_.LogLines()) log_->info("{}", line);
    if (phase_ != Phase::kDone) ArmStatsLog();
  });
}

void Supervisor::OnStats() {
  for (int i = 0; i < 1000; ++i) {
    zmq::message_t msg;
    if (!stats_sub_->recv(msg, zmq::recv_flags::dontwait)) break;
    v1::StageStats s;
    if (s.ParseFromArray(msg.data(), static_cast<int>(msg.size()))) metrics_.Ingest(s);
  }
  reactor_->Rearm();
}

void Supervisor::TellLedgersWorkerLost(const Proc& p, const std::string& reason) {
  v1::LedgerMessage m;
  v1::WorkerLost* w = m.mutable_worker_lost();
  w->set_stage(p.name);
  w->set_worker(p.worker);
  w->set_lost_at_us(NowMicros());
  w->set_reason(reason);
  std::string bytes;
  m.SerializeToString(&bytes);
  for (auto& sock : ledgers_) {
    zmq::message_t msg(bytes.data(), bytes.size());
    (void)sock->send(msg, zmq::send_flags::dontwait);  // best effort: ack timeouts remain the safety net
  }
}

bool Supervisor::AnyRunning(Role role) const {
  for (const auto& p : procs_)
    if (p->role == role && p->running) return true;
  return false;
}

void Supervisor::SignalRole(Role role, int sig) {
  for (auto& p : procs_) {
    if (p->role != role) continue;
    if (sig != SIGHUP) p->restart_timer->cancel();  // stopping: no more restarts
    if (p->running) kill(p->pid, sig);
  }
}

void Supervisor::BeginDrain(const std::string& why, int exit_code) {
  if (phase_ != Phase::kRunning) return;
  exit_code_ = exit_code;
  duration_timer_.cancel();
  phase_ = Phase::kDrainSources;
  // A configuration error means some stage will never run, so in-flight documents can never
  // complete: do not wait the whole drain timeout for them (the ledger keeps them anyway).
  int64_t timeout_us = exit_code == kExitConfig ? 2'000'000 : spec_.drain_timeout.count() * 1000;
  phase_deadline_mono_us_ = MonoMicros() + timeout_us;
  log_->info("draining ({}): stopping sources, waiting for documents in flight (up to {})", why,
             FormatLatency(static_cast<double>(timeout_us)));
  SignalRole(Role::kSource, SIGTERM);
  DrainStep();
}

void Supervisor::DrainStep() {
  drain_timer_.cancel();
  auto next_phase = [this](Phase p, Role role, const char* what) {
    phase_ = p;
    phase_deadline_mono_us_ = MonoMicros() + std::max<int64_t>(5'000'000, spec_.drain_timeout.count() * 1000 / 2);
    log_->info("{}", what);
    SignalRole(role, SIGTERM);
  };
  bool overdue = MonoMicros() >= phase_deadline_mono_us_;
  Role current = phase_ == Phase::kDrainSources ? Role::kSource : phase_ == Phase::kDrainStages ? Role::kStage : Role::kService;
  if (phase_ != Phase::kDone && AnyRunning(current) && overdue) {
    for (auto& p : procs_)
      if (p->role == current && p->running) {
        log_->warn("{} did not stop within the drain deadline; killing it", Label(*p));
        kill(p->pid, SIGKILL);
        killed_any_ = true;
      }
  }
  if (phase_ == Phase::kDrainSources && !AnyRunning(Role::kSource))
    next_phase(Phase::kDrainStages, Role::kStage, "sources stopped; stopping stages");
  if (phase_ == Phase::kDrainStages && !AnyRunning(Role::kStage))
    next_phase(Phase::kDrainServices, Role::kService, "stages stopped; stopping services");
  if (phase_ == Phase::kDrainServices && !AnyRunning(Role::kService)) {
    phase_ = Phase::kDone;
    OnStats();  // the workers' final snapshots
    metrics_.Roll(NowMicros(), /*whole_run=*/true);
    log_->info("summary of the whole run:");
    for (const auto& line : metrics_.LogLines()) log_->info("{}", line);
    if (killed_any_ && exit_code_ == 0) exit_code_ = 1;
    stats_timer_.cancel();
    io_.stop();
    return;
  }
  drain_timer_.expires_after(std::chrono::milliseconds(100));
  drain_timer_.async_wait([this](const boost::system::error_code& ec) {
    if (!ec) DrainStep();
  });
}

}  // namespace sluice
