// SourceRunner: a source worker process — a Source producing documents, the Ledger recording and
// redelivering them, the PUSH socket into the first stage and the ack endpoint the last stage
// answers on.
//
// Flow: Source → Emit → Ledger::Add (buffered) → group commit (every commit_interval) → TakeReady
// (within the window) → PUSH. Acks and nacks arrive on this worker's own PULL endpoint. A finite
// source that has finished, with nothing pending or in flight, ends the process with exit code 0;
// the supervisor then drains the rest of the pipeline.
//
// Thread safety: single-threaded (its io_context thread).
#pragma once

#include <deque>
#include <functional>
#include <memory>
#include <vector>

#include "process_runner.h"
#include "sluice/ledger.h"
#include "sluice/source.h"

namespace sluice {

// Creates the source of `spec` for `worker` and validates its config section. Returns
// InvalidArgument naming file, line and key on configuration errors.
Status CreateSource(const PipelineSpec& spec, uint32_t worker, std::shared_ptr<spdlog::logger> log, std::unique_ptr<Source>* out);

class SourceRunner : public ProcessRunner, private SourceContext {
 public:
  SourceRunner(const PipelineSpec& spec, uint32_t worker);
  ~SourceRunner() override;

  // Opens the ledger, creates the source, attaches sockets, starts the source. Returns
  // InvalidArgument for configuration problems, IOError for database/socket problems.
  Status Init();

 private:
  // SourceContext.
  boost::asio::io_context& io() override { return ProcessRunner::io(); }
  Status Emit(v1::Document doc) override;
  SourceState& state() override { return *ledger_; }
  bool Backlogged() const override;
  void WhenReady(std::function<void()> on_ready) override;
  Counters& counters() override { return stats(); }
  spdlog::logger& log() override { return ProcessRunner::log(); }
  const std::string& ledger_id() const override { return ledger_id_; }
  uint32_t worker() const override { return worker_; }
  uint32_t workers() const override { return spec_.source.workers; }
  const std::string& data_dir() const override { return spec_.data_dir; }

  void Pump();
  void HandleLedgerMessage(zmq::message_t& msg);
  void ScheduleCommit();
  void CommitNow();
  void ArmTick();
  void CheckFinished();
  void NotifyReady();
  void OnDrain() override;
  void BeforeSnapshot() override;

  std::string ledger_id_;
  std::unique_ptr<Ledger> ledger_;
  std::unique_ptr<Source> source_;
  std::unique_ptr<zmq::socket_t> out_, acks_;
  std::unique_ptr<ZmqReactor> reactor_;
  std::deque<Ledger::Outgoing> outbox_;
  std::vector<std::function<void()>> ready_waiters_;
  boost::asio::steady_timer commit_timer_, tick_timer_;
  bool commit_scheduled_ = false;
  bool commit_failing_ = false;
  int64_t drain_deadline_us_ = 0;
  uint64_t emitted_ = 0;
};

}  // namespace sluice
