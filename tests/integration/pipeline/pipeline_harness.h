// Helpers for black-box pipeline tests: write a pipeline file into a temporary directory, run
// `sluice run` on it as a real process, find its worker processes, and read the test sink's
// SQLite file and the ledger.
#pragma once

#include <sqlite3.h>
#include <sys/types.h>

#include <string>
#include <vector>

#include "test_env.h"

namespace sluice::testing {

class PipelineHarness {
 public:
  PipelineHarness();
  const std::string& dir() const { return tmp_.path(); }
  std::string sink_db() const { return tmp_.File("sink.db"); }
  std::string data_dir() const { return tmp_.File("data"); }
  int metrics_port() const { return metrics_port_; }

  // Writes pipeline.yaml. `body` is the YAML after the common header (name, data_dir, log,
  // metrics), typically `source:` and `stages:`; {sink_db} and {plugins} are expanded.
  std::string WritePipeline(const std::string& body, const std::string& extra_header = "");
  // Starts `sluice run pipeline.yaml [args]`.
  void Start(const std::vector<std::string>& args = {});
  // Waits for `sluice run` to exit; returns its exit code (-1 on timeout, after killing it).
  int Wait(int timeout_s);
  ChildProcess& run() { return run_; }
  std::string Log() const { return run_.Output(); }

  // Query helpers on the test sink's database (0 when it does not exist yet).
  int64_t SinkQuery(const std::string& sql) const;
  int64_t DistinctDocs() const { return SinkQuery("SELECT COUNT(*) FROM docs"); }
  int64_t Deliveries() const { return SinkQuery("SELECT COUNT(*) FROM deliveries"); }
  // A query on the ledger database of source worker `k`.
  int64_t LedgerQuery(const std::string& sql, int k = 0) const;

  // Pids of the worker processes running `sluice stage <name> … --worker <k>` for this pipeline.
  std::vector<pid_t> WorkerPids(const std::string& name) const;

 private:
  TempDir tmp_;
  int metrics_port_;
  std::string config_;
  ChildProcess run_;
};

int64_t QueryInt(const std::string& db_path, const std::string& sql);

}  // namespace sluice::testing
