// StageRunner: hosts one Stage (built-in or plugin) in a worker process.
//
// PULL input → Stage::Process → PUSH output, or — for the last stage — Flush then Ack to the
// ledger that emitted each document. Failures become Nacks (transient: retry later; permanent:
// dead letter). The runner, not the stage, measures time and bytes, appends the trace span and
// reports stats, so every stage gets the same throughput lines.
//
// Design note — backpressure. At most one processed document waits for the output socket; while
// it waits the runner reads no input. With SNDHWM/RCVHWM set on both ends, a slow stage
// therefore fills its upstream's pipe, which stops the upstream from reading, and so on back to
// the ledger, which stops taking documents from its window: memory stays bounded by
// (hwm × document size) per pipe plus the ledger window, whatever the backlog.
//
// Thread safety: single-threaded (its io_context thread).
#pragma once

#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <vector>

#include "process_runner.h"
#include "sluice/stage.h"
#include "sluice/v1/document.pb.h"

namespace sluice {

// Creates the stage `index` of `spec` for `worker`: a built-in from the registry, else a plugin.
// Fills `ctx` (which must outlive the stage) and validates the stage's config section. Returns
// InvalidArgument naming file, line and key on configuration errors.
Status CreateStage(const PipelineSpec& spec, size_t index, uint32_t worker, boost::asio::io_context* io,
                   std::shared_ptr<spdlog::logger> log, Counters* counters, StageContext* ctx, std::unique_ptr<Stage>* out);

class StageRunner : public ProcessRunner {
 public:
  StageRunner(const PipelineSpec& spec, size_t stage_index, uint32_t worker);
  ~StageRunner() override;

  // Creates the stage (registry first, then plugins), validates its config, attaches sockets.
  // Returns InvalidArgument for configuration problems (the process should exit kExitConfig) and
  // IOError when a socket cannot be bound (kExitTempFail).
  Status Init();

 private:
  struct PendingAck {
    uint32_t ledger;
    std::string id;
    uint32_t attempt;
    int64_t emitted_us;
  };

  void Pump();
  void Handle(zmq::message_t& msg);
  void HandleSerialized(zmq::message_t& msg);
  // Sends a processed document on (or, in the last stage, queues its ack for the next Flush).
  void Forward(uint32_t ledger, const std::string& id, uint32_t attempt, int64_t emitted_us, const std::string& bytes);
  // Runs a call into the stage: exceptions become Transient (one attempt of one document), the
  // time goes to busy_s and (per document) the latency histogram.
  Status CallStage(const std::function<Status()>& call, const char* what, bool record_latency = true);
  void Nack(uint32_t ledger, const std::string& id, uint32_t attempt, const Status& why);
  void DoFlush();
  bool SendControl();
  int LedgerIndex(const std::string& ledger_id) const;
  void ArmFlushTimer();
  void OnDrain() override;
  void OnReload() override;
  void BeforeSnapshot() override;
  void FinishWhenControlSent(int attempts_left);

  size_t index_;
  const StageSpec& stage_spec_;
  bool is_last_;
  bool serialized_ = false;
  std::unique_ptr<Stage> stage_;
  StageContext ctx_;
  std::unique_ptr<zmq::socket_t> in_, out_;
  std::vector<std::unique_ptr<zmq::socket_t>> ledgers_;
  std::vector<std::deque<zmq::message_t>> control_queue_;
  std::optional<zmq::message_t> out_pending_;
  std::vector<PendingAck> pending_acks_;
  std::unique_ptr<ZmqReactor> reactor_;
  boost::asio::steady_timer flush_timer_;
  std::string host_;
  uint32_t pid_;
  std::unique_ptr<v1::Document> doc_;
  std::string out_bytes_;
};

}  // namespace sluice
