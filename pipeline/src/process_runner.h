// ProcessRunner: what every pipeline worker process has in common — one io_context, one ZeroMQ
// context, the stats it publishes to the supervisor (and optionally logs), and its signals:
// SIGTERM/SIGINT start a graceful drain, SIGHUP asks for a reload. StageRunner and SourceRunner
// build on it.
//
// Thread safety: single-threaded; everything happens on io().
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <memory>
#include <string>
#include <zmq.hpp>

#include "sluice/log.h"
#include "sluice/pipeline_spec.h"
#include "sluice/status.h"
#include "sluice/v1/control.pb.h"
#include "stage_stats.h"
#include "zmq_reactor.h"

namespace spdlog {
class logger;
}

namespace sluice {

// Exit codes of worker processes; the supervisor acts on them.
enum ExitCode : int {
  kExitOk = 0,
  kExitSoftware = 70,  // internal error: restart
  kExitTempFail = 75,  // e.g. an address in use: restart after backoff
  kExitConfig = 78,    // bad configuration: restarting cannot help, stop the pipeline
};

class ProcessRunner {
 public:
  ProcessRunner(const PipelineSpec& spec, std::string name, uint32_t worker, bool is_source);
  virtual ~ProcessRunner();

  boost::asio::io_context& io() { return io_; }
  StatsRecorder& stats() { return stats_; }
  spdlog::logger& log() { return *log_; }
  std::shared_ptr<spdlog::logger> logger() { return log_; }
  const PipelineSpec& spec() const { return spec_; }

  // Runs the loop until Finish() is called; returns the exit code given to Finish.
  int RunLoop();

 protected:
  // Connects the stats PUB socket and starts the stats timer and signal handling.
  Status StartCommon();
  // Called on SIGTERM/SIGINT (once).
  virtual void OnDrain() = 0;
  // Called on SIGHUP.
  virtual void OnReload() {}
  // Called before each stats snapshot, to copy live numbers into stats().
  virtual void BeforeSnapshot() {}
  // Publishes a final stats snapshot and stops the loop with `code`.
  void Finish(int code);
  bool draining() const { return draining_; }

  zmq::context_t zmq_;
  const PipelineSpec& spec_;
  std::string name_;
  uint32_t worker_;

 private:
  void PublishStats(bool log_line);
  void ArmStatsTimer();
  void ArmSignals();
  void ArmTerminate();
  void ArmHangup();

  boost::asio::io_context io_;
  StatsRecorder stats_;
  std::shared_ptr<spdlog::logger> log_;
  std::unique_ptr<zmq::socket_t> stats_pub_;
  boost::asio::steady_timer stats_timer_;
  boost::asio::signal_set signals_;
  boost::asio::signal_set hup_;
  v1::StageStats last_logged_;
  int64_t last_log_mono_us_ = 0;
  bool log_stats_ = false;
  bool draining_ = false;
  int exit_code_ = 0;
};

}  // namespace sluice
