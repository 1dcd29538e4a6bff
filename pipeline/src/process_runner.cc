#include "process_runner.h"

#include <csignal>
#include <cstdlib>

#include "sluice/log.h"

namespace sluice {

namespace {
// How often stats are published to the supervisor (independent of the logging interval, so
// /metrics and `sluice top` stay fresh).
constexpr std::chrono::milliseconds kPublishEvery{1000};
}  // namespace

ProcessRunner::ProcessRunner(const PipelineSpec& spec, std::string name, uint32_t worker, bool is_source)
    : zmq_(1),
      spec_(spec),
      name_(std::move(name)),
      worker_(worker),
      stats_(name_, worker, is_source),
      log_(Logger(name_ + "/" + std::to_string(worker))),
      stats_timer_(io_),
      signals_(io_, SIGTERM, SIGINT),
      hup_(io_, SIGHUP) {
  // Supervised workers leave the per-stage line to the supervisor (it aggregates workers);
  // a worker started by hand logs its own.
  const char* supervised = std::getenv("SLUICE_SUPERVISED");
  log_stats_ = !(supervised && *supervised == '1');
  zmq_.set(zmq::ctxopt::blocky, false);  // closing the context must not wait on lingering sockets forever
}

ProcessRunner::~ProcessRunner() = default;

Status ProcessRunner::StartCommon() {
  stats_pub_ = std::make_unique<zmq::socket_t>(zmq_, zmq::socket_type::pub);
  SocketOptions o;
  o.sndhwm = 100;
  o.linger_ms = 200;
  ApplySocketOptions(*stats_pub_, o);
  std::string err = Attach(*stats_pub_, {}, spec_.Stats().connect);
  if (!err.empty()) return Status::IOError("stats socket: " + err);
  ArmSignals();
  ArmStatsTimer();
  return Status::OK();
}

void ProcessRunner::ArmSignals() {
  ArmTerminate();
  ArmHangup();
}

void ProcessRunner::ArmTerminate() {
  signals_.async_wait([this](const boost::system::error_code& ec, int sig) {
    if (ec) return;
    if (!draining_) {
      draining_ = true;
      log_->info("{} received: draining", sig == SIGTERM ? "SIGTERM" : "SIGINT");
      OnDrain();
    } else {
      log_->warn("second signal during drain: exiting now");
      Finish(kExitOk);
      return;
    }
    ArmTerminate();
  });
}

void ProcessRunner::ArmHangup() {
  hup_.async_wait([this](const boost::system::error_code& ec, int) {
    if (ec) return;
    log_->info("SIGHUP received: reloading");
    OnReload();
    ArmHangup();
  });
}

void ProcessRunner::ArmStatsTimer() {
  stats_timer_.expires_after(std::min(kPublishEvery, spec_.stats_interval));
  stats_timer_.async_wait([this](const boost::system::error_code& ec) {
    if (ec) return;
    int64_t now = MonoMicros();
    bool log_line = log_stats_ && now - last_log_mono_us_ >= spec_.stats_interval.count() * 1000;
    PublishStats(log_line);
    if (log_line) last_log_mono_us_ = now;
    ArmStatsTimer();
  });
}

void ProcessRunner::PublishStats(bool log_line) {
  BeforeSnapshot();
  v1::StageStats snap;
  stats_.Snapshot(&snap);
  std::string bytes;
  snap.SerializeToString(&bytes);
  if (stats_pub_) {
    zmq::message_t msg(bytes.data(), bytes.size());
    (void)stats_pub_->send(msg, zmq::send_flags::dontwait);
  }
  if (log_line) {
    log_->info("{}", stats_.Line(last_logged_, snap));
    last_logged_ = snap;
  }
}

int ProcessRunner::RunLoop() {
  last_log_mono_us_ = MonoMicros();
  io_.run();
  return exit_code_;
}

void ProcessRunner::Finish(int code) {
  exit_code_ = code;
  PublishStats(log_stats_);
  boost::system::error_code ec;
  stats_timer_.cancel();
  signals_.cancel(ec);
  hup_.cancel(ec);
  io_.stop();
}

}  // namespace sluice
