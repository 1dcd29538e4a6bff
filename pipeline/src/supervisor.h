// Supervisor: `sluice run` — starts every process of a pipeline, keeps them running, reports what
// they do, and stops them in the right order.
//
//  * Spawns services (e.g. the demo site), source workers and stage workers as child processes of
//    the same executable (`sluice stage NAME --config F --worker K`), each in its own process group
//    (so a terminal's Ctrl-C reaches only the supervisor, which coordinates) and with
//    PR_SET_PDEATHSIG (so they die with it).
//  * Restarts a process that dies, with exponential backoff (reset after a minute of good
//    behaviour), and logs how it died (exit code or signal). A worker exiting with the config-error
//    code stops the whole pipeline: restarting cannot fix a typo.
//  * Collects StageStats (SUB), logs one line per stage and one pipeline line every
//    stats_interval, and serves /metrics (Prometheus) and /stats.json on metrics.listen.
//  * Forwards SIGHUP to every worker (stages reload dictionaries, models and rules).
//  * Drains on SIGINT/SIGTERM (or after --duration, or when every finite source has finished):
//    sources first (stop intake, wait for in-flight acks), then stages, then services; whatever is
//    still running at drain_timeout is killed. A second signal kills at once.
//
// Thread safety: single-threaded; Run() owns the calling thread until the pipeline has stopped.
#pragma once

#include <sys/types.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <memory>
#include <string>
#include <vector>
#include <zmq.hpp>

#include "pipeline_metrics.h"
#include "sluice/http_server.h"
#include "sluice/pipeline_spec.h"
#include "zmq_reactor.h"

namespace spdlog {
class logger;
}

namespace sluice {

class Supervisor {
 public:
  struct Options {
    std::string config_path;                 // passed to every child
    std::chrono::milliseconds duration{0};   // drain after this long (0 = until signalled)
    bool observe_only = false;               // start nothing: only collect stats and serve /metrics
  };

  Supervisor(const PipelineSpec& spec, Options options);
  ~Supervisor();

  // Runs the pipeline; returns the exit code for `sluice run` (0 after a clean drain, 78 when a
  // worker reported a configuration error, 1 when processes had to be killed).
  int Run();

 private:
  enum class Role { kService, kSource, kStage };
  struct Proc {
    Role role;
    std::string name;
    uint32_t worker = 0;
    std::vector<std::string> args;
    pid_t pid = -1;
    bool running = false;
    bool finished = false;          // exited 0 on its own (a finite source)
    uint32_t restarts = 0;
    uint32_t consecutive_failures = 0;
    int64_t started_mono_us = 0;
    std::unique_ptr<boost::asio::steady_timer> restart_timer;
  };

  void Spawn(Proc& p);
  void OnChildExit(pid_t pid, int status);
  void ScheduleRestart(Proc& p);
  void ReapChildren();
  void ArmSignals();
  void ArmHangup();
  void ArmStatsLog();
  void OnStats();
  void BeginDrain(const std::string& why, int exit_code);
  void DrainStep();
  void SignalRole(Role role, int sig);
  void TellLedgersWorkerLost(const Proc& p, const std::string& reason);
  bool AnyRunning(Role role) const;
  std::string Label(const Proc& p) const;

  const PipelineSpec& spec_;
  Options options_;
  boost::asio::io_context io_;
  std::shared_ptr<spdlog::logger> log_;
  std::vector<std::unique_ptr<Proc>> procs_;
  boost::asio::signal_set child_signals_, stop_signals_, hup_signals_;
  boost::asio::steady_timer stats_timer_, drain_timer_, duration_timer_;
  zmq::context_t zmq_;
  std::unique_ptr<zmq::socket_t> stats_sub_;
  std::vector<std::unique_ptr<zmq::socket_t>> ledgers_;  // to tell ledgers about dead workers
  std::unique_ptr<ZmqReactor> reactor_;
  PipelineMetrics metrics_;
  std::unique_ptr<HttpServer> http_;
  std::string exe_;

  enum class Phase { kRunning, kDrainSources, kDrainStages, kDrainServices, kDone } phase_ = Phase::kRunning;
  int64_t phase_deadline_mono_us_ = 0;
  int exit_code_ = 0;
  bool killed_any_ = false;
};

}  // namespace sluice
