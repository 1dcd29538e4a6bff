// PipelineSpec: a pipeline configuration file, validated, with the endpoints of every socket.
//
// A pipeline file names one source and an ordered list of stages:
//
//   name: demo
//   data_dir: ./sluice-data            # relative to the current directory
//   source:   {name: fetch, workers: 1, config: {...}}
//   stages:
//     - {name: clean, workers: 2}
//     - {name: store, config: {path: sluice.db}}
//
// Every process of the pipeline (supervisor, source workers, stage workers) loads the same file
// and derives the same endpoints from it, so no process needs to be told another's address:
//
// Design note — topology. Stable ends bind, workers connect (DESIGN.md §8). On one host the
// stable end of a hop is each *downstream worker's own input*: worker k of stage i binds
// ipc://<run_dir>/<i>-<stage>-<k>.in (or a TCP port), and every upstream worker's PUSH connects
// to all of them. A restarted worker re-binds the same address; the upstream's connected pipe
// survives the restart and keeps what it had queued (up to its HWM), so a crash loses only what
// was inside the dead process — which the ledger redelivers. Each source worker k binds its own
// ack endpoint; every stage worker connects one PUSH per ledger, so an ack goes to the ledger
// that emitted the document (Document.ledger_id = k), never to a random one. For several hosts
// or Kubernetes, where workers come and go behind one Service, a stage's `input` and `output`
// can instead connect to a `sluice proxy` streamer that binds both sides of the hop.
//
// Thread safety: a loaded PipelineSpec is immutable; share it freely.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "sluice/config.h"
#include "sluice/status.h"

namespace sluice {

// How one socket attaches: bind to these endpoints, or connect to those.
struct SocketPlan {
  std::vector<std::string> bind;
  std::vector<std::string> connect;
};

struct StageSpec {
  std::string name;        // the stage's name in this pipeline (unique), e.g. "clean"
  std::string kind;        // built-in stage name or plugin name/path; defaults to `name`
  uint32_t workers = 1;
  Config config;           // its `config:` section, validated by the stage itself
  uint32_t batch_size = 256;                            // last stage: Flush after this many
  std::chrono::milliseconds flush_interval{200};        // and at least this often
  Config input_override, output_override;               // optional `input:` / `output:`
};

struct SourceSpec {
  std::string name;        // e.g. "fetch"
  std::string kind;        // registered source, defaults to `name`
  uint32_t workers = 1;
  Config config;
  Config output_override;
};

struct ServiceSpec {
  std::string name;
  std::vector<std::string> args;  // a sluice command line without the executable, e.g. [demo-site, --port, "8088"]
};

struct LedgerOptions {
  std::chrono::milliseconds ack_timeout{60000};   // re-emit what is not acked within this
  uint32_t max_attempts = 5;                      // then dead letter
  uint32_t isolate_after = 2;                     // failed attempts after which a document is sent alone
  uint32_t window = 1000;                         // documents in flight per ledger
  uint64_t backlog_target = 10000;                // Backlogged() above this many unsent documents
  std::chrono::milliseconds retry_backoff{1000};  // first delay after a transient nack; doubles per attempt
  std::chrono::milliseconds max_retry_backoff{300000};
  std::chrono::milliseconds commit_interval{20};  // group commit of emitted documents
  std::vector<std::string> ack_bind, ack_connect; // overrides, one per source worker ({worker} expands)
};

class PipelineSpec {
 public:
  // Loads and validates a pipeline file. Errors name file, line, column and key; unknown keys
  // are errors (stage `config:` sections are validated later by the stages themselves).
  static Status Load(const std::string& path, PipelineSpec* out);
  // Same for YAML text; `name` stands in for the file name and `dir` for its directory.
  static Status Parse(const std::string& yaml, const std::string& name, const std::string& dir, PipelineSpec* out);

  std::string file;         // the config file (or "<default>")
  std::string config_dir;   // its directory: relative paths in stage configs resolve here
  std::string name = "sluice";
  std::string data_dir;     // absolute
  std::string run_dir;      // absolute; ipc sockets live here

  std::string log_level = "info";
  std::string log_format = "text";
  std::chrono::milliseconds stats_interval{10000};
  std::string metrics_listen = "127.0.0.1:9464";   // "" disables /metrics

  std::string transport = "ipc";   // ipc | tcp
  std::string tcp_host = "127.0.0.1";
  int base_port = 47100;
  int hwm = 200;                   // messages per pipe; size it from memory: hwm × document size
  int64_t max_message_bytes = 256LL << 20;

  LedgerOptions ledger;
  std::chrono::milliseconds drain_timeout{30000};
  std::chrono::milliseconds restart_backoff{200};
  std::chrono::milliseconds max_restart_backoff{30000};

  std::vector<std::string> stats_bind, stats_connect;  // overrides of the stats endpoint

  std::vector<ServiceSpec> services;
  SourceSpec source;
  std::vector<StageSpec> stages;

  // Index of a stage by name, or -1.
  int StageIndex(const std::string& name) const;

  // Where worker `worker` of stage `index` receives documents.
  SocketPlan StageInput(size_t index, uint32_t worker) const;
  // Where a worker of stage `index` (or the source, index = -1) sends documents; empty for the
  // last stage.
  SocketPlan StageOutput(int index, uint32_t worker) const;
  // The ack endpoint a source worker binds / stage workers connect to, per ledger.
  SocketPlan LedgerAck(uint32_t ledger) const;
  // Where the supervisor (or `sluice metrics`) collects StageStats: it binds, workers connect.
  SocketPlan Stats() const;

 private:
  static Status FromConfig(const Config& root, const std::string& name, const std::string& dir, PipelineSpec* out);
  std::string Endpoint(const std::string& ipc_name, int port_offset) const;
  int StagePortOffset(size_t index, uint32_t worker) const;
};

}  // namespace sluice
